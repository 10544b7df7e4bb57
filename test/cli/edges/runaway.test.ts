/**
 * Runaway runs stop on a budget that bounds memory as well as events, with the same one-line message under a
 * 1 GiB heap; large inputs are refused before they are expanded, each limit named in the message.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, test } from 'vitest';
import { expectOneLineError, provsim, tempDir, writeFile } from './builtCli.js';

const dir = tempDir();
const SMALL_HEAP = { NODE_OPTIONS: '--max-old-space-size=1024' };

/**
 * Runs the built command under a 1 GiB heap with a probe preloaded (`--import`) that writes the process's peak
 * resident set size (`process.resourceUsage().maxRSS`, in KiB) to a file as it exits; returns the outcome and
 * the peak in bytes (null when the process died before it could write it, as after V8's out-of-memory abort).
 */
function withPeakRss(args: readonly string[]): { r: ReturnType<typeof provsim>; peakBytes: number | null } {
  const probe = writeFile(
    tempDir(),
    'rss-probe.mjs',
    "import { writeFileSync } from 'node:fs';\n" +
      "process.on('exit', () => writeFileSync(process.env.PROVSIM_RSS_FILE, String(process.resourceUsage().maxRSS)));\n",
  );
  const rssFile = join(tempDir(), 'max-rss');
  const r = provsim(args, {
    env: {
      NODE_OPTIONS: `--max-old-space-size=1024 --import=${pathToFileURL(probe).href}`,
      PROVSIM_RSS_FILE: rssFile,
    },
  });
  return { r, peakBytes: existsSync(rssFile) ? Number(readFileSync(rssFile, 'utf8')) * 1024 : null };
}

describe('runaway runs', () => {
  test('a 1 ms check interval over a year stops on the trace budget under a 1 GiB heap', () => {
    const file = writeFile(
      dir,
      'ms-checks.yaml',
      'name: ms-checks\nhorizon: 365d\nclient:\n  checkInterval: 1ms\n  registry: { ProvisioningMaxMinutes: 4294967295 }\nevents:\n  - { at: 1m, type: admin-wmi, enable: true }\n',
    );
    const out = tempDir();
    const r = provsim(['run', file, '--out', out], { env: SMALL_HEAP });
    expectOneLineError(
      r,
      /ms-checks\.yaml: Aborting at simulation time \d+ ms after keeping 250000 trace entries in memory.*--max-trace/,
    );
  });

  test('the default budget stops a runaway scenario with its peak resident memory under 1 GiB', () => {
    const file = writeFile(
      dir,
      'rss.yaml',
      'name: rss\nhorizon: 365d\nclient:\n  checkInterval: 1ms\n  registry: { ProvisioningMaxMinutes: 4294967295 }\nevents:\n  - { at: 1m, type: admin-wmi, enable: true }\n',
    );
    const { r, peakBytes } = withPeakRss(['run', file, '--out', tempDir()]);
    expectOneLineError(r, /rss\.yaml: Aborting at simulation time \d+ ms after keeping 250000 trace entries/);
    expect(peakBytes).not.toBeNull();
    expect(peakBytes as number).toBeGreaterThan(0);
    expect(peakBytes as number).toBeLessThan(1024 ** 3);
  });

  test('a thousand-year horizon stops on the budget too', () => {
    const file = writeFile(dir, 'millennium.yaml', 'name: millennium\nhorizon: 365000d\n');
    const r = provsim(['run', file, '--out', tempDir()], { env: SMALL_HEAP });
    expectOneLineError(r, /millennium\.yaml: Aborting .*runaway scenario/);
  });

  test('the event limit still applies, and --max-trace is strict', () => {
    const file = writeFile(dir, 'week.yaml', 'name: week\n');
    expectOneLineError(provsim(['run', file, '--max-events', '50', '--out', tempDir()]), /Aborting after 50 events/);
    expectOneLineError(
      provsim(['run', file, '--max-trace', '20', '--out', tempDir()]),
      /after keeping 20 (trace entries|state snapshots)/,
    );
    expectOneLineError(provsim(['run', file, '--max-trace', '1k']), /--max-trace 1k: expected a whole number from 1/);
  });
});

describe('large inputs are refused before they are expanded', () => {
  const step = '    - { name: s, duration: 1m }\n';
  test.each([
    [
      'steps',
      `name: many-steps\ntaskSequence:\n  steps:\n${step.repeat(1001)}`,
      /a task sequence has at most 1000 steps \(the limit on steps\); this list has 1001/,
    ],
    [
      'events',
      `name: many-events\nevents:\n${'  - { at: 1m, type: ccmeval }\n'.repeat(10_001)}`,
      /at most 10000 events \(the limit on events; use repeat for a series\); this list has 10001/,
    ],
    [
      'one repeat',
      'name: big-repeat\nhorizon: 1000d\nevents:\n  - { at: 0s, type: ccmeval, repeat: { every: 1s, count: 100001 } }\n',
      /from 1 to 100000 \(the limit on occurrences of one event\)/,
    ],
    [
      'occurrences',
      `name: many-occurrences\nhorizon: 1000d\nevents:\n${'  - { at: 0s, type: ccmeval, repeat: { every: 1s, count: 60000 } }\n'.repeat(2)}`,
      /occur 120000 times in all.*at most 100000 occurrences are allowed \(the limit on occurrences\)/,
    ],
  ])('%s', (_, text, message) => {
    const r = provsim(['validate', writeFile(dir, 'big.yaml', text)]);
    expectOneLineError(r, message);
  });
});
