/**
 * Moved to `sim/time/Duration.ts` (the ground floor for time). This re-export keeps branches written before the
 * move compiling; import from `../time/Duration.js` instead (test/architecture.test.ts says so for each import).
 */
export * from '../time/Duration.js';
