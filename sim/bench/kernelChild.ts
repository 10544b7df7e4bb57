/**
 * One kernel measurement for `npm run bench`, in a process of its own (so that no other code shares the kernel's
 * compiled code and type feedback): `node kernelChild.js IMPLEMENTATION TIMERS EVENTS RUNS` prints one JSON line.
 */
import { benchKernel, type KernelResult } from './kernelBench.js';

const [implementation, timers, events, runs] = process.argv.slice(2);
const result = benchKernel(
  implementation as KernelResult['implementation'],
  Number(timers),
  Number(events),
  Number(runs),
);
process.stdout.write(`${JSON.stringify(result)}\n`);
