import type { RateLimitInfo } from '@unfazed/classify';
import { KeyedMap } from '@unfazed/core/internal';
import type { DimensionSpec } from './bucket.ts';
import type { BucketSpec } from './store.ts';

type Dim = 'requests' | 'tokens';

interface Learned {
  spec: BucketSpec;
  /** The server's window per dimension, estimated from its headers (recent estimates, newest last). */
  windows: Record<Dim, number[]>;
}

/** What {@link LearnedLimits.learn} reports when a key's limits changed. */
export interface LimitsChange {
  requests: number | undefined;
  tokens: number | undefined;
  windowMs: number;
}

const SAMPLES = 5;

/**
 * The limits in force per key. Until the server says otherwise they are the configured ones (or
 * none); once its `x-ratelimit-*` headers arrive, the server's bucket is the model: its limit, the
 * whole limit usable at once (the server keeps its own windows), refilling over the server's window.
 *
 * The window is estimated from the headers too: `x-ratelimit-reset-*` is the time until the bucket
 * is full again, so a bucket with `remaining` r of `limit` L refills L per `reset × L / (L − r)`.
 * The median of the last five estimates is used (one answer's rounding does not swing it), and only
 * answers at least a tenth short of full count (nearer full, the rounding of `remaining` dominates);
 * until then, `windowMs` is assumed.
 */
export class LearnedLimits {
  readonly #configured: BucketSpec;
  readonly #windowMs: number;
  readonly #learned: KeyedMap<Learned>;

  constructor(configured: BucketSpec, windowMs: number) {
    this.#configured = configured;
    this.#windowMs = windowMs;
    // Kept while the key is in use; forgotten after ten idle windows (at least ten minutes).
    this.#learned = new KeyedMap({ maxKeys: 10_000, idleMs: Math.max(600_000, 10 * windowMs) });
  }

  /** The spec in force for `key`. */
  specFor(key: string, now: number): BucketSpec {
    return this.#learned.get(key, now)?.spec ?? this.#configured;
  }

  /** Adopts what the server's headers say for `key`; returns the new limits when they changed. */
  learn(key: string, info: RateLimitInfo, now: number): LimitsChange | undefined {
    const entry = this.#learned.get(key, now) ?? {
      spec: this.#configured,
      windows: { requests: [], tokens: [] },
    };
    const requests = this.#dimension(
      entry,
      'requests',
      info.limitRequests,
      info.remainingRequests,
      info.resetRequestsMs,
    );
    const tokens = this.#dimension(
      entry,
      'tokens',
      info.limitTokens,
      info.remainingTokens,
      info.resetTokensMs,
    );
    if (requests === entry.spec.requests && tokens === entry.spec.tokens) {
      if (entry.spec !== this.#configured) this.#learned.set(key, entry, now);
      return undefined;
    }
    // A new spec object only when something changed: stores cache per spec object.
    entry.spec = { requests, tokens };
    this.#learned.set(key, entry, now);
    return {
      requests: requests?.limit,
      tokens: tokens?.limit,
      windowMs: Math.round(
        (requests ?? tokens) ? this.#windowOf(entry, requests ? 'requests' : 'tokens') : this.#windowMs,
      ),
    };
  }

  #dimension(
    entry: Learned,
    dim: Dim,
    limit: number | undefined,
    remaining: number | undefined,
    resetMs: number | undefined,
  ): DimensionSpec | undefined {
    const current = entry.spec[dim];
    if (limit === undefined || !(limit > 0)) return current;
    if (remaining !== undefined && resetMs !== undefined && resetMs > 0 && remaining < limit) {
      // `remaining` is the level rounded down: the true shortfall lies within one unit below
      // `limit − remaining`; its middle keeps the estimate unbiased.
      const missing = limit - remaining - 0.5;
      if (missing >= Math.max(1, limit / 10)) {
        const estimate = (resetMs * limit) / missing;
        const samples = entry.windows[dim];
        samples.push(Math.min(Math.max(estimate, 1), 7 * 86_400_000));
        if (samples.length > SAMPLES) samples.shift();
      }
    }
    const windowMs = this.#windowOf(entry, dim);
    const ratePerMs = limit / windowMs;
    // Keep the same object when nothing material moved (the window within 2 %).
    if (
      current !== undefined &&
      current.limit === limit &&
      current.capacity === limit &&
      Math.abs(current.ratePerMs - ratePerMs) <= current.ratePerMs * 0.02
    ) {
      return current;
    }
    return { limit, capacity: limit, ratePerMs };
  }

  #windowOf(entry: Learned, dim: Dim): number {
    const samples = [...entry.windows[dim]].sort((a, b) => a - b);
    return samples.length === 0 ? this.#windowMs : samples[samples.length >> 1]!;
  }
}
