// Property tests that name no run count take fast-check's default (100), scaled by PROVSIM_RUNS like the others.
import fc from 'fast-check';
import { scaledRuns } from './runs.js';

fc.configureGlobal({ numRuns: scaledRuns(100) });
