/**
 * The command line's conventions, through the real executable: `--version`, `provsim` alone listing every
 * command, `provsim completion`, an unknown command named before a suggestion, each command's help with only its
 * own options, `validate` reading `*.fleet.yaml` as a fleet, and colour only where a person reads a terminal.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { paint, paintWords, useColour } from '../../sim/cli/colour.js';
import { scenarioFile, tempDir } from './harness.js';

const ROOT = join(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin/provsim.js');
const COMMANDS = ['run', 'check', 'validate', 'explore', 'import', 'replay', 'fleet', 'tune', 'merge', 'completion'];

function provsim(args: string[], env: NodeJS.ProcessEnv = process.env) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', cwd: ROOT, env });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** The long option names a command's --help lists. */
function helpOptions(command: string): string[] {
  const r = provsim([command, '--help']);
  expect(r.code).toBe(0);
  return [...r.out.matchAll(/^\s+(?:-\w, )?--([\w-]+)/gm)].map((m) => m[1] as string).sort();
}

describe('conventions', () => {
  it('prints the version of package.json', () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(provsim(['--version'])).toMatchObject({ code: 0, out: `${version}\n` });
  });

  it('lists every command when run alone', () => {
    const r = provsim([]);
    expect(r.code).toBe(0);
    for (const c of COMMANDS) expect(r.out).toMatch(new RegExp(`^  provsim ${c}\\b`, 'm'));
    expect(r.out).not.toMatch(/provsim (schema|fleet-schema)\b/);
  });

  it('prints a shell completion script', () => {
    const r = provsim(['completion']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('provsim --get-yargs-completions');
  });

  it('names an unknown command before suggesting one', () => {
    const r = provsim(['rnu', 'scenarios']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^provsim: unknown command "rnu"; did you mean "run"\? The commands: run, check, /);
    expect(provsim(['frobnicate']).err).toMatch(/^provsim: unknown command "frobnicate"\. The commands: /);
  });

  it("shows in each command's help only the options it takes", () => {
    expect(helpOptions('validate')).toEqual(['assume', 'format', 'help', 'seed', 'version']);
    expect(helpOptions('merge')).toEqual(['format', 'help', 'out', 'version']);
    expect(helpOptions('check')).not.toContain('out');
    expect(helpOptions('fleet')).not.toContain('assume');
  });
});

describe('validate and fleet files', () => {
  it('validates a *.fleet.yaml file as a fleet', () => {
    const r = provsim(['validate', 'scenarios/fleets/default.fleet.yaml']);
    expect(r).toMatchObject({ code: 0, out: 'ok scenarios/fleets/default.fleet.yaml (fleet default)\n' });
  });

  it("reports a fleet file's own problems, one line each", () => {
    const file = scenarioFile('name: estate\nclients: 10\nclinets: 3\n', 'estate.fleet.yaml');
    const r = provsim(['validate', file]);
    expect(r.code).toBe(2);
    expect(r.err.split('\n').filter((l) => l.includes(file))).toHaveLength(1);
    expect(r.err).toMatch(/clinets/);
  });

  it('points run to provsim fleet for a fleet file', () => {
    const r = provsim(['run', 'scenarios/fleets/default.fleet.yaml', '--out', tempDir()]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('a fleet file, not a scenario; run it with provsim fleet');
  });
});

describe('colour', () => {
  it('is on at a terminal, off with NO_COLOR, when piped or on a dumb terminal', () => {
    expect(useColour({ isTTY: true }, {})).toBe(true);
    expect(useColour({ isTTY: true }, { NO_COLOR: '1' })).toBe(false);
    expect(useColour({ isTTY: true }, { NO_COLOR: '' })).toBe(true);
    expect(useColour({ isTTY: false }, {})).toBe(false);
    expect(useColour({}, {})).toBe(false);
    expect(useColour({ isTTY: true }, { TERM: 'dumb' })).toBe(false);
  });

  it('paints only the words that matter, and whole words', () => {
    const text = 'Check: elapsed 49h of max 48h -> EXPIRED; HAZARD stuck; FAILED; FAIL; FAILURE; wait';
    const painted = paintWords(text, true);
    for (const w of ['EXPIRED', 'HAZARD', 'FAILED', 'FAIL']) expect(painted).toContain(paint(w, true));
    expect(painted).toContain('FAILURE');
    expect(painted).not.toContain(`${paint('FAIL', true)}URE`);
    expect(paintWords(text, false)).toBe(text);
  });

  it('is never written when piped', () => {
    const file = join(ROOT, 'scenarios/disabled-client-ccmeval-rescue.yaml');
    const r = provsim(['run', file, '--out', tempDir()], { ...process.env, NO_COLOR: '', FORCE_COLOR: '1' });
    expect(r.out).toContain('HAZARD');
    expect(r.out).not.toContain('\u001b[');
  });
});
