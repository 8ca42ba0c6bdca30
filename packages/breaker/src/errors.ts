import { ResilienceError, type ResilienceErrorOptions } from '@unfazed/core';

/** Where a circuit stood when it refused a call. */
export type RefusingState = 'open' | 'half-open' | 'isolated';

/**
 * The circuit of `key` refused the call, which never reached the service. `cause` is the failure
 * that opened the circuit, when known. `retry()` never retries it: it already means "not now".
 *
 * @example
 * try {
 *   await p.execute(call, { key: 'gpt-4o' });
 * } catch (err) {
 *   if (err instanceof CircuitOpenError) console.log(`back in ${err.retryAfterMs} ms`);
 * }
 */
export class CircuitOpenError extends ResilienceError {
  /** The key (`ctx.key`) whose circuit refused the call. */
  readonly key: string;
  /** Time until the circuit lets a probe through, in ms; `undefined` while isolated (until `reset(key)`). */
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

/** Why a bulkhead refused a call: no slot and a full queue, or the call's deadline passed while it queued. */
export type BulkheadRejection = 'full' | 'deadline';

/** The bulkhead had no free slot and no room (or no time) to queue the call. */
export class BulkheadFullError extends ResilienceError {
  readonly limit: number;
  readonly queue: number;
  /** Why the call was refused (the bulkhead's own cause; classify's reason is `bulkhead_full`). */
  readonly why: BulkheadRejection;

  constructor(limit: number, queue: number, why: BulkheadRejection, options?: ResilienceErrorOptions) {
    super(
      'BULKHEAD_FULL',
      why === 'full'
        ? `bulkhead: all ${limit} slots busy and the queue of ${queue} is full`
        : `bulkhead: the call's deadline passed while it waited for one of ${limit} slots`,
      options,
    );
    this.limit = limit;
    this.queue = queue;
    this.why = why;
  }
}
