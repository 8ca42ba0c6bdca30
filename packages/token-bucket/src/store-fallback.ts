import { KeyedMap } from '@unfazed/core/internal';
import { RateLimitStoreError } from './errors.ts';
import type {
  AcquireInput,
  AcquireResult,
  BucketSpec,
  LimiterStore,
  SettleInput,
  StoreEvent,
} from './store.ts';

/** What to do while the shared store does not answer. */
export type StoreErrorMode = 'local' | 'open' | 'closed';

interface FallbackOptions {
  mode: StoreErrorMode;
  probeIntervalMs: number;
  maxKeys: number;
  local: LimiterStore;
  /** Processes recently seen on a key; the local bucket gets 1/n of the limit. */
  processesFor: (key: string, now: number) => number;
  /** A harmless round trip to the shared store (it must not charge anything). */
  probe: () => Promise<void>;
}

/**
 * Serves calls locally while the shared store is down, or while one key of it is broken, and
 * notices when it is back.
 *
 * - Store-wide (a timeout, a lost connection): every key is served locally at once; at most one
 *   probe per `probeIntervalMs` (started lazily by a call, never awaited by it, no timer of its
 *   own) checks whether the store answers again. A dead store costs a call at most one timeout.
 * - One key (Redis answered with an error for it, e.g. a value of the wrong type under its name):
 *   only that key is served locally, for `probeIntervalMs`, then tried again. Healthy keys keep
 *   the shared store.
 */
export class StoreFallback {
  readonly #o: FallbackOptions;
  #downSince: number | undefined;
  #nextProbeAt = 0;
  #lastError: unknown;
  /** Keys served locally because the store answered them with an error, until the expiry. */
  readonly #broken: KeyedMap<true>;
  /** Keys whose local bucket was started empty during this outage (done once the promise settles). */
  #started: KeyedMap<Promise<void>>;

  constructor(options: FallbackOptions) {
    this.#o = options;
    this.#broken = new KeyedMap({ maxKeys: options.maxKeys });
    this.#started = new KeyedMap({ maxKeys: options.maxKeys });
  }

  /** Whether `key` is served locally now (the store is down, or the key is broken). */
  isLocal(key: string, now: number): boolean {
    return this.#downSince !== undefined || this.#broken.peek(key, now) !== undefined;
  }

  /**
   * Like {@link isLocal}, for an operation about to run: while the store is down, it may also
   * start the probe, whose news (`recovered`) goes to `onEvent`.
   */
  route(key: string, now: number, onEvent: ((event: StoreEvent) => void) | undefined): 'local' | 'shared' {
    if (this.#downSince !== undefined) {
      this.#maybeProbe(now, onEvent);
      return 'local';
    }
    return this.#broken.get(key, now) !== undefined ? 'local' : 'shared';
  }

  /** The shared store failed `input`: note it (once per outage or broken key) and say so. */
  failed(input: AcquireInput | SettleInput, err: unknown, scope: 'store' | 'key'): void {
    this.#lastError = err;
    const tell = (s: 'store' | 'key') => {
      const processes = this.#o.processesFor(input.key, input.now);
      input.onEvent?.({ type: 'fallback', mode: this.#o.mode, scope: s, error: err, processes });
    };
    if (scope === 'key') {
      if (this.#broken.get(input.key, input.now) === undefined) tell('key');
      this.#broken.set(input.key, true, input.now, input.now + this.#o.probeIntervalMs);
      return;
    }
    this.#nextProbeAt = input.now + this.#o.probeIntervalMs;
    if (this.#downSince !== undefined) return;
    this.#downSince = input.now;
    tell('store');
  }

  /** Answers an acquire locally, per the mode. */
  async acquire(input: AcquireInput): Promise<AcquireResult> {
    const { mode } = this.#o;
    if (mode === 'open')
      return { admitted: true, waitMs: 0, reason: 'requests', mark: {}, sentAt: input.now, local: true };
    if (mode === 'closed') throw new RateLimitStoreError({ key: input.key, cause: this.#lastError });
    const spec = this.#share(input.spec, input.key, input.now);
    let started = this.#started.get(input.key, input.now);
    if (started === undefined) {
      // What the shared store admitted lately is unknown here: start empty, not full, so the
      // switch cannot add a burst on top of it. Calls that come meanwhile wait for that.
      started = this.#empty(input.key, spec, input.now).catch(() => {});
      this.#started.set(input.key, started, input.now);
    }
    await started;
    const result = await this.#o.local.acquire({ ...input, spec });
    return result.admitted ? { ...result, local: true } : result;
  }

  /** Applies a settle locally (for admissions made locally, or while the store is down). */
  async settle(input: SettleInput): Promise<void> {
    if (this.#o.mode !== 'local') return;
    const share = Math.max(1, this.#o.processesFor(input.key, input.now));
    const r = input.remaining;
    const remaining = r && {
      requests: r.requests === undefined ? undefined : r.requests / share,
      tokens: r.tokens === undefined ? undefined : r.tokens / share,
    };
    await this.#o.local.settle({ ...input, spec: this.#share(input.spec, input.key, input.now), remaining });
  }

  #share(spec: BucketSpec, key: string, now: number): BucketSpec {
    const share = Math.max(1, this.#o.processesFor(key, now));
    if (share === 1) return spec;
    const part = (d: BucketSpec['requests']) =>
      d && { limit: d.limit / share, capacity: d.capacity / share, ratePerMs: d.ratePerMs / share };
    return { requests: part(spec.requests), tokens: part(spec.tokens) };
  }

  async #empty(key: string, spec: BucketSpec, now: number): Promise<void> {
    const view = await this.#o.local.inspect(key, spec, now);
    const refund = { requests: -(view.requests?.level ?? 0), tokens: -(view.tokens?.level ?? 0) };
    await this.#o.local.settle({ key, spec, now, admission: { mark: {}, sentAt: now }, refund });
  }

  #maybeProbe(now: number, onEvent: ((event: StoreEvent) => void) | undefined): void {
    if (now < this.#nextProbeAt) return;
    this.#nextProbeAt = now + this.#o.probeIntervalMs;
    this.#o.probe().then(
      () => {
        if (this.#downSince === undefined) return;
        onEvent?.({ type: 'recovered', downMs: Math.max(0, now - this.#downSince) });
        this.#downSince = undefined;
        this.#started = new KeyedMap({ maxKeys: this.#o.maxKeys });
      },
      (err: unknown) => {
        this.#lastError = err;
      },
    );
  }
}
