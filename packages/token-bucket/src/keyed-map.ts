interface Entry<V> {
  value: V;
  /** After this time (caller's clock) the entry holds nothing worth keeping. */
  idleAt: number;
}

/**
 * A map bounded two ways: entries past their `idleAt` are dropped lazily (a couple are checked on
 * every write, oldest first), and beyond `maxKeys` the least recently used entry goes. No timers,
 * so an idle limiter keeps no process alive.
 */
export class KeyedMap<V> {
  readonly #map = new Map<string, Entry<V>>();
  readonly #maxKeys: number;

  constructor(maxKeys: number) {
    this.#maxKeys = maxKeys;
  }

  get size(): number {
    return this.#map.size;
  }

  /** The live value for `key`, or undefined when missing or idle. */
  get(key: string, now: number): V | undefined {
    const entry = this.#map.get(key);
    if (!entry) return undefined;
    if (now >= entry.idleAt) {
      this.#map.delete(key);
      return undefined;
    }
    return entry.value;
  }

  /** Stores `value` as the most recently used entry, idle from `idleAt` on. */
  set(key: string, value: V, idleAt: number, now: number): void {
    this.#map.delete(key);
    this.#map.set(key, { value, idleAt });
    this.#sweep(now);
  }

  delete(key: string): void {
    this.#map.delete(key);
  }

  #sweep(now: number): void {
    let checked = 0;
    for (const [key, entry] of this.#map) {
      if (this.#map.size > this.#maxKeys || now >= entry.idleAt) this.#map.delete(key);
      else if (++checked >= 2) return;
    }
  }
}
