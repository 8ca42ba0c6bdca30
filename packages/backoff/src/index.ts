export { BackoffSequence, type BackoffShape, exponentialDelay, type Jitter } from './backoff-delay.ts';
export { DeadlineExceededError, RetryAfterTooLongError, TimeoutError } from './errors.ts';
export { retry } from './retry.ts';
export { createRetryBudget, type RetryBudget, type RetryBudgetOptions } from './retry-budget.ts';
export type {
  DelaySource,
  GiveUpArgs,
  GiveUpReason,
  RetryArgs,
  RetryEvent,
  RetryFailureFields,
  RetryGiveUpEvent,
  ShouldRetryArgs,
} from './retry-events.ts';
export type { RetryOptions } from './retry-options.ts';
export { type TimeoutEvent, type TimeoutOptions, timeout } from './timeout.ts';
