/** Names reach the logs and the Markdown report only in a form that cannot forge records or markup. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { expectOneLineError, provsim, tempDir, VALID, writeFile } from './builtCli.js';

const dir = tempDir();

describe('escaping by format', () => {
  test('a step name with a line break is refused at load', () => {
    const file = writeFile(dir, 'nl.yaml', VALID.replace('name: Download content', 'name: "Download\\nForged record"'));
    expectOneLineError(
      provsim(['validate', file]),
      /steps\[0\]\.name: "Download\\nForged record" holds a control character/,
    );
  });

  test('a name holding "]LOG]!>" is refused at load', () => {
    const file = writeFile(dir, 'log.yaml', VALID.replace('name: Download content', 'name: "x]LOG]!><time"'));
    expectOneLineError(provsim(['validate', file]), /holds "\]LOG\]!>", which ends a CMTrace log record/);
  });

  test('markup in a name lands escaped in the Markdown report, and the logs import back', () => {
    const evil = '<iframe src="https://example.invalid"> | *bold*';
    const file = writeFile(dir, 'md.yaml', VALID.replace('name: Download content', `name: '${evil}'`));
    const out = tempDir();
    const r = provsim(['run', file, '--logs', '--out', out]);
    expect(r.code).toBe(0);
    const md = readFileSync(join(out, 'edge-valid.md'), 'utf8');
    expect(md).not.toMatch(/(^|[^\\])<iframe/m);
    expect(md).toContain('\\<iframe src="https://example.invalid"\\> \\| \\*bold\\*');
    const imported = provsim(['import', join(out, 'edge-valid', 'smsts.log')]);
    expect(imported.code).toBe(0);
    expect(imported.out).toContain(`name: ${evil}, duration: 20m`);
  });
});
