export { type BreakerMiddleware, breaker } from './breaker.ts';
export type { BreakerStateEvent, StateChangeArgs } from './breaker-events.ts';
export type { BreakerOptions } from './breaker-options.ts';
export type { BreakerPolicy } from './breaker-policy.ts';
export { type BulkheadEvent, type BulkheadOptions, bulkhead } from './bulkhead.ts';
export type { BreakerSnapshot, CircuitSnapshot, CircuitState } from './circuit.ts';
export { BulkheadFullError, type BulkheadRejection, CircuitOpenError, type RefusingState } from './errors.ts';
export type { FailureArgs } from './failure.ts';
export { type FallbackEvent, type FallbackOptions, fallback } from './fallback.ts';
