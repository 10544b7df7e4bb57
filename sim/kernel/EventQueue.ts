/**
 * A binary min-heap of scheduled entries, ordered by (time, priority, insertion sequence), with O(log n)
 * cancellation through a handle. Pure data structure: no clock of its own, no I/O.
 *
 * Gotchas: a cancelled or already-popped handle cancels nothing and `cancel` returns false; the sequence number
 * is global to the queue, so two entries pushed with equal time and priority come out in push order.
 */

export interface QueueEntry<T> {
  readonly timeMs: number;
  readonly priority: number;
  readonly seq: number;
  readonly payload: T;
  /** Position in the heap array; -1 once popped or cancelled. */
  index: number;
}

/** An opaque handle to a pushed entry, for `cancel`. */
export type QueueHandle<T> = QueueEntry<T>;

function before<T>(a: QueueEntry<T>, b: QueueEntry<T>): boolean {
  // 1. Earlier virtual time first.
  if (a.timeMs !== b.timeMs) return a.timeMs < b.timeMs;
  // 2. At the same instant, the lower priority number first (the model names its priorities).
  if (a.priority !== b.priority) return a.priority < b.priority;
  // 3. Otherwise insertion order: the entry pushed first comes out first.
  return a.seq < b.seq;
}

export class EventQueue<T> {
  private readonly heap: QueueEntry<T>[] = [];
  private nextSeq = 0;

  get size(): number {
    return this.heap.length;
  }

  push(timeMs: number, priority: number, payload: T): QueueHandle<T> {
    if (!Number.isSafeInteger(timeMs)) {
      throw new RangeError(`event time must be an integer number of milliseconds, got ${timeMs}`);
    }
    const entry: QueueEntry<T> = { timeMs, priority, seq: this.nextSeq++, payload, index: this.heap.length };
    this.heap.push(entry);
    this.siftUp(entry.index);
    return entry;
  }

  peek(): QueueEntry<T> | undefined {
    return this.heap[0];
  }

  pop(): QueueEntry<T> | undefined {
    const top = this.heap[0];
    if (top === undefined) return undefined;
    this.removeAt(0);
    return top;
  }

  /** Removes a pending entry; returns false when it was already popped or cancelled. */
  cancel(handle: QueueHandle<T>): boolean {
    const i = handle.index;
    if (i < 0 || this.heap[i] !== handle) return false;
    this.removeAt(i);
    return true;
  }

  private removeAt(i: number): void {
    const heap = this.heap;
    const removed = heap[i] as QueueEntry<T>;
    const last = heap.pop() as QueueEntry<T>;
    removed.index = -1;
    if (last === removed) return;
    heap[i] = last;
    last.index = i;
    this.siftDown(i);
    this.siftUp(last.index);
  }

  private siftUp(i: number): void {
    const heap = this.heap;
    const entry = heap[i] as QueueEntry<T>;
    while (i > 0) {
      const parentIndex = (i - 1) >> 1;
      const parent = heap[parentIndex] as QueueEntry<T>;
      if (!before(entry, parent)) break;
      heap[i] = parent;
      parent.index = i;
      i = parentIndex;
    }
    heap[i] = entry;
    entry.index = i;
  }

  private siftDown(i: number): void {
    const heap = this.heap;
    const n = heap.length;
    const entry = heap[i] as QueueEntry<T>;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      const right = left + 1;
      let child = left;
      if (right < n && before(heap[right] as QueueEntry<T>, heap[left] as QueueEntry<T>)) child = right;
      const smallest = heap[child] as QueueEntry<T>;
      if (!before(smallest, entry)) break;
      heap[i] = smallest;
      smallest.index = i;
      i = child;
    }
    heap[i] = entry;
    entry.index = i;
  }
}
