import type { Category, Reason } from '@unfazed/classify';
import type { EventBase } from '@unfazed/core';
import type { CircuitState } from './circuit.ts';

declare module '@unfazed/core' {
  interface ResilienceEventMap {
    'breaker.state': BreakerStateEvent;
  }
}

/**
 * A circuit changed state during a call. Changes made by hand (`isolate`, `reset`) happen outside
 * any call, so they reach `onStateChange` only.
 */
export interface BreakerStateEvent extends EventBase {
  readonly type: 'breaker.state';
  readonly source: 'breaker';
  readonly from: CircuitState;
  readonly to: CircuitState;
  /** The breaker key (by default the call's `key`). */
  readonly breakerKey: string;
  /** For `open`: how long until a probe may go, in ms. */
  readonly retryAfterMs: number | undefined;
  /** For `open`: the failure that opened it. */
  readonly category: Category | undefined;
  readonly errorReason: Reason | undefined;
  readonly status: number | undefined;
}

/** What `onStateChange` receives. */
export interface StateChangeArgs {
  readonly key: string;
  readonly from: CircuitState;
  readonly to: CircuitState;
  /** For `open`: how long until a probe may go, in ms. */
  readonly retryAfterMs: number | undefined;
  /** `manual` for `isolate`/`reset`, otherwise `call`. */
  readonly cause: 'call' | 'manual';
}
