/**
 * Text that came from a scenario (names, descriptions, file paths) made safe inside Markdown: on one line, with
 * every character that Markdown or the HTML it allows could read as markup backslash-escaped (CommonMark lets any
 * ASCII punctuation be escaped so), so `<iframe ...>` in a step name shows as text and a `|` stays in its table
 * cell. Pure.
 */
const MARKUP = /[\\`*_[\]<>|&~#!]/g;

export function markdownText(text: string): string {
  return text.replace(/\r\n|[\r\n\u2028\u2029]/g, ' ').replace(MARKUP, '\\$&');
}
