import type { CallContext } from '@unfazed/core';
import type { DimensionSpec } from './bucket.ts';
import { estimateTokens } from './estimate.ts';
import { memoryStore } from './memory-store.ts';
import type { BucketSpec, LimiterStore } from './store.ts';

/** Options of {@link rateLimit}. At least one of `rpm` and `tpm` is required. */
export interface RateLimitOptions {
  /** Requests allowed per window (`windowMs`). @default not limited */
  rpm?: number;
  /** Tokens allowed per window, as counted by `estimate` and corrected by `usage`. @default not limited */
  tpm?: number;
  /** Length of the window the limits are per. Shorten it in tests to compress time. @default 60_000 */
  windowMs?: number;
  /**
   * Fraction of a window's limit that may leave at once (the bucket's burst capacity), in (0, 1).
   * The rest of the limit refills continuously over the window. Give `burst` or `burstMs`, not both.
   * @default 1/12 (5 s of a minute)
   */
  burst?: number;
  /** The burst as a duration: `burst = burstMs / windowMs`. @default 5_000 (with the default window) */
  burstMs?: number;
  /** Longest a call waits for quota; a longer expected wait fails at once. `0` never waits. @default 30_000 */
  maxWaitMs?: number;
  /** Where bucket state lives: {@link memoryStore} (this process) or `redisStore` (shared). @default memoryStore() */
  store?: LimiterStore;
  /**
   * The token cost of a call, from `ctx.request` (the OpenAI request body). May be async
   * (see `tokenizerEstimator`). Only called when `tpm` is set.
   * @default estimateTokens
   */
  estimate?: (request: unknown, ctx: CallContext) => number | Promise<number>;
  /** Pause after a 429 that gives no `retry-after` or reset hint. @default windowMs / 60 (1 s) */
  cooldownMs?: number;
  /**
   * Learn from the server's `x-ratelimit-*` headers: lower the local view to `remaining-*` after
   * each answer, and adopt a `limit-*` lower than `rpm` / `tpm` for the key (read as per window,
   * so `windowMs` should be the server's minute).
   * @default true
   */
  learnFromHeaders?: boolean;
  /** Name of the middleware, in events and stack traces. @default 'rateLimit' */
  name?: string;
}

/** Options after validation, with defaults filled in. */
export interface ResolvedOptions {
  name: string;
  spec: BucketSpec;
  burst: number;
  windowMs: number;
  maxWaitMs: number;
  store: LimiterStore;
  estimate: ((request: unknown, ctx: CallContext) => number | Promise<number>) | undefined;
  cooldownMs: number;
  learnFromHeaders: boolean;
}

const fail = (option: string, rule: string, value: unknown): never => {
  throw new TypeError(`rateLimit: ${option} must be ${rule}, got ${describe(value)}`);
};

/** Validates and normalises {@link RateLimitOptions} once, in the factory. */
export function resolveOptions(options: RateLimitOptions): ResolvedOptions {
  if (options === null || typeof options !== 'object') fail('options', 'an object', options);
  const { rpm, tpm } = options;
  if (rpm === undefined && tpm === undefined) fail('options', 'an object with rpm or tpm (or both)', options);
  const windowMs = options.windowMs ?? 60_000;
  if (!isNumber(windowMs) || windowMs <= 0) fail('windowMs', 'a finite number > 0', windowMs);
  if (options.burst !== undefined && options.burstMs !== undefined) {
    fail('burst', 'left out when burstMs is given', options.burst);
  }
  let burst = options.burst ?? 1 / 12;
  if (options.burstMs !== undefined) {
    if (!isNumber(options.burstMs) || options.burstMs <= 0 || options.burstMs >= windowMs) {
      fail('burstMs', `a number > 0 and < windowMs (${windowMs})`, options.burstMs);
    }
    burst = options.burstMs / windowMs;
  } else if (!isNumber(burst) || burst <= 0 || burst >= 1) {
    fail('burst', 'a number > 0 and < 1', burst);
  }
  for (const [option, value] of [
    ['rpm', rpm],
    ['tpm', tpm],
  ] as const) {
    if (value !== undefined && (!isNumber(value) || value <= 0)) fail(option, 'a finite number > 0', value);
  }
  const maxWaitMs = options.maxWaitMs ?? 30_000;
  if (typeof maxWaitMs !== 'number' || Number.isNaN(maxWaitMs) || maxWaitMs < 0) {
    fail('maxWaitMs', 'a number >= 0 (Infinity allowed)', maxWaitMs);
  }
  const cooldownMs = options.cooldownMs ?? windowMs / 60;
  if (!isNumber(cooldownMs) || cooldownMs < 0) fail('cooldownMs', 'a finite number >= 0', cooldownMs);
  const store = options.store ?? memoryStore();
  if (!store || typeof store.acquire !== 'function' || typeof store.settle !== 'function') {
    fail('store', 'a store (memoryStore() or redisStore())', store);
  }
  const estimate = options.estimate ?? ((request: unknown) => estimateTokens(request));
  if (typeof estimate !== 'function') fail('estimate', 'a function', estimate);
  const name = options.name ?? 'rateLimit';
  if (typeof name !== 'string' || name === '') fail('name', 'a non-empty string', name);
  return {
    name,
    spec: {
      requests: rpm === undefined ? undefined : dimension(rpm, burst, windowMs, 1),
      tokens: tpm === undefined ? undefined : dimension(tpm, burst, windowMs, 0),
    },
    burst,
    windowMs,
    maxWaitMs,
    store,
    estimate: tpm === undefined ? undefined : estimate,
    cooldownMs,
    learnFromHeaders: options.learnFromHeaders ?? true,
  };
}

/**
 * Burst `limit × burst` (at least `floor` when that leaves room to refill, so small request
 * limits still allow one request at a time), refilling the rest of the limit over the window.
 */
export function dimension(limit: number, burst: number, windowMs: number, floor: number): DimensionSpec {
  let capacity = limit * burst;
  if (capacity < floor && floor < limit) capacity = floor;
  return { limit, capacity, ratePerMs: (limit - capacity) / windowMs };
}

function isNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') return String(value);
  if (value === null) return 'null';
  if (typeof value === 'function') return 'a function';
  // Never serialise an object: a store holds a client, and a client may hold a password.
  if (typeof value === 'object') return `an object with keys [${Object.keys(value).join(', ')}]`;
  return String(value);
}
