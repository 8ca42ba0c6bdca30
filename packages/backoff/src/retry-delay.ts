import type { Classification } from '@unfazed/classify';
import type { DelaySource } from './retry-events.ts';

/** What {@link nextDelay} needs of the options. */
export interface DelayLimits {
  readonly maxRetryAfterMs: number;
  readonly spreadRatio: number;
  readonly spreadMinMs: number;
  readonly random: () => number;
}

/** The wait before the next attempt, or why there is none. */
export type DelayDecision =
  | { ok: true; delayMs: number; delaySource: DelaySource }
  | {
      ok: false;
      why: 'deadline' | 'retry-after-too-long';
      delayMs: number;
      delaySource: DelaySource;
      limitMs: number;
    };

/**
 * Picks the wait before the next attempt. A server's hint wins over the backoff and gets a random
 * spread of up to `max(ratio × hint, minMs)`; a hint above `maxRetryAfterMs`, or one that would not
 * leave time before the deadline, is refused (never silently replaced by a shorter backoff). A
 * backoff that would end at or past the deadline is refused too. `backoff` is only asked when no
 * hint decides, so a stateful backoff advances once per wait it chose.
 */
export function nextDelay(
  o: DelayLimits,
  classification: Classification,
  backoff: () => number,
  remainingMs: number,
): DelayDecision {
  if (remainingMs <= 0) {
    return { ok: false, why: 'deadline', delayMs: 0, delaySource: 'backoff', limitMs: 0 };
  }
  const hint = classification.retryAfterMs;
  if (hint !== undefined) {
    // A custom classifier may give a wait without saying where it came from: the server's header.
    const delaySource: DelaySource = classification.retryAfterSource ?? 'retry-after';
    if (hint > o.maxRetryAfterMs) {
      return {
        ok: false,
        why: 'retry-after-too-long',
        delayMs: hint,
        delaySource,
        limitMs: o.maxRetryAfterMs,
      };
    }
    if (hint >= remainingMs) {
      return { ok: false, why: 'retry-after-too-long', delayMs: hint, delaySource, limitMs: remainingMs };
    }
    const spread = o.random() * Math.max(o.spreadRatio * hint, o.spreadMinMs);
    // The spread never eats more than half of what is left before the deadline.
    const delayMs = Math.ceil(hint + Math.min(spread, (remainingMs - hint) / 2));
    return { ok: true, delayMs, delaySource };
  }
  const delayMs = backoff();
  if (delayMs >= remainingMs) {
    return { ok: false, why: 'deadline', delayMs, delaySource: 'backoff', limitMs: remainingMs };
  }
  return { ok: true, delayMs, delaySource: 'backoff' };
}
