import type { Category, Reason } from '@unfazed/classify';
import type { EventBase } from '@unfazed/core';
import type { CircuitState } from './circuit.ts';

declare module '@unfazed/core' {
  interface ResilienceEventMap {
    'breaker.state-changed': BreakerStateChangedEvent;
  }
}

/**
 * A circuit moved during a call. The event's `key` is the circuit's key. Changes made by hand
 * (`isolate`, `reset`) happen outside any call, so they reach `onStateChange` only.
 */
export interface BreakerStateChangedEvent extends EventBase {
  readonly type: 'breaker.state-changed';
  readonly from: CircuitState;
  readonly to: CircuitState;
  /** For `open`: how long until a probe may go, in ms. */
  readonly retryAfterMs: number | undefined;
  /** For `open`, classify's verdict on the failure that opened it (the failure fields). */
  readonly category: Category | undefined;
  readonly reason: Reason | undefined;
  readonly status: number | undefined;
  readonly code: string | undefined;
  readonly requestId: string | undefined;
}

/** What `onStateChange` receives. */
export interface StateChangeArgs {
  /** The circuit's key (`ctx.key` of the calls through it). */
  readonly key: string;
  readonly from: CircuitState;
  readonly to: CircuitState;
  /** For `open`: how long until a probe may go, in ms. */
  readonly retryAfterMs: number | undefined;
  /** `manual` for `isolate`/`reset`, otherwise `call`. */
  readonly cause: 'call' | 'manual';
}
