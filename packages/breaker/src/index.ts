export { type BreakerMiddleware, breaker } from './breaker.ts';
export type { BreakerStateChangedEvent, StateChangeArgs } from './breaker-events.ts';
export type { BreakerOptions } from './breaker-options.ts';
export type { BreakerPolicy } from './breaker-policy.ts';
export {
  type BulkheadMiddleware,
  type BulkheadOptions,
  type BulkheadQueuedEvent,
  type BulkheadRejectedEvent,
  bulkhead,
} from './bulkhead.ts';
export type { BreakerSnapshot, CircuitSnapshot, CircuitState } from './circuit.ts';
export { BulkheadFullError, type BulkheadRejection, CircuitOpenError, type RefusingState } from './errors.ts';
export type { FailureArgs } from './failure.ts';
export type { CockatielBreaker } from './failure-counter.ts';
export { type FallbackOptions, type FallbackUsedEvent, fallback } from './fallback.ts';
export {
  type CockatielContext,
  type CockatielPolicy,
  type FromCockatielOptions,
  fromCockatiel,
} from './from-cockatiel.ts';
