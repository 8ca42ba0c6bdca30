import { setMaxListeners } from 'node:events';
import { type Cancel, type Clock, realClock } from '@unfazed/core';
import { abortReason, MAX_DELAY_MS } from '@unfazed/core/internal';

/** Called once when an entry's time runs out (`expired`) or its parent signal aborts. */
export type OnEnd = (reason: unknown, expired: boolean) => void;

/** One guarded piece of work in a {@link DeadlineWheel}. */
export interface WheelEntry {
  /** Aborts when the time is up or the parent signal aborts. Shared with entries that started together. */
  readonly signal: AbortSignal;
  /** When this entry's time is up, on its clock (start + ms). */
  readonly deadline: number;
  /** True once the wheel ended this entry because its time ran out. */
  readonly expired: boolean;
  /** Leaves the wheel; call once when the work settles. Later calls do nothing. */
  leave(): void;
}

/** Entries with the same parent signal that started within `precisionMs` of each other. */
interface Bucket {
  readonly controller: AbortController;
  readonly link: Link;
  readonly joinUntil: number;
  readonly expiresAt: number;
  readonly entries: Entry[];
  live: number;
  ended: boolean;
}

/** The one abort listener a wheel keeps on a parent signal, for all its buckets. */
interface Link {
  readonly parent: AbortSignal;
  readonly listener: () => void;
  readonly buckets: Bucket[];
}

class Entry implements WheelEntry {
  expired = false;
  done = false;
  readonly bucket: Bucket;
  readonly deadline: number;
  readonly onEnd: OnEnd | undefined;
  readonly wheel: ClockWheel;

  constructor(bucket: Bucket, deadline: number, onEnd: OnEnd | undefined, wheel: ClockWheel) {
    this.bucket = bucket;
    this.deadline = deadline;
    this.onEnd = onEnd;
    this.wheel = wheel;
  }

  get signal(): AbortSignal {
    return this.bucket.controller.signal;
  }

  leave(): void {
    this.wheel.leave(this);
  }
}

/**
 * Time limits for many concurrent pieces of work without a timer, an AbortController or a listener
 * per call (the costs that make a naive timeout ~6 µs a call):
 *
 * - Every entry of one wheel has the same duration, so deadlines arrive in start order: buckets sit
 *   in a FIFO and one timer, armed for the oldest bucket, serves them all.
 * - Entries with the same parent signal that start within `precisionMs` share a bucket, whose one
 *   AbortController fires at `start of bucket + precisionMs + ms`. No entry is cut short; one may
 *   get up to `precisionMs` more than `ms`.
 * - A parent signal gets one listener per wheel, kept while the wheel has a bucket for it. With the
 *   real clock, cleaning up is left to the timer, `unref`'d while nothing is in flight, so it never
 *   holds a process open and quiet wheels empty themselves within `ms + precisionMs`. Other clocks
 *   cannot unref, so there the wheel empties at once whenever nothing is in flight.
 */
export class DeadlineWheel {
  readonly ms: number;
  readonly reason: () => unknown;
  readonly precisionMs: number;
  #lastClock: Clock | undefined;
  #lastWheel: ClockWheel | undefined;
  readonly #wheels = new WeakMap<Clock, ClockWheel>();

  constructor(ms: number, reason: () => unknown, precisionMs?: number) {
    this.ms = ms;
    this.reason = reason;
    this.precisionMs = precisionMs ?? Math.min(100, Math.max(1, ms / 100));
  }

  /** Starts guarding one piece of work. Throws the parent's reason when it already aborted. */
  enter(clock: Clock, parent: AbortSignal, onEnd?: OnEnd): WheelEntry {
    if (parent.aborted) throw abortReason(parent);
    let wheel = this.#lastClock === clock ? this.#lastWheel : this.#wheels.get(clock);
    if (wheel === undefined) {
      wheel = new ClockWheel(clock, this);
      this.#wheels.set(clock, wheel);
    }
    this.#lastClock = clock;
    this.#lastWheel = wheel;
    return wheel.enter(parent, onEnd);
  }

  /** Entries in flight and buckets held, across clocks seen last (for tests). */
  stats(clock: Clock): { live: number; buckets: number; parents: number } {
    const wheel = this.#wheels.get(clock);
    return wheel ? wheel.stats() : { live: 0, buckets: 0, parents: 0 };
  }
}

class ClockWheel {
  readonly #queue: Bucket[] = [];
  #head = 0;
  readonly #links = new Map<AbortSignal, Link>();
  #live = 0;
  readonly #real: boolean;
  #timer: NodeJS.Timeout | undefined;
  #cancel: Cancel | undefined;

  readonly clock: Clock;
  readonly owner: DeadlineWheel;

  constructor(clock: Clock, owner: DeadlineWheel) {
    this.clock = clock;
    this.owner = owner;
    this.#real = clock === realClock;
  }

  stats() {
    return { live: this.#live, buckets: this.#queue.length - this.#head, parents: this.#links.size };
  }

  enter(parent: AbortSignal, onEnd: OnEnd | undefined): Entry {
    const now = this.clock.now();
    let link = this.#links.get(parent);
    if (link === undefined) link = this.#link(parent);
    let bucket = link.buckets[link.buckets.length - 1];
    if (bucket === undefined || bucket.ended || now > bucket.joinUntil) {
      const { ms, precisionMs } = this.owner;
      const controller = new AbortController();
      // A shared signal may carry many callers' listeners at once; that is expected, not a leak.
      setMaxListeners(0, controller.signal);
      bucket = {
        controller,
        link,
        joinUntil: now + precisionMs,
        expiresAt: now + precisionMs + ms,
        entries: [],
        live: 0,
        ended: false,
      };
      link.buckets.push(bucket);
      this.#queue.push(bucket);
    }
    const entry = new Entry(bucket, now + this.owner.ms, onEnd, this);
    bucket.entries.push(entry);
    bucket.live++;
    if (++this.#live === 1) this.#arm();
    return entry;
  }

  leave(entry: Entry): void {
    if (entry.done) return;
    entry.done = true;
    const bucket = entry.bucket;
    if (--bucket.live === 0) bucket.entries.length = 0;
    else if (bucket.entries.length > 64 && bucket.live * 4 < bucket.entries.length) {
      // Keep a long-lived bucket from holding every finished entry until it expires.
      const liveEntries = bucket.entries.filter((e) => !e.done);
      bucket.entries.length = 0;
      bucket.entries.push(...liveEntries);
    }
    if (--this.#live === 0) this.#idle();
  }

  #link(parent: AbortSignal): Link {
    const link: Link = {
      parent,
      buckets: [],
      listener: () => {
        const reason = abortReason(parent);
        for (const bucket of [...link.buckets]) this.#end(bucket, reason, false);
        if (this.#live === 0) this.#idle();
      },
    };
    parent.addEventListener('abort', link.listener, { once: true });
    this.#links.set(parent, link);
    return link;
  }

  #unlink(link: Link): void {
    link.parent.removeEventListener('abort', link.listener);
    this.#links.delete(link.parent);
  }

  // Ends a bucket: aborts its signal and tells every entry still in flight. Never re-enters the
  // queue bookkeeping; callers decide about idling afterwards.
  #end(bucket: Bucket, reason: unknown, expired: boolean): void {
    if (bucket.ended) return;
    bucket.ended = true;
    const ended = bucket.entries.filter((entry) => !entry.done);
    bucket.entries.length = 0;
    bucket.live = 0;
    for (const entry of ended) {
      entry.done = true;
      entry.expired = expired;
    }
    this.#live -= ended.length;
    bucket.controller.abort(reason);
    for (const entry of ended) entry.onEnd?.(reason, expired);
  }

  // Something is in flight again: make sure a timer will end the oldest bucket in time.
  #arm(): void {
    if (this.#real) {
      if (this.#timer !== undefined) this.#timer.ref();
      else this.#schedule();
    } else if (this.#cancel === undefined) {
      this.#schedule();
    }
  }

  // Nothing in flight: nothing needs ending, so no timer may keep the process alive.
  #idle(): void {
    if (this.#real) {
      this.#timer?.unref();
      return;
    }
    this.#cancel?.();
    this.#cancel = undefined;
    this.#drop(Number.POSITIVE_INFINITY);
  }

  #schedule(): void {
    const head = this.#queue[this.#head];
    if (head === undefined) return;
    // A timer longer than a timer can hold fires after 1 ms (Node, browsers): arm for at most the
    // limit; #fire re-arms for what is not yet due, so nothing ends early and nothing spins.
    const delay = Math.min(MAX_DELAY_MS, Math.max(0, head.expiresAt - this.clock.now()));
    if (this.#real) {
      this.#timer = setTimeout(this.#fire, delay);
      if (this.#live === 0) this.#timer.unref();
    } else {
      this.#cancel = this.clock.schedule(delay, this.#fire);
    }
  }

  readonly #fire = (): void => {
    this.#timer = undefined;
    this.#cancel = undefined;
    this.#drop(this.clock.now());
    if (this.#real || this.#live > 0) this.#schedule();
    else this.#drop(Number.POSITIVE_INFINITY);
  };

  // Removes buckets that expired by `now`, ending those with work still in flight.
  #drop(now: number): void {
    const reason = this.owner.reason;
    while (this.#head < this.#queue.length) {
      const bucket = this.#queue[this.#head]!;
      if (bucket.expiresAt > now) break;
      this.#queue[this.#head++] = undefined as never;
      if (bucket.live > 0) this.#end(bucket, reason(), true);
      bucket.ended = true;
      const { link } = bucket;
      link.buckets.shift();
      if (link.buckets.length === 0) this.#unlink(link);
    }
    if (this.#head === this.#queue.length) {
      this.#queue.length = 0;
      this.#head = 0;
    } else if (this.#head > 1024 && this.#head * 2 > this.#queue.length) {
      this.#queue.splice(0, this.#head);
      this.#head = 0;
    }
  }
}
