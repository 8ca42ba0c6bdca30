import type { Classifier } from '@unfazed/classify/internal';
import { type CallContext, type Clock, realClock } from '@unfazed/core';
import {
  boolean,
  clockRule,
  duration,
  fn,
  number,
  optionError,
  readOptions,
  shape,
  string,
} from '@unfazed/core/internal';
import type { DimensionSpec } from './bucket.ts';
import { memoryStore } from './memory-store.ts';
import type { BucketSpec, LimiterStore } from './store.ts';

/** Options of `rateLimit()`. Every one is optional: with no limits, they are learned from the server. */
export interface RateLimitOptions {
  /**
   * Requests allowed per window (`windowMs`), used until the server's `x-ratelimit-*` headers say
   * otherwise (or always, with `learnFromHeaders: false`).
   * @default learned from the server's headers
   */
  rpm?: number;
  /** Tokens allowed per window, as counted by `estimate` and corrected by `usage`. @default learned from the server's headers */
  tpm?: number;
  /**
   * The window the limits are per. Shorten it in tests to compress time. With the server's headers,
   * its own window is estimated from them and used instead.
   * @default 60_000
   */
  windowMs?: number;
  /**
   * Fraction of the configured limit that may leave at once (the bucket's capacity), in (0, 1); the
   * rest refills continuously over the window, so no window ever admits more than the limit. (A
   * limit learned from the server uses the server's whole bucket, as the server does.)
   * @default 1/12 (5 s of a minute)
   */
  burst?: number;
  /**
   * Longest a call may wait for quota, counting every reservation ahead of it; a call that cannot
   * be served within it (or within its deadline) fails at once with `RateLimitWaitTooLongError`.
   * `0` never waits; `Infinity` always does.
   * @default 60_000 (as retry's `maxRetryAfterMs`: one notion of the longest a call waits)
   */
  maxWaitMs?: number;
  /** Where bucket state lives: `memoryStore()` (this process) or `redisStore()` (shared). @default memoryStore() */
  store?: LimiterStore;
  /**
   * The token cost of a call, from `ctx.request` (the OpenAI request body). May be async (see
   * `tokenizerEstimator`). A throw or a value that is not a finite number >= 0 falls back to
   * `estimateTokens` (with a `hook.failed` event).
   * @default estimateTokens
   */
  estimate?: (request: unknown, ctx: CallContext) => number | Promise<number>;
  /** Pause after a 429 that gives no wait hint at all. @default windowMs / 60 (1 s) */
  cooldownMs?: number;
  /**
   * Track the server's own bucket through its `x-ratelimit-*` headers: their limits replace the
   * configured ones (or stand alone when none are configured), and each answer's `remaining` sets
   * the level, in both directions, counting what was sent since. `false` keeps the configured
   * limits only (to use less than the account allows).
   * @default true
   */
  learnFromHeaders?: boolean;
  /** Classifies failures (which are rate limits, which never reached the server). @default classify */
  classify?: Classifier;
  /** The clock for `state(key)` outside calls; calls use `ctx.clock`. @default realClock */
  clock?: Clock;
  /** Name in events and stack traces. @default 'rateLimit' */
  name?: string;
}

const schema = {
  rpm: number({ above: 0 }),
  tpm: number({ above: 0 }),
  windowMs: duration({ above: 0, default: 60_000 }),
  burst: number({ above: 0, below: 1, default: 1 / 12 }),
  maxWaitMs: duration({ default: 60_000, infinity: true }),
  store: shape<LimiterStore>(
    'a store (memoryStore() or redisStore())',
    (v) =>
      typeof (v as LimiterStore)?.acquire === 'function' && typeof (v as LimiterStore).settle === 'function',
  ),
  estimate: fn<NonNullable<RateLimitOptions['estimate']>>(),
  cooldownMs: duration(),
  learnFromHeaders: boolean({ default: true }),
  classify: fn<Classifier>(),
  clock: clockRule({ default: realClock }),
  name: string({ default: 'rateLimit' }),
};

/** Options after validation, with defaults filled in. */
export interface ResolvedOptions {
  name: string;
  configured: BucketSpec;
  windowMs: number;
  maxWaitMs: number;
  store: LimiterStore;
  estimate: RateLimitOptions['estimate'];
  cooldownMs: number;
  learnFromHeaders: boolean;
  classify: Classifier | undefined;
  clock: Clock;
}

/** Validates and normalises {@link RateLimitOptions} once, in the factory. */
export function resolveOptions(options: RateLimitOptions | undefined): ResolvedOptions {
  const o = readOptions('rateLimit', options, schema);
  if (!o.learnFromHeaders && o.rpm === undefined && o.tpm === undefined) {
    throw optionError(
      { owner: 'rateLimit', path: 'rpm' },
      'given (or tpm) when learnFromHeaders is false',
      undefined,
    );
  }
  return {
    name: o.name,
    configured: {
      requests: o.rpm === undefined ? undefined : configuredDimension(o.rpm, o.burst, o.windowMs, 1),
      tokens: o.tpm === undefined ? undefined : configuredDimension(o.tpm, o.burst, o.windowMs, 0),
    },
    windowMs: o.windowMs,
    maxWaitMs: o.maxWaitMs,
    store: o.store ?? memoryStore(),
    estimate: o.estimate,
    cooldownMs: o.cooldownMs ?? o.windowMs / 60,
    learnFromHeaders: o.learnFromHeaders,
    classify: o.classify,
    clock: o.clock,
  };
}

/** What the bound keeps below `limit + 1`: far more than float rounding and the admission tolerance. */
const MARGIN = 1e-3;

/**
 * A configured dimension: capacity `limit × burst` (at least one unit, so small limits still allow
 * one call at a time), refilling `limit + 1 − capacity` per window, less a thousandth. Costs are
 * whole units, so a window's admissions total less than `capacity + refill < limit + 1`: at most
 * `limit` (the proof is in docs/estimation.md). For `rpm: 1`, one request per minute.
 */
export function configuredDimension(
  limit: number,
  burst: number,
  windowMs: number,
  floor: number,
): DimensionSpec {
  const capacity = Math.min(limit, Math.max(limit * burst, floor));
  return { limit, capacity, ratePerMs: (limit + 1 - capacity - MARGIN) / windowMs };
}
