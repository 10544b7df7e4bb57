/**
 * Every command of `provsim`, in the order `provsim --help` lists them: its yargs command string, its one-line
 * description, and the group (module) that registers it. This file is all that `--help`, `--version` and
 * `completion` need of the commands: it imports nothing, so the parser can list every command without loading the
 * model, the report renderers, the fleet or the verifier. `main.ts` loads the one group a command line names and
 * registers the others by their name and description alone.
 */
import type { Io } from './output.js';

/** What a group's `register` gets from `main`. */
export interface CommandContext {
  readonly io: Io;
  /** Sets the exit code (1: the simulation found something wrong). */
  readonly setCode: (code: number) => void;
  /** Colour on standard output (a terminal, no `NO_COLOR`). */
  readonly colour: boolean;
}

export type CommandGroup = 'run' | 'check' | 'explore' | 'import' | 'fleet' | 'triage' | 'remediate' | 'schema';

export interface CommandEntry {
  /** The yargs command string: the name, then the positionals. */
  readonly command: string;
  /** The line in `provsim --help`; `false` hides the command. */
  readonly describe: string | false;
  readonly group: CommandGroup;
}

export const COMMANDS = {
  run: {
    command: 'run <paths..>',
    describe: 'run scenarios; print a summary and timeline; write reports; exit 1 on a failed expectation or invariant',
    group: 'run',
  },
  check: {
    command: 'check <paths..>',
    describe:
      "run scenarios and judge each one's `expect` and invariants (no `expect`: skipped); exit 1 on any failure",
    group: 'check',
  },
  validate: {
    command: 'validate <paths..>',
    describe: 'parse and validate scenario files (and *.fleet.yaml files, as fleets) only',
    group: 'check',
  },
  explore: {
    command: 'explore',
    describe:
      'search scenarios (random, swarm or exhaustive) for invariant violations; exit 1 on a violation or a missed goal',
    group: 'explore',
  },
  import: {
    command: 'import <logs..>',
    describe: 'read task-sequence logs (smsts.log) and write a scenario that reproduces the sequence',
    group: 'import',
  },
  replay: {
    command: 'replay <logs..>',
    describe: 'import task-sequence logs and run them: is the client in provisioning mode, and until when?',
    group: 'import',
  },
  fleet: {
    command: 'fleet <file>',
    describe: 'simulate a fleet of clients described by a *.fleet.yaml file; write JSON and HTML reports',
    group: 'fleet',
  },
  tune: {
    command: 'tune <file>',
    describe: 'run a fleet once per ProvisioningMaxMinutes value and show the trade-off',
    group: 'fleet',
  },
  merge: {
    command: 'merge <files..>',
    describe: 'combine the shard reports of provsim fleet --shard I/N into the single-run report',
    group: 'fleet',
  },
  'fleet-schema': { command: 'fleet-schema', describe: false, group: 'fleet' },
  triage: {
    command: 'triage <exports..>',
    describe:
      'forecast, per device of an inventory export, whether and when provisioning mode ends, and what to fix now',
    group: 'triage',
  },
  remediate: {
    command: 'remediate <file>',
    describe:
      'compare remediation strategies (wait, max=, force-daily, window-daily, registry-only-daily) on one fleet',
    group: 'remediate',
  },
  schema: { command: 'schema', describe: false, group: 'schema' },
} as const satisfies Record<string, CommandEntry>;

export type CommandName = keyof typeof COMMANDS;

/** The names of the commands that `provsim --help` does not list. */
export const HIDDEN_COMMANDS: ReadonlySet<string> = new Set(
  Object.entries(COMMANDS)
    .filter(([, c]) => c.describe === false)
    .map(([name]) => name),
);

/**
 * The group a command line needs loaded: that of the first word naming a command (options may come before it), in
 * a shell's completion request (`--get-yargs-completions provsim explore --`) after the script name. Undefined for
 * `--help`, `--version`, `completion` and an unknown command: none of them needs a command's module.
 */
export function groupOf(argv: readonly string[]): CommandGroup | undefined {
  const words = argv[0] === '--get-yargs-completions' ? argv.slice(2) : argv;
  const first = words.find((w) => Object.hasOwn(COMMANDS, w));
  return first === undefined ? undefined : COMMANDS[first as CommandName].group;
}
