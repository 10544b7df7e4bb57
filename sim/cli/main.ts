/**
 * The `provsim` command line (yargs): the only code that touches the file system, the process and the console.
 * Exit codes, for every command: 0 all good; 1 the simulation says something is wrong (an expectation failed, an
 * invariant was violated, explore found a violation); 2 bad input, bad usage or an output that cannot be written
 * (one line, never a stack trace, and none of the command's files written). A closed standard output ends quietly.
 */
import { readFileSync } from 'node:fs';
import yargs, { type Argv } from 'yargs';
import { closest } from '../scenario/closest.js';
import { COLOUR_SEQUENCES, useColour } from './colour.js';
import { COMMANDS, type CommandContext, type CommandGroup, groupOf, HIDDEN_COMMANDS } from './commands.js';
import { InputError, UsageError } from './InputError.js';
import type { Io } from './output.js';
import { removeStagedOnInterrupt, writeAllOrNothing } from './writeAtomic.js';

export type { Io } from './output.js';

let stdoutClosed = false;

/** The console; once standard output is closed (`provsim ... | head`), what would go there is dropped quietly. */
function processIo(): Io {
  if (process.stdout.listenerCount('error') === 0) {
    removeStagedOnInterrupt();
    process.stdout.on('error', (error: NodeJS.ErrnoException) => {
      stdoutClosed = true;
      // A closed pipe (provsim ... | head) ends quietly; any other failure (a full disk) is one line, exit 2.
      if (error.code !== 'EPIPE') {
        process.stderr.write(`provsim: cannot write to standard output (${error.code ?? 'error'})\n`);
        process.exit(2);
      }
    });
  }
  // On a terminal, what standard output quotes from the input (a file name, a description) is shown, not obeyed: the
  // same rule as the error messages, keeping provsim's own colours. Piped or redirected, the bytes go as they are.
  const terminal = process.stdout.isTTY === true;
  return {
    out: (text) => {
      if (!stdoutClosed) process.stdout.write(terminal ? visibleControls(text, COLOUR_SEQUENCES) : text);
    },
    err: (text) => process.stderr.write(text),
  };
}

/** The version in package.json (read at run time: the same file in the repository and the installed package). */
const VERSION = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

/** The commands registered on the parser, hidden ones included (yargs has no public accessor for them). */
function commandNames(cli: Argv): string[] {
  const internal = cli as unknown as {
    getInternalMethods?: () => { getCommandInstance: () => { getCommands: () => string[] } };
  };
  return internal.getInternalMethods?.().getCommandInstance().getCommands() ?? [];
}

/** Refuses an unknown command by name first, then suggests the closest one and lists them all. */
function checkCommandName(first: string, names: readonly string[]): void {
  if (first.startsWith('-') || names.length === 0 || names.includes(first)) return;
  const visible = names.filter((n) => !HIDDEN_COMMANDS.has(n));
  const hint = closest(first, visible);
  throw new UsageError(
    `unknown command "${first}"${hint === undefined ? '.' : `; did you mean "${hint}"?`} The commands: ${visible.join(', ')}.`,
  );
}

/** Each group's `register`, loaded on demand: `--help` and `--version` load none of them. */
const GROUPS: Record<CommandGroup, () => Promise<(cli: Argv, context: CommandContext) => void>> = {
  run: async () => (await import('./runCommand.js')).registerRun,
  check: async () => {
    const { registerCheck, registerValidate } = await import('./checkCommand.js');
    return (cli, c) => registerValidate(registerCheck(cli, c), c);
  },
  explore: async () => (await import('./exploreCommand.js')).registerExplore,
  import: async () => (await import('./importCommand.js')).registerImport,
  fleet: async () => {
    const [{ registerFleet }, { remediateMerger }] = await Promise.all([
      import('./fleetCommand.js'),
      import('./remediateCommand.js'),
    ]);
    return (cli, c) => registerFleet(cli, c, [remediateMerger(c.io)]);
  },
  triage: async () => (await import('./triageCommand.js')).registerTriage,
  remediate: async () => (await import('./remediateCommand.js')).registerRemediate,
  schema: async () => {
    const { scenarioJsonSchema } = await import('../scenario/loadScenario.js');
    return (cli, { io }) =>
      cli.command(COMMANDS.schema.command, false, {}, () =>
        io.out(`${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`),
      );
  },
};

/**
 * Registers every command, in the order of `COMMANDS`: those of the group the command line names in full (loaded
 * now), the others by name and description alone, enough for `--help`, `--version`, completion and "did you mean".
 */
async function registerCommands(cli: Argv, wanted: CommandGroup | undefined, context: CommandContext) {
  const register = wanted === undefined ? undefined : await GROUPS[wanted]();
  const done = new Set<CommandGroup>();
  for (const [name, entry] of Object.entries(COMMANDS)) {
    if (entry.group === wanted && register !== undefined) {
      if (!done.has(entry.group)) register(cli, context);
      done.add(entry.group);
    } else {
      // [provsim] Reached only when an option's value names a command before the command itself (`--out fleet run x`).
      cli.command({
        command: entry.command,
        describe: entry.describe,
        handler: () => {
          throw new UsageError(`name the command first: provsim ${name} [options]`);
        },
      });
    }
  }
}

/**
 * A message as the terminal should show it: every control character but the line break and the tab (the escape, the
 * carriage return, C1 codes, the line and paragraph separators U+2028 and U+2029) and every bidirectional override
 * (U+202A-U+202E, U+2066-U+2069) written as `\u001b`.
 * Messages quote what they were given (an option's value, an environment variable, a file name): an escape sequence
 * there went raw to the terminal (`JOB_COMPLETION_INDEX=$'1\e[31m'`). Every one-line error passes through here, and
 * standard output on a terminal, keeping the sequences in `keep` (provsim's colours).
 */
export function visibleControls(message: string, keep: readonly string[] = []): string {
  return message.replace(
    // eslint-disable-next-line no-control-regex -- control characters are exactly what is made visible
    /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g,
    (c, at: number, text: string) =>
      keep.some((k) => text.startsWith(k, at)) ? c : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/**
 * `--timezone -05:00` as `--timezone=-05:00`. The argument parser reads a value that starts with a hyphen as options
 * unless it is a plain negative number, so the negative offset the help names was refused as "Unknown arguments: 0,
 * 5", naming neither the option nor the value. A value that reads as a negative offset (`-H:MM` or `-HH:MM`) after an
 * option written without `=` is joined to it (not after `--`, which ends the options); whatever the option then makes
 * of it, its message names it.
 */
export function withNegativeOffsetsJoined(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const next = argv[i + 1];
    if (arg === '--') return [...out, ...argv.slice(i)];
    if (/^--[^=]+$/.test(arg) && next !== undefined && /^-\d{1,2}:\d{2}$/.test(next)) {
      out.push(`${arg}=${next}`);
      i++;
    } else {
      out.push(arg);
    }
  }
  return out;
}

/**
 * A usage message of yargs in one line: its "Invalid values:" message lists each option on a line of its own
 * (`  Argument: format, Given: "xml", Choices: "text", "json"`), which becomes `--format xml: expected one of text,
 * json`; any other message keeps its words, its lines joined.
 */
export function oneLine(message: string): string {
  const invalid = [...message.matchAll(/Argument: ([^,\n]+), Given: ("(?:[^"\\]|\\.)*"|[^,\n]+), Choices: ([^\n]+)/g)];
  if (message.startsWith('Invalid values:') && invalid.length > 0) {
    return invalid
      .map(([, name, given, choices]) => {
        const value = given?.startsWith('"') ? (JSON.parse(given) as string) : given;
        return `--${name} ${value}: expected one of ${(choices ?? '').replaceAll('"', '')}`;
      })
      .join('; ');
  }
  return message
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .join(' ');
}

/**
 * Runs `provsim ...argv` and returns its exit code. `io` defaults to the console, with colour where it is a
 * terminal (see `colour.ts`); a given `io` (tests, embedding) gets no colour.
 */
export async function main(args: readonly string[], given?: Io): Promise<number> {
  const argv = withNegativeOffsetsJoined(args);
  const colour = given === undefined && useColour(process.stdout);
  const io = given ?? processIo();
  let code = 0;
  const context: CommandContext = { io, colour, setCode: (c) => (code = c) };
  const cli = yargs([...argv])
    .scriptName('provsim')
    .usage('$0 <command> [options]\n\nSimulates the ConfigMgr client in provisioning mode through scripted scenarios.');
  await registerCommands(cli, groupOf(argv), context);
  cli
    .completion('completion', 'print a bash/zsh completion script: provsim completion >> ~/.bashrc')
    .demandCommand(1, 'name a command; provsim alone lists them')
    .strict()
    .help()
    .alias('h', 'help')
    .version('version', 'print the version of provsim', VERSION)
    .wrap(Math.min(110, process.stdout.columns ?? 110))
    .exitProcess(false)
    .fail((message, error) => {
      throw error ?? new UsageError(oneLine(message));
    });
  try {
    // `provsim` alone lists every command and exits 0 ([provsim]: the spec gives no code; a listing asked for is no
    // error); an unknown command is named before any suggestion.
    if (argv.length === 0) {
      io.out(`${await cli.getHelp()}\n`);
      return 0;
    }
    checkCommandName(argv[0] as string, commandNames(cli));
    await writeAllOrNothing(() => cli.parseAsync());
  } catch (error) {
    if (error instanceof InputError) {
      io.err(`provsim: ${visibleControls(error.message)}\n`);
      if (error instanceof UsageError) io.err('Run provsim --help for usage.\n');
      return 2;
    }
    if (error instanceof (await import('../kernel/Simulator.js')).RunawayError) {
      // A runaway run outside runAll (replay, explore --replay): still bad input, one line.
      io.err(`provsim: ${visibleControls(error.message)}\n`);
      return 2;
    }
    throw error;
  }
  return code;
}
