/**
 * Colour for people at a terminal: the words that matter (FAIL, FAILED, STUCK, EXPIRED, HAZARD) in the text output. Only
 * when standard output is a terminal, `NO_COLOR` is unset or empty (https://no-color.org) and `TERM` is not `dumb`;
 * never in JSON or any other machine-readable format, never when piped.
 */
const CODES: Record<string, string> = {
  FAIL: '\u001b[1;31m', // bold red
  FAILED: '\u001b[1;31m',
  STUCK: '\u001b[1;31m',
  EXPIRED: '\u001b[33m', // yellow
  HAZARD: '\u001b[35m', // magenta
};
const RESET = '\u001b[0m';
/** Every sequence `paint` writes: what a terminal's standard output may carry raw (see `visibleControls`). */
export const COLOUR_SEQUENCES: readonly string[] = [...new Set([...Object.values(CODES), RESET])];
const WORDS = new RegExp(`\\b(${Object.keys(CODES).join('|')})\\b`, 'g');

export function useColour(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  return stream.isTTY === true && (env.NO_COLOR ?? '') === '' && env.TERM !== 'dumb';
}

/** One of the words, coloured when `on`. */
export function paint(word: string, on: boolean): string {
  const code = CODES[word];
  return on && code !== undefined ? `${code}${word}${RESET}` : word;
}

/** Colours every occurrence of the words in a text, when `on`. */
export function paintWords(text: string, on: boolean): string {
  return on ? text.replace(WORDS, (w) => paint(w, true)) : text;
}
