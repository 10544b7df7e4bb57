/**
 * Moved to `sim/time/TimeZone.ts` (the ground floor for time). This re-export keeps branches written before the
 * move compiling; import from `sim/time/TimeZone.js` instead (test/architecture.test.ts says so for each import).
 */
export * from '../../time/TimeZone.js';
