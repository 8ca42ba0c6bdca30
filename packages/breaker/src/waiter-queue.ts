/** A place in a {@link WaiterQueue}; hand it back to `remove` to leave. */
export interface QueueEntry<T> {
  value: T | undefined;
  prev: QueueEntry<T> | undefined;
  next: QueueEntry<T> | undefined;
  queued: boolean;
}

/**
 * A FIFO queue as a doubly linked list: push, shift and removal from anywhere are O(1), and a
 * removed entry drops its value at once. A waiter that gives up (its signal aborted) leaves right
 * then, holding nothing, rather than lingering, closures and all, until the queue reaches it.
 */
export class WaiterQueue<T> {
  #head: QueueEntry<T> | undefined;
  #tail: QueueEntry<T> | undefined;
  #size = 0;

  get size(): number {
    return this.#size;
  }

  push(value: T): QueueEntry<T> {
    const entry: QueueEntry<T> = { value, prev: this.#tail, next: undefined, queued: true };
    if (this.#tail) this.#tail.next = entry;
    else this.#head = entry;
    this.#tail = entry;
    this.#size++;
    return entry;
  }

  /** Takes the oldest value out, or `undefined` when empty. */
  shift(): T | undefined {
    const entry = this.#head;
    if (entry === undefined) return undefined;
    const value = entry.value;
    this.remove(entry);
    return value;
  }

  /** Takes `entry` out wherever it is; false when it already left. */
  remove(entry: QueueEntry<T>): boolean {
    if (!entry.queued) return false;
    if (entry.prev) entry.prev.next = entry.next;
    else this.#head = entry.next;
    if (entry.next) entry.next.prev = entry.prev;
    else this.#tail = entry.prev;
    entry.queued = false;
    entry.value = undefined;
    entry.prev = undefined;
    entry.next = undefined;
    this.#size--;
    return true;
  }
}
