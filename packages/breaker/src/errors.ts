import { ResilienceError, type ResilienceErrorOptions } from '@unfazed/core';

/** Where a circuit stood when it refused a call. */
export type RefusingState = 'open' | 'half-open' | 'isolated';

/**
 * The circuit for `key` is open: the call was refused without reaching the service. `cause` is the
 * failure that opened the circuit, when known.
 */
export class CircuitOpenError extends ResilienceError {
  /** The breaker key (by default `ctx.key`) whose circuit is open. */
  readonly key: string;
  /**
   * Time until the circuit lets a probe through, in ms; `undefined` while isolated by hand
   * (until `reset(key)`).
   */
  readonly retryAfterMs: number | undefined;
  readonly state: RefusingState;

  constructor(
    key: string,
    state: RefusingState,
    retryAfterMs: number | undefined,
    options?: ResilienceErrorOptions,
  ) {
    const when = retryAfterMs === undefined ? 'until reset' : `for ${Math.ceil(retryAfterMs)} ms`;
    super(
      'CIRCUIT_OPEN',
      `breaker: circuit ${JSON.stringify(key)} is ${state}; calls refused ${when}`,
      options,
    );
    this.key = key;
    this.state = state;
    this.retryAfterMs = retryAfterMs;
  }
}

/** Why a bulkhead refused a call: no slot and a full queue, or the call's deadline passed while queued. */
export type BulkheadRejection = 'full' | 'deadline';

/** The bulkhead had no free slot and no room (or no time) to queue the call. */
export class BulkheadFullError extends ResilienceError {
  readonly limit: number;
  readonly queue: number;
  readonly reason: BulkheadRejection;

  constructor(limit: number, queue: number, reason: BulkheadRejection, options?: ResilienceErrorOptions) {
    super(
      'BULKHEAD_FULL',
      reason === 'full'
        ? `bulkhead: all ${limit} slots busy and the queue of ${queue} is full`
        : `bulkhead: the call's deadline passed while it waited for one of ${limit} slots`,
      options,
    );
    this.limit = limit;
    this.queue = queue;
    this.reason = reason;
  }
}
