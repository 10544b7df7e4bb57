/**
 * One measured command for `npm run bench`: runs `provsim <args>` in this process (standard output discarded,
 * reports written where `--out` says) and prints one JSON line with the process's peak resident memory (worker
 * threads included), how long loading the command line took (`loadMs`, since the process started) and how long the
 * command itself ran (`commandMs`). The parent also times the whole process from outside.
 */
import { main } from '../cli/main.js';

const loadMs = performance.now();
const code = await main(process.argv.slice(2), { out: () => {}, err: (t) => process.stderr.write(t) });
const commandMs = performance.now() - loadMs;
process.stdout.write(`${JSON.stringify({ code, maxRssKb: process.resourceUsage().maxRSS, loadMs, commandMs })}\n`);
process.exitCode = code;
