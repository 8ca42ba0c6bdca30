import {
  type Attributes,
  type Counter,
  createNoopMeter,
  type Gauge,
  type Histogram,
  type Meter,
  ValueType,
} from '@opentelemetry/api';
import type { CardinalityGuard } from './cardinality.ts';
import { DURATION_BUCKETS, METRICS, TOKEN_BUCKETS, WAIT_BUCKETS } from './names.ts';

type Name = (typeof METRICS)[keyof typeof METRICS];

/**
 * Every instrument telemetry() records on, made once per meter. Each write passes the cardinality
 * guard first. On the API's no-op meter (no SDK installed) `noop` is true and callers skip the
 * work of building attributes at all.
 */
export class Instruments {
  readonly noop: boolean;
  readonly #guard: CardinalityGuard;
  readonly #counters = new Map<Name, Counter>();
  readonly #histograms = new Map<Name, Histogram>();
  readonly #gauges = new Map<Name, Gauge>();

  constructor(meter: Meter, guard: CardinalityGuard) {
    this.noop = meter === createNoopMeter();
    this.#guard = guard;
    const histogram = (
      name: Name,
      unit: string,
      description: string,
      buckets: readonly number[],
      int = false,
    ) =>
      this.#histograms.set(
        name,
        meter.createHistogram(name, {
          unit,
          description,
          valueType: int ? ValueType.INT : ValueType.DOUBLE,
          advice: { explicitBucketBoundaries: [...buckets] },
        }),
      );
    const counter = (name: Name, unit: string, description: string) =>
      this.#counters.set(name, meter.createCounter(name, { unit, description, valueType: ValueType.INT }));
    const gauge = (name: Name, unit: string, description: string) =>
      this.#gauges.set(name, meter.createGauge(name, { unit, description, valueType: ValueType.INT }));

    histogram(METRICS.duration, 's', 'GenAI operation duration.', DURATION_BUCKETS);
    histogram(METRICS.tokenUsage, '{token}', 'Number of input and output tokens used.', TOKEN_BUCKETS, true);
    histogram(
      METRICS.timeToFirstChunk,
      's',
      'Time from the call starting to the first chunk of its streamed answer.',
      DURATION_BUCKETS,
    );
    histogram(METRICS.limiterWait, 's', 'Expected wait of calls queued for quota.', WAIT_BUCKETS);
    counter(METRICS.calls, '{call}', 'Logical calls, by outcome and failure reason.');
    counter(METRICS.attempts, '{attempt}', 'Attempts sent (every retry is one more).');
    counter(METRICS.retries, '{retry}', 'Retries scheduled, by where their delay came from.');
    counter(METRICS.giveUps, '{call}', 'Calls retry() stopped retrying, by why (exhausted, budget, …).');
    counter(METRICS.breakerTransitions, '{transition}', 'Circuit state changes.');
    counter(METRICS.limiterRejections, '{call}', 'Calls the rate limiter refused at once.');
    counter(METRICS.limiterCooldowns, '{cooldown}', 'Server 429s that paused every caller of a key.');
    counter(METRICS.bulkheadRejections, '{call}', 'Calls the bulkhead refused.');
    counter(METRICS.fallbacks, '{fallback}', 'Fallbacks taken: a stand-in answer or another model.');
    counter(METRICS.hookFailures, '{failure}', 'User hooks that threw, rejected or answered nonsense.');
    gauge(METRICS.breakerState, '1', '1 for the state a circuit is in, 0 for the others.');
    gauge(METRICS.remainingRequests, '{request}', 'x-ratelimit-remaining-requests of the latest answer.');
    gauge(METRICS.remainingTokens, '{token}', 'x-ratelimit-remaining-tokens of the latest answer.');
  }

  add(name: Name, value: number, attributes: Attributes): void {
    this.#counters.get(name)?.add(value, this.#guard.admit(name, attributes));
  }

  record(name: Name, value: number, attributes: Attributes): void {
    this.#histograms.get(name)?.record(value, this.#guard.admit(name, attributes));
  }

  set(name: Name, value: number, attributes: Attributes): void {
    this.#gauges.get(name)?.record(value, this.#guard.admit(name, attributes));
  }
}
