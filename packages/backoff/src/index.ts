export type { Jitter } from './backoff-delay.ts';
export type { BackoffContext, BackoffFactory, BackoffStep } from './backoff-factory.ts';
export { DeadlineExceededError, RetryAfterTooLongError, TimeoutError } from './errors.ts';
export { retry } from './retry.ts';
export { createRetryBudget, type RetryBudget, type RetryBudgetOptions } from './retry-budget.ts';
export type {
  DelaySource,
  GiveUpArgs,
  GiveUpReason,
  RetryArgs,
  RetryFailureFields,
  RetryGaveUpEvent,
  RetryScheduledEvent,
  ShouldRetryArgs,
} from './retry-events.ts';
export type { RetryOptions } from './retry-options.ts';
export { type TimeoutExpiredEvent, type TimeoutOptions, timeout } from './timeout.ts';
