import type { EventBase } from '@unfazed/core';
import type { WaitReason } from './store.ts';

declare module '@unfazed/core' {
  interface ResilienceEventMap {
    'rate-limit.wait': RateLimitWaitEvent;
    'rate-limit.reject': RateLimitRejectEvent;
    'rate-limit.cooldown': RateLimitCooldownEvent;
    'rate-limit.reconcile': RateLimitReconcileEvent;
    'rate-limit.store-fallback': RateLimitStoreFallbackEvent;
    'rate-limit.store-recovered': RateLimitStoreRecoveredEvent;
    'rate-limit.limits': RateLimitLimitsEvent;
  }
}

/** A call joined the queue for its key, because there was not enough quota (or a cooldown runs). */
export interface RateLimitWaitEvent extends EventBase {
  type: 'rate-limit.wait';
  /** Expected wait: until the head of the queue is next tried (the call may wait longer behind others). */
  waitMs: number;
  reason: WaitReason;
  /** Calls queued on this key in this process, this one included. */
  queued: number;
  requests: number;
  tokens: number;
}

/** A call failed at once: it waits too long (`'wait'`) or can never fit (`'too-large'`). */
export interface RateLimitRejectEvent extends EventBase {
  type: 'rate-limit.reject';
  reason: 'wait' | 'too-large';
  /** For `'wait'`: when quota is expected back. */
  retryAfterMs?: number;
  requests: number;
  tokens: number;
}

/** The server answered 429: every call on the key pauses for `cooldownMs` (in every process, with Redis). */
export interface RateLimitCooldownEvent extends EventBase {
  type: 'rate-limit.cooldown';
  cooldownMs: number;
  /** Where the pause came from: the server's `retry-after` / reset headers, or the `cooldownMs` option. */
  from: 'server' | 'default';
  /** classify's reason, e.g. `'rate_limit_tokens'`. */
  reason: string;
}

/** After a call, the reservation was corrected (refund > 0 gives back, < 0 charges more). */
export interface RateLimitReconcileEvent extends EventBase {
  type: 'rate-limit.reconcile';
  outcome: 'success' | 'failure';
  reservedTokens: number;
  /** Tokens the server reported in `usage`, when it did. */
  usedTokens?: number;
  refundedTokens: number;
  refundedRequests: number;
  /** What the server's `x-ratelimit-remaining-*` headers said, when present. */
  remainingRequests?: number;
  remainingTokens?: number;
}

/** The shared store failed; the limiter now runs on `mode` until it answers again. */
export interface RateLimitStoreFallbackEvent extends EventBase {
  type: 'rate-limit.store-fallback';
  mode: 'local' | 'open' | 'closed';
  /** The store error's message (never a credential). */
  error: string;
  /** Processes recently seen on the key; in `'local'` mode this process limits itself to 1/processes. */
  processes: number;
}

/** The shared store answers again after a fallback. */
export interface RateLimitStoreRecoveredEvent extends EventBase {
  type: 'rate-limit.store-recovered';
  downMs: number;
}

/** The server announced lower limits than configured (`x-ratelimit-limit-*`); the key now uses these. */
export interface RateLimitLimitsEvent extends EventBase {
  type: 'rate-limit.limits';
  /** Requests per window now in force for the key (undefined: not limited). */
  requests?: number | undefined;
  tokens?: number | undefined;
}
