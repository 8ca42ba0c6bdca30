import { duration, integer, readOptions } from './options.ts';

interface Slot<V> {
  value: V;
  /** Clock time from which the entry is gone (unless pinned). */
  expiresAt: number;
  /** Last time its recency was refreshed. */
  touched: number;
  /** Calls holding it; a pinned entry is never evicted nor expired. */
  pins: number;
  /** Moved out of the eviction order while pinned. */
  parked: boolean;
}

/** Options of {@link KeyedMap}. */
export interface KeyedMapOptions {
  /** At most this many entries; beyond it the least recently used unpinned entry goes first. */
  maxKeys: number;
  /**
   * An entry not used for this long is gone (sliding: every `get` extends it). Leave it out when
   * every entry gets its own expiry through `set(…, expiresAt)`.
   * @default no idle expiry
   */
  idleMs?: number;
}

const schema = {
  maxKeys: integer({ min: 1, required: true }),
  idleMs: duration({ above: 0, infinity: true }),
};

/**
 * The one map of per-key state (circuits, buckets, budgets, learned limits) in every package:
 * bounded in size, with per-entry expiry, and no timers, so an idle process keeps nothing
 * scheduled. Entries in use are *pinned* and never evicted or expired, so state a call is working
 * on can never be dropped under it.
 *
 * Eviction is least-recently-used among unpinned entries, checked lazily when a new key arrives.
 * A pinned entry met by that check is parked outside the eviction order until unpinned, so a map
 * full of entries that cannot go still costs O(1) per new key.
 *
 * @example
 * const circuits = new KeyedMap<{ failures: number }>({ maxKeys: 10_000, idleMs: 600_000 });
 * const circuit = circuits.getOrCreate('gpt-4o', clock.now(), () => ({ failures: 0 }));
 * const unpin = circuits.pin('gpt-4o'); // in flight: cannot be evicted
 * unpin();
 */
export class KeyedMap<V> {
  // Unpinned entries in recency order (least recent first), and pinned entries parked apart.
  readonly #order = new Map<string, Slot<V>>();
  readonly #parked = new Map<string, Slot<V>>();
  readonly #maxKeys: number;
  readonly #idleMs: number;
  readonly #refreshMs: number;

  constructor(options: KeyedMapOptions) {
    const o = readOptions('KeyedMap', options, schema);
    this.#maxKeys = o.maxKeys;
    this.#idleMs = o.idleMs ?? Number.POSITIVE_INFINITY;
    // A hot key costs a lookup, not a delete-and-reinsert per use: recency is refreshed at most
    // every 1/16 of the idle time (or every use without one).
    this.#refreshMs = Number.isFinite(this.#idleMs) ? this.#idleMs / 16 : 0;
  }

  /** Entries held, pinned ones included. */
  get size(): number {
    return this.#order.size + this.#parked.size;
  }

  /** The live value of `key` (undefined when missing or expired); marks it used at `now`. */
  get(key: string, now: number): V | undefined {
    const slot = this.#order.get(key) ?? this.#parked.get(key);
    if (slot === undefined) return undefined;
    if (slot.pins === 0 && now >= slot.expiresAt) {
      this.#order.delete(key);
      return undefined;
    }
    this.#touch(key, slot, now);
    return slot.value;
  }

  /** The value of `key` if held and live, without marking it used. */
  peek(key: string, now: number): V | undefined {
    const slot = this.#order.get(key) ?? this.#parked.get(key);
    if (slot === undefined || (slot.pins === 0 && now >= slot.expiresAt)) return undefined;
    return slot.value;
  }

  /** The live value of `key`, or a new one from `create` when missing or expired. */
  getOrCreate(key: string, now: number, create: (key: string) => V): V {
    const found = this.get(key, now);
    if (found !== undefined) return found;
    const value = create(key);
    this.set(key, value, now);
    return value;
  }

  /**
   * Stores `value` for `key` as the most recently used entry, replacing any state (its pins stay).
   * It expires at `expiresAt` (clock time), by default `now + idleMs`.
   */
  set(key: string, value: V, now: number, expiresAt = now + this.#idleMs): void {
    const existing = this.#order.get(key) ?? this.#parked.get(key);
    if (existing !== undefined) {
      existing.value = value;
      existing.expiresAt = expiresAt;
      this.#touch(key, existing, now, true);
      return;
    }
    this.#sweep(now);
    this.#order.set(key, { value, expiresAt, touched: now, pins: 0, parked: false });
  }

  /** Moves the expiry of a held entry (an open circuit until its probe, a bucket until full). */
  expireAt(key: string, expiresAt: number): void {
    const slot = this.#order.get(key) ?? this.#parked.get(key);
    if (slot !== undefined) slot.expiresAt = expiresAt;
  }

  /**
   * Holds `key` while something works on it: it is neither evicted nor expired until every pin is
   * released. Returns the release function (calling it twice releases once). A missing key pins nothing.
   */
  pin(key: string): () => void {
    const slot = this.#order.get(key) ?? this.#parked.get(key);
    if (slot === undefined) return noop;
    slot.pins++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      if (--slot.pins > 0 || !slot.parked) return;
      // Back into the eviction order, as most recently used; a later insert trims the size.
      slot.parked = false;
      if (this.#parked.get(key) === slot) {
        this.#parked.delete(key);
        this.#order.set(key, slot);
      }
    };
  }

  /** Forgets `key` (a pinned entry too; its pins then hold nothing). */
  delete(key: string): boolean {
    return this.#order.delete(key) || this.#parked.delete(key);
  }

  /** Every live entry: unpinned ones least recently used first, then pinned ones. */
  *entries(now: number): IterableIterator<[string, V]> {
    for (const [key, slot] of [...this.#order, ...this.#parked]) {
      if (slot.pins > 0 || now < slot.expiresAt) yield [key, slot.value];
    }
  }

  #touch(key: string, slot: Slot<V>, now: number, force = false): void {
    if (slot.parked || (!force && now - slot.touched < this.#refreshMs && this.#refreshMs > 0)) return;
    slot.touched = now;
    if (this.#idleMs !== Number.POSITIVE_INFINITY)
      slot.expiresAt = Math.max(slot.expiresAt, now + this.#idleMs);
    this.#order.delete(key);
    this.#order.set(key, slot);
  }

  // Before a new key: drop expired entries from the front, then the least recently used while
  // at the bound. Pinned entries met on the way are parked, so they are not met again.
  #sweep(now: number): void {
    let budget = 8;
    for (const [key, slot] of this.#order) {
      const full = this.size >= this.#maxKeys;
      if (!full && (budget-- <= 0 || now < slot.expiresAt)) return;
      this.#order.delete(key);
      if (slot.pins > 0) {
        slot.parked = true;
        this.#parked.set(key, slot);
      }
    }
  }
}

function noop(): void {}
