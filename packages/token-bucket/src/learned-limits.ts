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
    if (requests === undefined && tokens === undefined && current === this.#base) return undefined;
    const next: BucketSpec = {
      requests:
        requests === undefined ? this.#base.requests : dimension(requests, this.#burst, this.#windowMs, 1),
      tokens: tokens === undefined ? this.#base.tokens : dimension(tokens, this.#burst, this.#windowMs, 0),
    };
    const idleAt = now + 10 * this.#windowMs;
    if (next.requests === this.#base.requests && next.tokens === this.#base.tokens) {
      this.#learned.delete(key);
    } else this.#learned.set(key, next, idleAt, now);
    const changed =
      next.requests?.limit !== current.requests?.limit || next.tokens?.limit !== current.tokens?.limit;
    if (!changed) return undefined;
    return { requests: next.requests?.limit, tokens: next.tokens?.limit };
  }
}

function lower(configured: number | undefined, announced: number | undefined): number | undefined {
  if (configured === undefined || announced === undefined || !(announced > 0)) return undefined;
  return announced < configured ? announced : undefined;
}
