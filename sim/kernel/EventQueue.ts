/**
 * A binary min-heap of scheduled entries, ordered by (time, priority, insertion sequence), with cancellation
 * through a handle. Pure data structure: no clock of its own, no I/O.
 *
 * Layout, for speed (struct of arrays, no object per pending entry and none per push): the heap is one
 * `Float64Array` holding, in heap order, each entry's ordering key beside the number of the slot that holds the
 * rest of it. The key folds the priority into the time, `timeMs * PRIORITY_SPAN + priority`, whenever that number
 * is exact (`push` tells that by two masks), so that nearly every comparison of two entries is one comparison of
 * two numbers; an entry whose key would not be exact (a time from 2^29 ms, about 6.2 days, on; a priority outside
 * [0, 2^24) or not whole) turns folding off for the rest of the queue's life: every key becomes the time alone,
 * and equal times are ordered by the priority read from the slots (`tieBefore`). Either way the order is the same.
 * Each slot's time, priority and sequence sit side by side in another `Float64Array` (read only when two keys are
 * equal, for cancellation and for `pop`'s entry: a step reads the time off the key) and its payload in a plain
 * array, whose cell also marks a free slot and a cancelled entry. A sift moves two numbers per level and no object
 * reference.
 *
 * A handle is a number: the slot plus `SLOT_SPAN` times the entry's sequence number. `push` allocates nothing;
 * `cancel` finds the slot from the handle, and the sequence number tells the handle's entry from a later one that
 * reused the slot. Cancellation is lazy: a cancelled entry stays in the heap until it reaches the top, where it is
 * dropped unseen (or until the heap is rebuilt: when more than 64 cancelled entries outnumber the live ones, and
 * when folding is turned off). `held` counts what the heap holds.
 *
 * Gotchas: a cancelled or already-popped handle cancels nothing and `cancel` returns false; the sequence number
 * is global to the queue, so two entries pushed with equal time and priority come out in push order. A queue holds
 * at most `SLOT_SPAN` (4,194,304) pending entries and takes at most 2^31 pushes in its life (handles must stay exact
 * integers); past either, `push` throws a RangeError that says so (`EventQueueLimits` lowers both, for tests).
 */

export interface QueueEntry<T> {
  readonly timeMs: number;
  readonly priority: number;
  readonly seq: number;
  readonly payload: T;
}

/**
 * An opaque handle to a pushed entry, for `cancel` (a number: pushing allocates nothing). The type parameter only
 * documents which queue's payloads it refers to.
 */
// eslint-disable-next-line @typescript-eslint/no-unused-vars
export type QueueHandle<_T = unknown> = number;

/** Slots per queue (pending entries at most); a handle is `slot + SLOT_SPAN * seq`. */
const SLOT_SPAN = 2 ** 22;
/** Pushes per queue at most, so that every handle is an exact integer. */
const MAX_SEQ = 2 ** 31;
/** Priorities folded into the key: whole numbers in [0, PRIORITY_SPAN). */
const PRIORITY_SPAN = 2 ** 24;
/**
 * `(x & mask) === x` exactly when x is a whole number in [0, mask]: times below 2^29 ms (2^53 / PRIORITY_SPAN, so
 * that `timeMs * PRIORITY_SPAN + priority` is exact) and priorities in [0, PRIORITY_SPAN) fold. (Literals: a
 * module-level computation would not be re-evaluated for its mutants by `npm run mutate`.)
 */
const FOLD_TIME_MASK = 0x1fffffff;
const FOLD_PRIORITY_MASK = 0xffffff;

/** What a slot's payload cell holds once its entry has left the heap, and while a cancelled entry waits in it. */
const FREE: unique symbol = Symbol('free slot');
const CANCELLED: unique symbol = Symbol('cancelled');
type Cell<T> = T | typeof FREE | typeof CANCELLED;

/** What `popPayloadUntil` returns when no entry is due. */
export const NOTHING_DUE: unique symbol = Symbol('nothing due');

/** Lower capacity limits than the real ones, so that tests can reach them (the defaults are the real limits). */
export interface EventQueueLimits {
  /** Pending entries at most (default, and at most, 2^22). */
  readonly maxPending?: number;
  /** Pushes in the queue's life at most (default, and at most, 2^31). */
  readonly maxPushes?: number;
}

export class EventQueue<T> {
  // The heap, in heap order: each entry's key, and the slot that holds the rest of it.
  private keys = new Float64Array(16);
  private slots = new Int32Array(16);
  // The entries by slot; a slot is reused once its entry has left the heap. `meta` holds each slot's time, priority
  // and sequence side by side; `cells` its payload, or FREE or CANCELLED (so a pop touches no line of `meta`).
  private meta = new Float64Array(48);
  private cells: Cell<T>[] = [];
  private free = new Int32Array(16);
  private freeCount = 0;
  private slotCount = 0;
  /** Entries in the heap, cancelled ones included. */
  private used = 0;
  /** Pending (not cancelled) entries. */
  private live = 0;
  private nextSeq = 0;
  private poppedTimeMs = 0;
  /**
   * Whether every key folds the priority into the time (true until an entry that cannot be folded exactly is
   * pushed; from then on every key is the time alone, and equal times are ordered by the priority in `meta`).
   */
  private folded = true;
  private readonly maxPending: number;
  private readonly maxPushes: number;

  constructor({ maxPending = SLOT_SPAN, maxPushes = MAX_SEQ }: EventQueueLimits = {}) {
    this.maxPending = maxPending;
    this.maxPushes = maxPushes;
  }

  get size(): number {
    return this.live;
  }

  /**
   * Entries the heap holds: the pending ones and the cancelled ones not yet dropped (at most about twice the pending
   * ones, and 64 more: what the queue's memory grows with).
   */
  get held(): number {
    return this.used;
  }

  push(timeMs: number, priority: number, payload: T): QueueHandle<T> {
    let key: number;
    // One mask each tells a whole time in [0, 2^29) and a whole priority in [0, PRIORITY_SPAN): the key
    // folds them exactly. Anything else (checked in `unfoldedKey`) is a time alone.
    if ((timeMs & FOLD_TIME_MASK) === timeMs && (priority & FOLD_PRIORITY_MASK) === priority && this.folded) {
      key = timeMs * PRIORITY_SPAN + priority;
    } else key = this.unfoldedKey(timeMs);
    const seq = this.nextSeq++;
    if (seq >= this.maxPushes) {
      throw new RangeError(`an event queue takes at most ${this.maxPushes} pushes; use a new one`);
    }
    let slot: number;
    if (this.freeCount > 0) slot = this.free[--this.freeCount] as number;
    else {
      if (this.slotCount === this.maxPending) {
        throw new RangeError(`an event queue holds at most ${this.maxPending} pending entries`);
      }
      if (this.slotCount === this.free.length) this.growSlots();
      slot = this.slotCount++;
    }
    const meta = this.meta;
    meta[3 * slot] = timeMs;
    meta[3 * slot + 1] = priority;
    meta[3 * slot + 2] = seq;
    this.cells[slot] = payload;
    if (this.used === this.keys.length) {
      this.keys = grown(this.keys);
      this.slots = grown(this.slots);
    }
    this.siftUp(this.used++, key, slot);
    this.live++;
    return slot + SLOT_SPAN * seq;
  }

  /** The key of an entry that cannot be folded: checks its time, and turns folding off for good. */
  private unfoldedKey(timeMs: number): number {
    if (!Number.isSafeInteger(timeMs)) {
      throw new RangeError(`event time must be an integer number of milliseconds, got ${timeMs}`);
    }
    if (this.folded) this.unfold();
    return timeMs;
  }

  /** The time of a pending entry (NaN when the handle's entry is no longer pending). */
  timeOf(handle: QueueHandle<T>): number {
    const slot = this.pendingSlot(handle);
    return slot < 0 ? NaN : (this.meta[3 * slot] as number);
  }

  /** The priority of a pending entry (NaN when the handle's entry is no longer pending). */
  priorityOf(handle: QueueHandle<T>): number {
    const slot = this.pendingSlot(handle);
    return slot < 0 ? NaN : (this.meta[3 * slot + 1] as number);
  }

  /** The payload of a pending entry (undefined when the handle's entry is no longer pending). */
  payloadOf(handle: QueueHandle<T>): T | undefined {
    // Slot -1 (no longer pending) has no cell: undefined.
    return this.cells[this.pendingSlot(handle)] as T | undefined;
  }

  /** Removes and returns the first entry (by time, priority, insertion), or `undefined` when none is pending. */
  pop(): QueueEntry<T> | undefined {
    this.dropCancelled();
    if (this.used === 0) return undefined;
    return this.take();
  }

  /**
   * One step of an event loop, allocation-free: pops the first entry if its time is at or before `untilMs` and
   * returns its payload (its time is then `lastTimeMs`), else returns `NOTHING_DUE`.
   */
  popPayloadUntil(untilMs: number): T | typeof NOTHING_DUE {
    this.dropCancelled();
    if (this.used === 0) return NOTHING_DUE;
    const timeMs = this.topTime();
    if (timeMs > untilMs) return NOTHING_DUE;
    const payload = this.cells[this.slots[0] as number] as T;
    this.poppedTimeMs = timeMs;
    this.removeTop();
    return payload;
  }

  /** The time of the entry `popPayloadUntil` popped last. */
  get lastTimeMs(): number {
    return this.poppedTimeMs;
  }

  /** Removes a pending entry; returns false when it was already popped or cancelled. */
  cancel(handle: QueueHandle<T>): boolean {
    const slot = this.pendingSlot(handle);
    if (slot < 0) return false;
    this.cells[slot] = CANCELLED;
    this.live--;
    // Cancelled entries wait for the top; rebuild when they outnumber live ones, so memory stays within twice.
    if (this.used - this.live > 64 && this.used - this.live > this.live) this.rebuild();
    return true;
  }

  /** The slot of a handle's entry if it is still pending, else -1. */
  private pendingSlot(handle: QueueHandle<T>): number {
    const slot = handle % SLOT_SPAN;
    // The sequence number tells a reused slot from the handle's own entry. A handle the queue never gave fails
    // here too: a negative or fractional one has a negative or fractional slot, which reads no number from `meta`;
    // a negative one with a whole slot part, or one past 2^53, has a sequence number no entry has.
    if (slot >= this.slotCount || this.meta[3 * slot + 2] !== (handle - slot) / SLOT_SPAN) return -1;
    const cell = this.cells[slot];
    return cell === FREE || cell === CANCELLED ? -1 : slot;
  }

  /** The time of the top entry: from its key when folded (the division by a power of two is exact). */
  private topTime(): number {
    const key = this.keys[0] as number;
    return this.folded ? Math.floor(key / PRIORITY_SPAN) : key;
  }

  private entryOf(slot: number): QueueEntry<T> {
    const meta = this.meta;
    return {
      timeMs: meta[3 * slot] as number,
      priority: meta[3 * slot + 1] as number,
      seq: meta[3 * slot + 2] as number,
      payload: this.cells[slot] as T,
    };
  }

  /** Removes and returns the top entry (which is live). */
  private take(): QueueEntry<T> {
    const entry = this.entryOf(this.slots[0] as number);
    this.removeTop();
    return entry;
  }

  /** Drops cancelled entries from the top. */
  private dropCancelled(): void {
    // An empty heap needs no test: its stale top slot is not in the heap, so its cell is FREE (or never written).
    while (this.cells[this.slots[0] as number] === CANCELLED) {
      this.live++; // removeTop counts a live entry out; this one was counted out when cancelled
      this.removeTop();
    }
  }

  /** Takes the top entry out of the heap and frees its slot. */
  private removeTop(): void {
    const slot = this.slots[0] as number;
    this.cells[slot] = FREE;
    this.free[this.freeCount++] = slot;
    this.live--;
    // The last entry moves down from the top (when it was the top, the heap is empty and it stays where it is).
    const last = --this.used;
    this.siftDown(0, this.keys[last] as number, this.slots[last] as number);
  }

  private growSlots(): void {
    this.meta = grown(this.meta);
    this.free = grown(this.free);
  }

  /**
   * From now on keys are times alone: rebuilds the heap with them (the order of entries is unchanged; cancelled
   * entries are dropped on the way).
   */
  private unfold(): void {
    this.folded = false;
    this.rebuild();
  }

  /** Rebuilds the heap from its live entries (any heap of the same entries pops in the same order). */
  private rebuild(): void {
    const keep: number[] = [];
    for (let i = 0; i < this.used; i++) {
      const slot = this.slots[i] as number;
      if (this.cells[slot] !== CANCELLED) keep.push(slot);
      else {
        this.cells[slot] = FREE;
        this.free[this.freeCount++] = slot;
      }
    }
    this.used = 0;
    for (const slot of keep) {
      const t = this.meta[3 * slot] as number;
      this.siftUp(this.used++, this.folded ? t * PRIORITY_SPAN + (this.meta[3 * slot + 1] as number) : t, slot);
    }
  }

  /**
   * At equal keys, whether slot `a`'s entry comes before slot `b`'s: lower priority (which is already equal when the
   * keys are folded), then pushed first.
   */
  private tieBefore(a: number, b: number): boolean {
    const meta = this.meta;
    const pa = meta[3 * a + 1] as number;
    const pb = meta[3 * b + 1] as number;
    return pa < pb || (pa === pb && (meta[3 * a + 2] as number) < (meta[3 * b + 2] as number));
  }

  /** Places the entry (key `k`, slot `id`) at heap position `i` or above, moving later parents down. */
  private siftUp(i: number, k: number, id: number): void {
    const keys = this.keys;
    const slots = this.slots;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pk = keys[p] as number;
      // 1. and 2. Earlier virtual time first, then lower priority (both in the key when folded); 3. at equal keys,
      // insertion order (and the priority when unfolded): the equality test sits inside the rarely taken branch,
      // so the usual path costs one comparison.
      if (pk <= k && (pk < k || this.tieBefore(slots[p] as number, id))) break;
      keys[i] = pk;
      slots[i] = slots[p] as number;
      i = p;
    }
    keys[i] = k;
    slots[i] = id;
  }

  /** Places the entry (key `k`, slot `id`) at heap position `i` or below, moving earlier children up. */
  private siftDown(i: number, k: number, id: number): void {
    const keys = this.keys;
    const slots = this.slots;
    const n = this.used;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      let ck = keys[c] as number;
      if (c + 1 < n) {
        const rk = keys[c + 1] as number;
        if (rk <= ck && (rk < ck || this.tieBefore(slots[c + 1] as number, slots[c] as number))) {
          c++;
          ck = rk;
        }
      }
      if (ck >= k && (ck > k || this.tieBefore(id, slots[c] as number))) break;
      keys[i] = ck;
      slots[i] = slots[c] as number;
      i = c;
    }
    keys[i] = k;
    slots[i] = id;
  }
}

function grown<A extends Float64Array | Int32Array>(a: A): A {
  const b = new (a.constructor as new (n: number) => A)(a.length * 2);
  b.set(a);
  return b;
}
