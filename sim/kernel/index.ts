export { EventQueue, type QueueEntry, type QueueHandle } from './EventQueue.js';
export { createRandom, type Random } from './Random.js';
export {
  DEFAULT_MAX_EVENTS,
  EventLimitError,
  RunawayError,
  Simulator,
  type SimulatorOptions,
  type TimerHandle,
} from './Simulator.js';
