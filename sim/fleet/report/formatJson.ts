/**
 * JSON for reports that people open: objects indented, arrays of numbers and strings (histogram buckets, counts over
 * time) kept on one line so a report of thousands of numbers stays readable. `JSON.parse` reads it back to the same
 * value; the same value always gives the same text. Pure.
 */
export function formatJson(value: unknown): string {
  return `${write(value, '')}\n`;
}

const isFlat = (x: unknown): boolean =>
  x === null || typeof x !== 'object' || (Array.isArray(x) && x.every((y) => y === null || typeof y !== 'object'));

function write(value: unknown, indent: string): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    if (value.every(isFlat)) return `[${value.map((v) => JSON.stringify(v) ?? 'null').join(', ')}]`;
    return `[\n${value.map((v) => `${inner}${write(v, inner)}`).join(',\n')}\n${indent}]`;
  }
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
  if (entries.length === 0) return '{}';
  return `{\n${entries.map(([k, v]) => `${inner}${JSON.stringify(k)}: ${write(v, inner)}`).join(',\n')}\n${indent}}`;
}
