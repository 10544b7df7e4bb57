/**
 * The one error a scenario or fleet file can raise: every problem found, each with its line, column and key, what
 * was wrong and what is allowed.
 */

export interface ScenarioIssue {
  readonly line: number;
  readonly column: number;
  readonly path: string;
  readonly message: string;
}

/** Formats issues one per line as `FILE:LINE:COLUMN: PATH: MESSAGE` (without `PATH: ` when the path is empty). */
export function formatIssues(file: string, issues: readonly ScenarioIssue[]): string {
  return issues
    .map((i) => `${file}:${i.line}:${i.column}: ${i.path === '' ? '' : `${i.path}: `}${i.message}`)
    .join('\n');
}

export class ScenarioError extends Error {
  readonly file: string;
  readonly issues: readonly ScenarioIssue[];
  constructor(file: string, issues: readonly ScenarioIssue[]) {
    super(formatIssues(file, issues));
    this.name = 'ScenarioError';
    this.file = file;
    this.issues = issues;
  }
}
