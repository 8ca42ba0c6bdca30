import type { Category, Reason, RetryAfterSource } from '@unfazed/classify';
import type { EventBase } from '@unfazed/core';
import type { WaitReason } from './store.ts';

declare module '@unfazed/core' {
  interface ResilienceEventMap {
    'rate-limit.queued': RateLimitQueuedEvent;
    'rate-limit.rejected': RateLimitRejectedEvent;
    'rate-limit.cooldown-started': RateLimitCooldownStartedEvent;
    'rate-limit.reconciled': RateLimitReconciledEvent;
    'rate-limit.limits-learned': RateLimitLimitsLearnedEvent;
    'rate-limit.store-failed': RateLimitStoreFailedEvent;
    'rate-limit.store-recovered': RateLimitStoreRecoveredEvent;
  }
}

/** A call waits for quota (or for a cooldown to end): it has its reservation and leaves after `waitMs`. */
export interface RateLimitQueuedEvent extends EventBase {
  readonly type: 'rate-limit.queued';
  /** The whole expected wait, every reservation ahead of it counted. */
  readonly waitMs: number;
  readonly why: WaitReason;
  readonly requests: number;
  readonly tokens: number;
}

/** A call failed at once: it could not be served in time (`wait-too-long`), or can never fit (`too-large`). */
export interface RateLimitRejectedEvent extends EventBase {
  readonly type: 'rate-limit.rejected';
  readonly why: 'wait-too-long' | 'too-large';
  /** For `wait-too-long`: when quota is expected back, in ms. */
  readonly retryAfterMs: number | undefined;
  readonly requests: number;
  readonly tokens: number;
}

/** The server answered 429: every call on the key pauses for `cooldownMs` (in every process, with Redis). */
export interface RateLimitCooldownStartedEvent extends EventBase {
  readonly type: 'rate-limit.cooldown-started';
  readonly cooldownMs: number;
  /** Where the pause came from: the server's hint, or `default` (the `cooldownMs` option). */
  readonly hintSource: RetryAfterSource | 'default';
  readonly category: Category;
  readonly reason: Reason;
  readonly status: number | undefined;
  readonly code: string | undefined;
  readonly requestId: string | undefined;
}

/** After a call, its reservation was corrected (refund > 0 gives back, < 0 charges more) and the server's view adopted. */
export interface RateLimitReconciledEvent extends EventBase {
  readonly type: 'rate-limit.reconciled';
  readonly outcome: 'success' | 'failure';
  readonly reservedTokens: number;
  /** Tokens the server reported in `usage`, when it did. */
  readonly usedTokens: number | undefined;
  readonly refundedTokens: number;
  readonly refundedRequests: number;
  /** What the server's `x-ratelimit-remaining-*` headers said, when present. */
  readonly remainingRequests: number | undefined;
  readonly remainingTokens: number | undefined;
}

/** The server's `x-ratelimit-limit-*` headers set (or changed) the key's limits. */
export interface RateLimitLimitsLearnedEvent extends EventBase {
  readonly type: 'rate-limit.limits-learned';
  /** Requests per window now in force for the key (undefined: not limited). */
  readonly requests: number | undefined;
  readonly tokens: number | undefined;
  /** The server's window, as estimated from its headers. */
  readonly windowMs: number;
}

/** The shared store failed; the key (`scope: 'key'`) or every key (`'store'`) now runs on `mode`. */
export interface RateLimitStoreFailedEvent extends EventBase {
  readonly type: 'rate-limit.store-failed';
  readonly mode: 'local' | 'open' | 'closed';
  readonly scope: 'store' | 'key';
  /** The store error's message (never a credential). */
  readonly error: string;
  /** Processes recently seen on the key; in `'local'` mode this process limits itself to 1/processes. */
  readonly processes: number;
}

/** The shared store answers again after a fallback. */
export interface RateLimitStoreRecoveredEvent extends EventBase {
  readonly type: 'rate-limit.store-recovered';
  readonly downMs: number;
}
