import { formatGoDuration } from './go-duration.ts';

/** Settings of the server's per-key limiter, already validated. */
export interface LimiterSettings {
  rpm: number | undefined;
  tpm: number | undefined;
  windowMs: number;
  burst: number;
}

/** What the limiter decided for one request. */
export type LimitDecision =
  | { ok: true; headers: Record<string, string> }
  | {
      ok: false;
      /** `too-large`: the token cost exceeds what the TPM bucket can ever hold. */
      reason: 'requests' | 'tokens' | 'too-large';
      /** Limit per window of the dimension that refused. */
      limit: number;
      /** How much of the bucket is spent right now (what OpenAI calls "Used"). */
      used: number;
      requested: number;
      /** Milliseconds until the request would fit; Infinity for `too-large`. */
      waitMs: number;
      headers: Record<string, string>;
    };

class Bucket {
  readonly limit: number;
  readonly capacity: number;
  readonly perMs: number;
  level: number;
  updated: number;
  constructor(limit: number, capacity: number, perMs: number, now: number) {
    this.limit = limit;
    this.capacity = capacity;
    this.perMs = perMs;
    this.level = capacity;
    this.updated = now;
  }
  refill(now: number): void {
    if (now > this.updated)
      this.level = Math.min(this.capacity, this.level + (now - this.updated) * this.perMs);
    this.updated = Math.max(this.updated, now);
  }
  waitFor(amount: number): number {
    return amount <= this.level ? 0 : (amount - this.level) / this.perMs;
  }
  untilFull(): number {
    return (this.capacity - this.level) / this.perMs;
  }
}

interface KeyState {
  requests: Bucket | undefined;
  tokens: Bucket | undefined;
}

/**
 * Token buckets per API key for RPM and TPM with continuous refill: capacity `burst × limit`,
 * refilling `limit` per `windowMs`. Refused requests spend nothing. Time comes from the caller.
 * Keys are the raw API keys, held in memory only (never in stats or messages).
 */
export class RateLimiter {
  readonly #settings: LimiterSettings;
  #keys = new Map<string, KeyState>();

  constructor(settings: LimiterSettings) {
    this.#settings = settings;
  }

  /** Forget every key: all buckets start full again. */
  clear(): void {
    this.#keys.clear();
  }

  /** Admit (and charge) or refuse a request of `cost` tokens for `key` at time `now`. */
  take(key: string, cost: number, now: number): LimitDecision {
    const state = this.#state(key, now);
    const { requests, tokens } = state;
    if (tokens && cost > tokens.capacity) {
      return {
        ok: false,
        reason: 'too-large',
        limit: tokens.limit,
        used: 0,
        requested: cost,
        waitMs: Infinity,
        headers: headersOf(state),
      };
    }
    if (requests && requests.level < 1) {
      return refusal('requests', requests, 1, state);
    }
    if (tokens && tokens.level < cost) {
      return refusal('tokens', tokens, cost, state);
    }
    if (requests) requests.level -= 1;
    if (tokens) tokens.level -= cost;
    return { ok: true, headers: headersOf(state) };
  }

  /** The `x-ratelimit-*` headers for `key` right now, without spending anything. */
  peek(key: string, now: number): Record<string, string> {
    return headersOf(this.#state(key, now));
  }

  #state(key: string, now: number): KeyState {
    let state = this.#keys.get(key);
    if (!state) {
      const { rpm, tpm, windowMs, burst } = this.#settings;
      state = {
        requests: rpm === undefined ? undefined : new Bucket(rpm, burst * rpm, rpm / windowMs, now),
        tokens: tpm === undefined ? undefined : new Bucket(tpm, burst * tpm, tpm / windowMs, now),
      };
      this.#keys.set(key, state);
    }
    state.requests?.refill(now);
    state.tokens?.refill(now);
    return state;
  }
}

function refusal(
  reason: 'requests' | 'tokens',
  bucket: Bucket,
  amount: number,
  state: KeyState,
): LimitDecision {
  return {
    ok: false,
    reason,
    limit: bucket.limit,
    used: Math.max(0, Math.ceil(bucket.capacity - bucket.level)),
    requested: amount,
    waitMs: bucket.waitFor(amount),
    headers: headersOf(state),
  };
}

function headersOf({ requests, tokens }: KeyState): Record<string, string> {
  const headers: Record<string, string> = {};
  if (requests) {
    headers['x-ratelimit-limit-requests'] = String(requests.limit);
    headers['x-ratelimit-remaining-requests'] = String(Math.max(0, Math.floor(requests.level)));
    headers['x-ratelimit-reset-requests'] = formatGoDuration(requests.untilFull());
  }
  if (tokens) {
    headers['x-ratelimit-limit-tokens'] = String(tokens.limit);
    headers['x-ratelimit-remaining-tokens'] = String(Math.max(0, Math.floor(tokens.level)));
    headers['x-ratelimit-reset-tokens'] = formatGoDuration(tokens.untilFull());
  }
  return headers;
}
