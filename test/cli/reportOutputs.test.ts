/**
 * The report formats through the command line: HTML reports and the index written by `run`, `--format html` and
 * `--format markdown`, `--trace`, `check --junit` and `--compare`; every bundled scenario in every format; bad
 * options refused with exit 2 before anything is written.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { expectOneLineError, provsim } from './edges/builtCli.js';
import { cli, reportSetFiles, scenarioFile, tempDir } from './harness.js';

const TINY = `name: tiny
horizon: 3h
taskSequence:
  startAt: 10m
  steps:
    - { name: Upgrade, duration: 1h }
events:
  - { at: 2h, type: deployment, name: App }
expect:
  exitReason: ts-success
  hazards: []
`;

/** SetClientProvisioningMode($true) on a running client without a restart: only checkLoop=continuous times out. */
const WMI = `name: wmi-enable
horizon: 60h
assumptions: { setRestartsService: false }
events:
  - { at: 1h, type: admin-wmi, enable: true }
`;

const SCENARIOS = join(import.meta.dirname, '../../scenarios');

/** No temporary file of writeAtomic is left behind. */
function noTemporaries(dir: string): void {
  expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
}

describe('provsim run: HTML, index, trace, markdown', () => {
  it('writes the HTML report and an index beside the JSON and Markdown', async () => {
    const out = join(tempDir(), 'reports');
    const r = await cli('run', scenarioFile(TINY), '--out', out);
    expect(r.code).toBe(0);
    expect(readdirSync(out).sort()).toEqual(reportSetFiles('tiny'));
    expect(readFileSync(join(out, 'tiny.html'), 'utf8')).toMatch(/<figure id="overview"><svg/);
    expect(readFileSync(join(out, 'index.html'), 'utf8')).toContain('<a href="tiny.html">tiny</a>');
  });

  it('prints the HTML report of one scenario with --format html, the bytes it writes', async () => {
    const out = join(tempDir(), 'reports');
    const r = await cli('run', scenarioFile(TINY), '--out', out, '--format', 'html');
    expect(r.code).toBe(0);
    expect(r.out).toBe(readFileSync(join(out, 'tiny.html'), 'utf8'));
  });

  it('refuses --format html for several scenarios and writes nothing', async () => {
    const dir = tempDir();
    scenarioFile(TINY, 'a.yaml', dir);
    scenarioFile(TINY.replace('name: tiny', 'name: tiny-two'), 'b.yaml', dir);
    const out = join(tempDir(), 'reports');
    const r = await cli('run', dir, '--out', out, '--format', 'html');
    expect(r.code).toBe(2);
    expect(r.err).toContain('--format html prints the report of one scenario, and 2 were given');
    expect(existsSync(out)).toBe(false);
  });

  it('writes the trace-viewer file with --trace', async () => {
    const out = join(tempDir(), 'reports');
    await cli('run', scenarioFile(TINY), '--out', out, '--trace');
    const trace = JSON.parse(readFileSync(join(out, 'tiny.trace.json'), 'utf8'));
    expect(trace.traceEvents.length).toBeGreaterThan(10);
    expect(readFileSync(join(out, 'index.html'), 'utf8')).toContain('<a href="tiny.trace.json">trace</a>');
  });

  it('prints a pull-request summary with --format markdown', async () => {
    const r = await cli('run', scenarioFile(TINY), '--out', join(tempDir(), 'r'), '--format', 'markdown');
    expect(r.out).toMatch(/^### provsim run: 1 scenario, all 1 with expectations pass\n/);
    expect(r.out).toContain('| `tiny` | out at 1h10m | success | 1h | ts-success | - | ✅ 2/2 pass |');
  });
});

describe('provsim check: JUnit and markdown', () => {
  it('writes JUnit XML, with the failure, and still exits 1 on a failing expectation', async () => {
    const dir = tempDir();
    const file = join(dir, 'results', 'junit.xml');
    const r = await cli(
      'check',
      scenarioFile(TINY.replace('exitReason: ts-success', 'exitReason: timeout')),
      '--junit',
      file,
    );
    expect(r.code).toBe(1);
    const xml = readFileSync(file, 'utf8');
    expect(XMLValidator.validate(xml)).toBe(true);
    const doc = parser().parse(xml);
    expect(doc.testsuites).toMatchObject({ tests: '2', failures: '1' });
    const failure = doc.testsuites.testsuite[0].testcase[0].failure;
    expect(failure.message).toBe('exitReason: expected "timeout", got "ts-success"');
    noTemporaries(join(dir, 'results'));
  });

  it('prints only the markdown summary with --format markdown', async () => {
    const r = await cli('check', scenarioFile(TINY), '--format', 'markdown');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^### provsim check: 1 scenario/);
    expect(r.out).not.toContain('passed, 0 failed');
  });
});

describe('provsim run --compare', () => {
  it('runs the variants of an assumption and shows where they part', async () => {
    const out = join(tempDir(), 'reports');
    const r = await cli('run', scenarioFile(WMI), '--compare', 'checkLoop=flow,continuous', '--out', out);
    expect(r.code).toBe(0);
    expect(r.out).toContain('== compare wmi-enable: checkLoop=flow | checkLoop=continuous ==');
    expect(r.out).toMatch(/The timelines part at trace entry #\d+, at 01:00:00/);
    expect(r.out).toMatch(/^\* last exit reason +still in +timeout$/m);
    expect(readdirSync(out)).toEqual(['wmi-enable.compare.html']);
    const html = readFileSync(join(out, 'wmi-enable.compare.html'), 'utf8');
    expect(html.match(/<svg/g)).toHaveLength(2);
  });

  it('takes every value of an assumption named alone, and prints JSON', async () => {
    const r = await cli(
      'run',
      scenarioFile(WMI),
      '--compare',
      'checkLoop',
      '--format',
      'json',
      '--out',
      join(tempDir(), 'r'),
    );
    expect(JSON.parse(r.out).labels).toEqual(['checkLoop=flow', 'checkLoop=continuous']);
  });

  it('compares two scenario files with the first one seed', async () => {
    const dir = tempDir();
    const a = scenarioFile(TINY, 'a.yaml', dir);
    const b = scenarioFile(
      TINY.replace('name: tiny', 'name: late').replace('startAt: 10m', 'startAt: 20m'),
      'b.yaml',
      dir,
    );
    const out = join(tempDir(), 'reports');
    const r = await cli('run', a, b, '--compare', '--out', out);
    expect(r.code).toBe(0);
    expect(r.out).toContain('== compare tiny-vs-late: tiny | late ==');
    expect(r.out).toContain('The timelines part at trace entry #3, at 00:10:00');
    expect(existsSync(join(out, 'tiny-vs-late.compare.html'))).toBe(true);
  });

  it.each([
    [['--compare', 'checkloop=flow,continuous'], 'did you mean "checkLoop"'],
    [['--compare', 'checkLoop=flow'], 'give two or more different values of checkLoop'],
    [['--compare', 'checkLoop=flow,sometimes'], 'allowed: flow, continuous'],
    [['--compare'], 'compares two scenario files, and 1 were given'],
    [['--compare', 'checkLoop', '--assume', 'checkLoop=flow'], 'also set by --assume'],
  ])('refuses %j with exit 2 and writes nothing', async (options, message) => {
    const out = join(tempDir(), 'reports');
    const r = await cli('run', scenarioFile(WMI), ...options, '--out', out);
    expect(r.code).toBe(2);
    expect(r.err).toContain(message);
    expect(existsSync(out)).toBe(false);
  });
});

describe('every bundled scenario in every format', () => {
  it('writes HTML, trace and index for all of them, and JUnit with a suite each', async () => {
    const out = join(tempDir(), 'reports');
    const run = await cli('run', SCENARIOS, '--out', out, '--trace', '--format', 'json');
    expect(run.code).toBe(0);
    const names = (JSON.parse(run.out) as { scenario: { name: string } }[]).map((r) => r.scenario.name);
    expect(names.length).toBeGreaterThanOrEqual(12);
    const index = readFileSync(join(out, 'index.html'), 'utf8');
    for (const name of names) {
      for (const ext of ['json', 'md', 'html', 'trace.json'])
        expect(existsSync(join(out, `${name}.${ext}`))).toBe(true);
      expect(index).toContain(`<a href="${name}.html">${name}</a>`);
      expect(readFileSync(join(out, `${name}.html`), 'utf8')).toContain(`<h1>${name}</h1>`);
      expect(JSON.parse(readFileSync(join(out, `${name}.trace.json`), 'utf8')).traceEvents.length).toBeGreaterThan(0);
    }
    noTemporaries(out);
    const junit = join(out, 'junit.xml');
    const check = await cli('check', SCENARIOS, '--junit', junit, '--format', 'markdown');
    expect(check.code).toBe(0);
    const doc = parser().parse(readFileSync(junit, 'utf8'));
    expect(doc.testsuites.testsuite.map((s: { name: string }) => s.name)).toEqual(names);
    expect(check.out.split('\n').filter((l) => l.startsWith('| `'))).toHaveLength(names.length);
  });
});

function parser() {
  return new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '',
    isArray: (n) => n === 'testsuite' || n === 'testcase',
  });
}

describe('provsim run --workers', () => {
  it('writes the same bytes with the HTML rendered on worker threads (the built command)', () => {
    const run = (workers: string) => {
      const out = tempDir();
      const r = provsim(['run', SCENARIOS, '--out', out, '--workers', workers], { timeoutMs: 600_000 });
      expect(r.code).toBe(0);
      noTemporaries(out);
      return Object.fromEntries(readdirSync(out).map((f) => [f, readFileSync(join(out, f), 'utf8')]));
    };
    const one = run('1');
    expect(Object.keys(one).filter((f) => f.endsWith('.html')).length).toBeGreaterThan(16);
    expect(run('2')).toEqual(one);
  }, 300_000);

  it('writes nothing when a later scenario is bad input, the HTML workers already at work', () => {
    const dir = tempDir();
    for (let k = 10; k < 40; k++) scenarioFile(TINY.replace('name: tiny', `name: tiny-${k}`), `a${k}.yaml`, dir);
    scenarioFile(WMI, 'z.yaml', dir);
    const out = join(tempDir(), 'reports');
    const r = provsim(['run', dir, '--out', out, '--workers', '2', '--max-events', '60'], { timeoutMs: 120_000 });
    expectOneLineError(r, /z\.yaml: Aborting after 60 events/);
    expect(existsSync(out)).toBe(false);
  }, 120_000);
});
