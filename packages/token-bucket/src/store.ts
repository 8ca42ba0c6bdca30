import type { DimensionSpec } from './bucket.ts';

/** The two dimensions a call is charged in. */
export interface Cost {
  requests: number;
  tokens: number;
}

/** The limits of one key; a dimension left out is not limited. */
export interface BucketSpec {
  readonly requests?: DimensionSpec;
  readonly tokens?: DimensionSpec;
}

/** Why a call has to wait: the dimension (or cooldown) with the longest wait. */
export type WaitReason = 'requests' | 'tokens' | 'cooldown';

/** Input of {@link LimiterStore.acquire}. */
export interface AcquireInput {
  readonly key: string;
  readonly cost: Cost;
  readonly spec: BucketSpec;
  /** The caller's clock; stores with a clock of their own (Redis) ignore it. */
  readonly now: number;
  /**
   * The longest the caller may wait. When the cost is available within it (and no cooldown
   * runs), the store charges it now as a reservation for `waitMs` from now instead of refusing.
   * @default 0 (admit only what is available now)
   */
  readonly maxWaitMs?: number | undefined;
  /** Receives the store's own news (fallback, recovery). */
  readonly onEvent?: ((event: StoreEvent) => void) | undefined;
}

/**
 * Answer of {@link LimiterStore.acquire}: admitted (and charged; the call may go after `waitMs`,
 * 0 unless it reserved), or refused with the exact wait (nothing charged).
 */
export type AcquireResult =
  | { admitted: true; waitMs: number }
  | { admitted: false; waitMs: number; reason: WaitReason };

/** Input of {@link LimiterStore.settle}: what to give back or charge after a call, and what the server said. */
export interface SettleInput {
  readonly key: string;
  readonly spec: BucketSpec;
  readonly now: number;
  /** Given back per dimension (> 0), or charged on top of the reservation (< 0). */
  readonly refund: Cost;
  /** What the server says remains (`x-ratelimit-remaining-*`): the local view is lowered to it, never raised. */
  readonly remaining?: { requests?: number | undefined; tokens?: number | undefined } | undefined;
  /** Pause every call on this key for this long (a 429 told us to). */
  readonly cooldownMs?: number | undefined;
  readonly onEvent?: ((event: StoreEvent) => void) | undefined;
}

/** Something a store reports about itself; the limiter turns it into a `rate-limit.store-*` event. */
export type StoreEvent =
  | { type: 'fallback'; mode: 'local' | 'open' | 'closed'; error: unknown; processes: number }
  | { type: 'recovered'; downMs: number };

/**
 * Where bucket state lives. {@link memoryStore} keeps it in this process; `redisStore` shares it
 * between processes. Both apply the same arithmetic (./bucket.ts), each operation atomically.
 */
export interface LimiterStore {
  /** Checks both dimensions and the cooldown and, only when all allow it, charges both. */
  acquire(input: AcquireInput): Promise<AcquireResult>;
  /** Applies a reconciliation, header feedback and cooldown in one operation. Never throws. */
  settle(input: SettleInput): Promise<void>;
}
