/**
 * The one pipeline behind scenario and fleet files: YAML (or JSON) text -> a document -> a value validated against
 * a field definition (`fields.ts`), or a `ScenarioError` listing every problem found.
 */
import { LineCounter, parseDocument } from 'yaml';
import * as F from './fields.js';
import { ScenarioError, type ScenarioIssue } from './ScenarioError.js';

/**
 * Parses a YAML (or JSON) document and validates it against a field definition: the one pipeline behind scenario
 * and fleet files. Throws a `ScenarioError` listing every problem found, sorted by position, and nothing else:
 * YAML errors, an empty document, alias bombs and deep nesting each become a clear issue.
 */
export function parseYamlWith<T>(
  text: string,
  file: string,
  spec: F.Spec<T>,
  what: { noun: string; needs: string },
): T {
  const lineCounter = new LineCounter();
  const raw: F.RawIssue[] = [];
  let result: T | F.Bad = F.BAD;
  try {
    result = validate(text, lineCounter, raw, spec, what);
  } catch (e) {
    raw.push({ offset: null, path: '', message: `internal error while reading the ${what.noun}: ${String(e)}` });
  }
  if (result !== F.BAD && raw.length === 0) return result;
  const issues = raw.map((r): ScenarioIssue => {
    const pos = r.offset === null ? { line: 1, col: 1 } : lineCounter.linePos(r.offset);
    return { line: pos.line, column: pos.col, path: r.path, message: r.message.replace(/\s*\n\s*/g, ' ') };
  });
  issues.sort((a, b) => a.line - b.line || a.column - b.column);
  if (issues.length === 0) issues.push({ line: 1, column: 1, path: '', message: `the ${what.noun} is not valid` });
  throw new ScenarioError(file, issues);
}

function validate<T>(
  text: string,
  lineCounter: LineCounter,
  issues: F.RawIssue[],
  spec: F.Spec<T>,
  what: { noun: string; needs: string },
): T | F.Bad {
  const empty = { offset: null, path: '', message: `the file is empty; a ${what.noun} needs at least ${what.needs}` };
  if (text.trim() === '') {
    issues.push(empty);
    return F.BAD;
  }
  const doc = parseDocument(text, { lineCounter, schema: 'core', prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    for (const e of doc.errors) {
      const message = /call stack/i.test(e.message)
        ? 'the document is nested too deeply'
        : e.code === 'MULTIPLE_DOCS'
          ? `the file holds more than one YAML document (a line "---" or "..." starts another); a ${what.noun} file holds one: remove the separator or split the file`
          : e.message;
      issues.push({ offset: e.pos[0], path: '', message: `invalid YAML: ${message}` });
    }
    return F.BAD;
  }
  if (doc.contents === null) {
    issues.push(empty);
    return F.BAD;
  }
  const cx = new F.Cx();
  try {
    const root = F.fromYaml(doc.contents, doc, (offset, message) => cx.issue(offset, '', message));
    const out = spec.parse(root, { path: '', offset: 0 }, cx);
    issues.push(...cx.issues);
    return out;
  } catch (e) {
    if (e instanceof F.TooManyNodes) {
      const message = e.throughAliases
        ? 'the document is too large once its aliases are expanded'
        : `the document holds more than ${F.MAX_NODES} values; a ${what.noun} is far smaller`;
      issues.push({ offset: null, path: '', message });
    } else if (e instanceof RangeError && /call stack/i.test(e.message)) {
      issues.push({ offset: null, path: '', message: 'the document is nested too deeply' });
    } else throw e;
    return F.BAD;
  }
}
