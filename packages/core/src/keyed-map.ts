interface Slot<V> {
  value: V;
  touched: number;
}

/** Options of {@link KeyedMap}. */
export interface KeyedMapOptions<V> {
  /** At most this many keys; the least recently used goes first. */
  maxKeys: number;
  /** A key not used for this long (ms, on the caller's clock) is dropped. */
  idleMs: number;
  /** Makes the state of a new key. */
  create: (key: string, now: number) => V;
  /** Whether a key may be dropped now; a key that must survive (e.g. held open) says no. @default always */
  canEvict?: (value: V, now: number) => boolean;
}

/**
 * A Map of per-key state (breakers, budgets, buckets) with a bounded size and no timers: least recently used first, idle
 * keys dropped lazily whenever a new key arrives. Memory stays bounded however many distinct keys
 * pass through, and an idle process has nothing scheduled.
 *
 * Recency is refreshed at most every `idleMs / 16`, so a hot key costs a Map lookup, not a
 * delete-and-reinsert per call; the order stays sorted by `touched`, which is what makes
 * sweeping from the front correct.
 *
 * @example
 * const circuits = new KeyedMap({ maxKeys: 10_000, idleMs: 600_000, create: () => ({ failures: 0 }) });
 * circuits.get(ctx.key, ctx.clock.now()).failures++;
 */
export class KeyedMap<V> {
  readonly #map = new Map<string, Slot<V>>();
  readonly #options: KeyedMapOptions<V>;
  readonly #refreshMs: number;

  constructor(options: KeyedMapOptions<V>) {
    this.#options = options;
    this.#refreshMs = options.idleMs / 16;
  }

  /** Number of keys held. */
  get size(): number {
    return this.#map.size;
  }

  /** The state of `key`, created when missing; marks it used at `now`. */
  get(key: string, now: number): V {
    const slot = this.#map.get(key);
    if (slot !== undefined) {
      if (now - slot.touched >= this.#refreshMs) {
        this.#map.delete(key);
        slot.touched = now;
        this.#map.set(key, slot);
      }
      return slot.value;
    }
    this.#sweep(now);
    const value = this.#options.create(key, now);
    this.#map.set(key, { value, touched: now });
    return value;
  }

  /** The state of `key` if held, without creating or touching it. */
  peek(key: string): V | undefined {
    return this.#map.get(key)?.value;
  }

  /** Stores `value` for `key`, replacing any state. */
  set(key: string, value: V, now: number): void {
    this.#map.delete(key);
    this.#sweep(now);
    this.#map.set(key, { value, touched: now });
  }

  delete(key: string): boolean {
    return this.#map.delete(key);
  }

  /** Every key and its state, least recently used first. */
  *entries(): IterableIterator<[string, V]> {
    for (const [key, slot] of this.#map) yield [key, slot.value];
  }

  // Drops idle keys from the front, then the least recently used while over the size limit.
  // Keys that refuse eviction are moved to the back, so the sweep always makes progress.
  #sweep(now: number): void {
    const { maxKeys, idleMs, canEvict } = this.#options;
    let budget = 8 + Math.max(0, this.#map.size - maxKeys + 1);
    for (const [key, slot] of this.#map) {
      if (budget-- <= 0) return;
      const over = this.#map.size >= maxKeys;
      if (!over && now - slot.touched <= idleMs) return;
      this.#map.delete(key);
      if (canEvict && !canEvict(slot.value, now)) {
        slot.touched = now;
        this.#map.set(key, slot);
      }
    }
  }
}
