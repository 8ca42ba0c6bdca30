import type { RateLimitInfo } from '@unfazed/classify';
import { KeyedMap } from './keyed-map.ts';
import { dimension } from './options.ts';
import type { BucketSpec } from './store.ts';

/**
 * Limits the server announced (`x-ratelimit-limit-*`) that are lower than the configured ones,
 * per key: a limiter configured for more than the account really has would otherwise run into
 * 429s all day. Kept while the key is in use (forgotten after ten idle windows), bounded.
 */
export class LearnedLimits {
  readonly #base: BucketSpec;
  readonly #burst: number;
  readonly #windowMs: number;
  readonly #learned = new KeyedMap<BucketSpec>(10_000);

  constructor(base: BucketSpec, burst: number, windowMs: number) {
    this.#base = base;
    this.#burst = burst;
    this.#windowMs = windowMs;
  }

  /** The spec in force for `key`. */
  specFor(key: string, now: number): BucketSpec {
    return this.#learned.get(key, now) ?? this.#base;
  }

  /** Adopts the server's limits for `key` when lower than configured; returns them when they changed. */
  learn(key: string, info: RateLimitInfo, now: number): { requests?: number; tokens?: number } | undefined {
    const current = this.specFor(key, now);
    const requests = lower(this.#base.requests?.limit, info.limitRequests);
    const tokens = lower(this.#base.tokens?.limit, info.limitTokens);
    const changed =
      (requests ?? this.#base.requests?.limit) !== current.requests?.limit ||
      (tokens ?? this.#base.tokens?.limit) !== current.tokens?.limit;
    if (!changed) {
      // The same limits again (every response repeats them): keep the spec object, so stores
      // that cache per spec keep their cache, and only push back when it is forgotten.
      if (current !== this.#base) this.#learned.set(key, current, now + 10 * this.#windowMs, now);
      return undefined;
    }
    if (requests === undefined && tokens === undefined) {
      this.#learned.delete(key);
    } else {
      const next: BucketSpec = {
        requests:
          requests === undefined ? this.#base.requests : dimension(requests, this.#burst, this.#windowMs, 1),
        tokens: tokens === undefined ? this.#base.tokens : dimension(tokens, this.#burst, this.#windowMs, 0),
      };
      this.#learned.set(key, next, now + 10 * this.#windowMs, now);
    }
    return { requests: requests ?? this.#base.requests?.limit, tokens: tokens ?? this.#base.tokens?.limit };
  }
}

function lower(configured: number | undefined, announced: number | undefined): number | undefined {
  if (configured === undefined || announced === undefined || !(announced > 0)) return undefined;
  return announced < configured ? announced : undefined;
}
