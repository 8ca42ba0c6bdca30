import type { DimensionSpec } from './bucket.ts';

/** The two dimensions a call is charged in. */
export interface Cost {
  readonly requests: number;
  readonly tokens: number;
}

/** The limits of one key; a dimension left out is not limited. */
export interface BucketSpec {
  readonly requests?: DimensionSpec | undefined;
  readonly tokens?: DimensionSpec | undefined;
}

/** What a call waits for: the dimension (or the cooldown) with the longest wait. */
export type WaitReason = 'requests' | 'tokens' | 'cooldown';

/** Input of {@link LimiterStore.acquire}. */
export interface AcquireInput {
  readonly key: string;
  readonly cost: Cost;
  readonly spec: BucketSpec;
  /** The caller's clock; stores with a clock of their own (Redis) ignore it. */
  readonly now: number;
  /**
   * The longest the caller may wait. When its cost (behind every reservation already made, and
   * after any cooldown) is available within it, the store charges it now as a reservation for
   * `waitMs` from now; otherwise it refuses with the whole wait and charges nothing.
   */
  readonly maxWaitMs: number;
  /** Receives the store's own news (fallback, recovery). */
  readonly onEvent?: ((event: StoreEvent) => void) | undefined;
}

/** Where an admitted call stands in the key's counters, to be handed back at settle. */
export interface Admission {
  /** The `admitted` counters right after this call's charge, per dimension it was charged in. */
  readonly mark: { readonly requests?: number | undefined; readonly tokens?: number | undefined };
  /** When the call may leave (store clock): now plus its wait. */
  readonly sentAt: number;
  /** Admitted by a stand-in while the shared store was unreachable: settled there too. */
  readonly local?: boolean | undefined;
}

/**
 * Answer of {@link LimiterStore.acquire}: admitted and charged (the call may go after `waitMs`),
 * or refused with the whole wait (nothing charged).
 */
export type AcquireResult =
  | ({ readonly admitted: true; readonly waitMs: number; readonly reason: WaitReason } & Admission)
  | { readonly admitted: false; readonly waitMs: number; readonly reason: WaitReason };

/** Input of {@link LimiterStore.settle}: what happened to one admitted call. */
export interface SettleInput {
  readonly key: string;
  readonly spec: BucketSpec;
  readonly now: number;
  /** The call's {@link Admission}. */
  readonly admission: Admission;
  /** Given back per dimension (> 0), or charged on top of the reservation (< 0). */
  readonly refund: Cost;
  /**
   * What the server said remains (`x-ratelimit-remaining-*`) in its answer to this call: the level
   * is set from it (in both directions), counting what was charged since this call left.
   */
  readonly remaining?:
    | { readonly requests?: number | undefined; readonly tokens?: number | undefined }
    | undefined;
  /** Pause every call on this key for this long (a 429 told us to). */
  readonly cooldownMs?: number | undefined;
  readonly onEvent?: ((event: StoreEvent) => void) | undefined;
}

/** Something a store reports about itself; the limiter turns it into a `rate-limit.store-*` event. */
export type StoreEvent =
  | {
      readonly type: 'fallback';
      readonly mode: 'local' | 'open' | 'closed';
      readonly scope: 'store' | 'key';
      readonly error: unknown;
      readonly processes: number;
    }
  | { readonly type: 'recovered'; readonly downMs: number };

/** One dimension of a key as a store sees it, for `rateLimit().state(key)`. */
export interface DimensionView {
  readonly limit: number;
  readonly capacity: number;
  /** The level now: what can be taken at once (negative while reservations are pending). */
  readonly level: number;
  /** Units charged so far (monotone, since the key was last forgotten). */
  readonly admitted: number;
}

/** A key's state as a store sees it. */
export interface KeyView {
  readonly requests?: DimensionView | undefined;
  readonly tokens?: DimensionView | undefined;
  /** Milliseconds left of the cooldown, 0 when none. */
  readonly cooldownMs: number;
}

/**
 * Where bucket state lives. {@link memoryStore} keeps it in this process; `redisStore` shares it
 * between processes. Both apply the same arithmetic (./bucket.ts), each operation atomically.
 */
export interface LimiterStore {
  /** Checks both dimensions and the cooldown and, only when all allow it in time, charges both. */
  acquire(input: AcquireInput): Promise<AcquireResult>;
  /** Applies a reconciliation, the server's remaining and a cooldown in one operation. Never throws. */
  settle(input: SettleInput): Promise<void>;
  /** What the store knows of a cooldown on `key` right now, in ms left (0: none); no round trip. */
  cooldownLeft(key: string, now: number): number;
  /** The key's state, for inspection. */
  inspect(key: string, spec: BucketSpec, now: number): Promise<KeyView>;
}
