/**
 * A binary min-heap of scheduled entries, ordered by (time, priority, insertion sequence), with cancellation
 * through a handle. Pure data structure: no clock of its own, no I/O.
 *
 * Layout, for speed (struct of arrays, no object per pending entry): the heap is one `Float64Array` holding, in
 * heap order, each entry's time (what nearly every comparison reads) beside the number of the slot that holds the
 * rest of it; each slot's priority and sequence sit side by side in another `Float64Array` (read only when two
 * times are equal) and its payload in a plain array. A sift moves two numbers per level and no object reference.
 * The handle `push` returns is a small object the queue does not keep (it dies young when a caller drops it);
 * cancellation finds the slot through it, and the sequence number tells the handle's entry from a later one that
 * reused the slot. Cancellation is lazy: a cancelled entry stays in the heap until it reaches the top, where it is
 * dropped unseen (or until dead entries outnumber live ones, when the heap is rebuilt).
 *
 * Gotchas: a cancelled or already-popped handle cancels nothing and `cancel` returns false; the sequence number
 * is global to the queue, so two entries pushed with equal time and priority come out in push order.
 */

export interface QueueEntry<T> {
  readonly timeMs: number;
  readonly priority: number;
  readonly seq: number;
  readonly payload: T;
  /** The queue's internal slot of a pushed entry (for `cancel`); -1 on an entry that `pop` returned. */
  index: number;
}

/** An opaque handle to a pushed entry, for `cancel`. */
export type QueueHandle<T> = QueueEntry<T>;

/** `meta[2 * slot + 1]` of a free slot; a cancelled entry's holds `-2 - seq`, a live one's `seq` (never negative). */
const FREE_SLOT = -1;

/** What `popPayloadUntil` returns when no entry is due. */
export const NOTHING_DUE: unique symbol = Symbol('nothing due');

export class EventQueue<T> {
  // The heap, in heap order: each entry's time and the slot that holds the rest of it, side by side
  // (`heap[2 * i]`, `heap[2 * i + 1]`), so a comparison of two children reads one cache line.
  private heap = new Float64Array(32);
  // The entries by slot; a slot is reused once its entry has left the heap. `meta` holds each slot's priority and
  // sequence side by side (one cache line), the sequence's sign telling live from cancelled and free.
  private meta = new Float64Array(32);
  private payloads: (T | undefined)[] = [];
  private free = new Int32Array(16);
  private freeCount = 0;
  private slotCount = 0;
  /** Entries in the heap, cancelled ones included. */
  private used = 0;
  /** Pending (not cancelled) entries. */
  private live = 0;
  private nextSeq = 0;
  private poppedTimeMs = 0;

  get size(): number {
    return this.live;
  }

  push(timeMs: number, priority: number, payload: T): QueueHandle<T> {
    if (!Number.isSafeInteger(timeMs)) {
      throw new RangeError(`event time must be an integer number of milliseconds, got ${timeMs}`);
    }
    const seq = this.nextSeq++;
    let slot: number;
    if (this.freeCount > 0) slot = this.free[--this.freeCount] as number;
    else {
      if (this.slotCount === this.free.length) this.growSlots();
      slot = this.slotCount++;
    }
    this.meta[2 * slot] = priority;
    this.meta[2 * slot + 1] = seq;
    this.payloads[slot] = payload;
    if (2 * this.used === this.heap.length) this.heap = grown(this.heap);
    this.siftUp(this.used++, timeMs, slot);
    this.live++;
    return { timeMs, priority, seq, payload, index: slot };
  }

  /** Removes and returns the first entry (by time, priority, insertion), or `undefined` when none is pending. */
  pop(): QueueEntry<T> | undefined {
    this.dropCancelled();
    if (this.used === 0) return undefined;
    const slot = this.heap[1] as number;
    const entry: QueueEntry<T> = {
      timeMs: this.heap[0] as number,
      priority: this.meta[2 * slot] as number,
      seq: this.meta[2 * slot + 1] as number,
      payload: this.payloads[slot] as T,
      index: -1,
    };
    this.removeTop();
    return entry;
  }

  /**
   * One step of an event loop, allocation-free: pops the first entry if its time is at or before `untilMs` and
   * returns its payload (its time is then `lastTimeMs`), else returns `NOTHING_DUE`.
   */
  popPayloadUntil(untilMs: number): T | typeof NOTHING_DUE {
    this.dropCancelled();
    if (this.used === 0 || (this.heap[0] as number) > untilMs) return NOTHING_DUE;
    const slot = this.heap[1] as number;
    const payload = this.payloads[slot] as T;
    this.poppedTimeMs = this.heap[0] as number;
    this.removeTop();
    return payload;
  }

  /** The time of the entry `popPayloadUntil` popped last. */
  get lastTimeMs(): number {
    return this.poppedTimeMs;
  }

  /** Removes a pending entry; returns false when it was already popped or cancelled. */
  cancel(handle: QueueHandle<T>): boolean {
    const slot = handle.index;
    // The sequence number tells a reused slot from the handle's own entry; a popped entry's index, -1, reads no
    // slot (`meta[-1]` is undefined), so it cancels nothing either.
    if (this.meta[2 * slot + 1] !== handle.seq) return false;
    this.meta[2 * slot + 1] = -2 - handle.seq;
    this.payloads[slot] = undefined;
    this.live--;
    // Cancelled entries wait for the top; rebuild when they outnumber live ones, so memory stays within twice.
    if (this.used - this.live > 64 && this.used - this.live > this.live) this.compact();
    return true;
  }

  /** Drops cancelled entries from the top. */
  private dropCancelled(): void {
    // `used === live`: nothing cancelled waits in the heap (the usual case), so the top's slot need not be read.
    while (this.used > this.live && (this.meta[2 * (this.heap[1] as number) + 1] as number) < FREE_SLOT) {
      this.live++; // removeTop counts a live entry out; this one was counted out when cancelled
      this.removeTop();
    }
  }

  /** Takes the top entry out of the heap and frees its slot. */
  private removeTop(): void {
    const slot = this.heap[1] as number;
    this.meta[2 * slot + 1] = FREE_SLOT;
    this.payloads[slot] = undefined;
    this.free[this.freeCount++] = slot;
    this.live--;
    const last = --this.used;
    if (last > 0) this.siftDown(0, this.heap[2 * last] as number, this.heap[2 * last + 1] as number);
  }

  private growSlots(): void {
    this.meta = grown(this.meta);
    this.free = grown(this.free);
  }

  /** Rebuilds the heap from its live entries (any heap of the same entries pops in the same order). */
  private compact(): void {
    const keep: number[] = [];
    const keepTimes: number[] = [];
    for (let i = 0; i < this.used; i++) {
      const slot = this.heap[2 * i + 1] as number;
      if ((this.meta[2 * slot + 1] as number) >= 0) {
        keep.push(slot);
        keepTimes.push(this.heap[2 * i] as number);
      } else {
        this.meta[2 * slot + 1] = FREE_SLOT;
        this.free[this.freeCount++] = slot;
      }
    }
    this.used = 0;
    keep.forEach((slot, k) => this.siftUp(this.used++, keepTimes[k] as number, slot));
  }

  /** At equal times, whether slot `a`'s entry comes before slot `b`'s: lower priority, then pushed first. */
  private tieBefore(a: number, b: number): boolean {
    const meta = this.meta;
    const pa = meta[2 * a] as number;
    const pb = meta[2 * b] as number;
    return pa !== pb ? pa < pb : (meta[2 * a + 1] as number) < (meta[2 * b + 1] as number);
  }

  /** Places the entry (time `t`, slot `id`) at heap position `i` or above, moving later parents down. */
  private siftUp(i: number, t: number, id: number): void {
    const heap = this.heap;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pt = heap[2 * p] as number;
      // 1. Earlier virtual time first; 2. and 3. at the same instant, priority then insertion order (the equality
      // test sits inside the rarely taken branch, so the usual path costs one comparison).
      if (pt <= t && (pt < t || this.tieBefore(heap[2 * p + 1] as number, id))) break;
      heap[2 * i] = pt;
      heap[2 * i + 1] = heap[2 * p + 1] as number;
      i = p;
    }
    heap[2 * i] = t;
    heap[2 * i + 1] = id;
  }

  /** Places the entry (time `t`, slot `id`) at heap position `i` or below, moving earlier children up. */
  private siftDown(i: number, t: number, id: number): void {
    const heap = this.heap;
    const n = this.used;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      let ct = heap[2 * c] as number;
      if (c + 1 < n) {
        const rt = heap[2 * c + 2] as number;
        if (rt <= ct && (rt < ct || this.tieBefore(heap[2 * c + 3] as number, heap[2 * c + 1] as number))) {
          c++;
          ct = rt;
        }
      }
      if (ct >= t && (ct > t || this.tieBefore(id, heap[2 * c + 1] as number))) break;
      heap[2 * i] = ct;
      heap[2 * i + 1] = heap[2 * c + 1] as number;
      i = c;
    }
    heap[2 * i] = t;
    heap[2 * i + 1] = id;
  }
}

function grown<A extends Float64Array | Int32Array>(a: A): A {
  const b = new (a.constructor as new (n: number) => A)(a.length * 2);
  b.set(a);
  return b;
}
