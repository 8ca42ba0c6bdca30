import {
  type MeterProvider,
  metrics,
  ProxyTracerProvider,
  type Tracer,
  type TracerProvider,
  trace,
} from '@opentelemetry/api';
import { KeyedMap } from '@unfazed/core/internal';
import { CardinalityGuard } from './cardinality.ts';
import { Instruments } from './instruments.ts';
import { LogBridge } from './log-bridge.ts';
import type { ResolvedTelemetryOptions } from './options.ts';
import { type UserView, userViewer } from './user-id.ts';

const SCOPE = '@unfazed/telemetry';
// What the global API delegates to until an SDK registers: a proxy's delegate, before any is set.
const NOOP_TRACER_PROVIDER = new ProxyTracerProvider().getDelegate();

/** What one telemetry() middleware shares across its calls. */
export class Recorder {
  readonly o: ResolvedTelemetryOptions;
  readonly tracer: Tracer;
  readonly #tracerProvider: TracerProvider;
  readonly users: (id: string | undefined) => UserView;
  readonly log: LogBridge;
  /** The last circuit state seen per key, for spans (`unfazed.breaker.state`). */
  readonly breakerStates = new KeyedMap<string>({ maxKeys: 10_000, idleMs: 3_600_000 });
  /** Owns this middleware's attempt watcher in each call's meta. */
  readonly owner: symbol;
  readonly #guard: CardinalityGuard;
  #folds: { instrument: string; limit: number }[] = [];
  #provider: MeterProvider | undefined;
  #instruments: Instruments | undefined;

  constructor(o: ResolvedTelemetryOptions) {
    this.o = o;
    this.owner = Symbol(o.name);
    this.#tracerProvider = o.tracerProvider ?? trace.getTracerProvider();
    this.tracer = this.#tracerProvider.getTracer(SCOPE);
    this.users = userViewer(o.captureUser, o.userSalt ?? '', o.userBuckets);
    this.log = new LogBridge(o.logger, o.serviceName);
    this.#guard = new CardinalityGuard(o.maxAttributeSets, (instrument, limit) => {
      this.#folds.push({ instrument, limit });
      this.log.write(
        'warn',
        undefined,
        { action: 'telemetry-attributes-folded', unfazed: { instrument, limit } },
        `${instrument} reached ${limit} attribute sets: new model, feature, key and user values are recorded as "other"`,
      );
    });
  }

  /**
   * The instruments of the meter provider in force. The global one is looked up at every call, so
   * an SDK registered after telemetry() was made (a common import order) is still used.
   */
  instruments(): Instruments {
    const provider = this.o.meterProvider ?? metrics.getMeterProvider();
    if (provider !== this.#provider || this.#instruments === undefined) {
      this.#provider = provider;
      this.#instruments = new Instruments(provider.getMeter(SCOPE), this.#guard);
    }
    return this.#instruments;
  }

  /** No SDK behind the tracer (the global API's default): spans would be no-ops. */
  tracingOff(): boolean {
    const provider = this.#tracerProvider;
    return provider instanceof ProxyTracerProvider && provider.getDelegate() === NOOP_TRACER_PROVIDER;
  }

  /** Folds that happened since the last call took them, to announce as events. */
  takeFolds(): { instrument: string; limit: number }[] {
    if (this.#folds.length === 0) return this.#folds;
    const folds = this.#folds;
    this.#folds = [];
    return folds;
  }
}
