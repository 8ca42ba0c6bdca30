import type { Clock } from './clock.ts';
import type { EventInput, ResilienceEvent } from './events.ts';

/** What every middleware sees of a call. Derive a changed copy with {@link withContext}. */
export interface CallContext {
  /** The caller's signal combined with deadlines set inside the pipeline; every wait honours it. */
  readonly signal: AbortSignal;
  /** 1-based; `retry()` advances it. */
  readonly attempt: number;
  /** Partition for keyed state (breakers, buckets): a model, an endpoint, an API key. */
  readonly key: string;
  /** Business tags such as `user` and `feature`, carried into events and telemetry. */
  readonly tags: Readonly<Record<string, string>>;
  /** Per-call scratch space; each middleware owns the symbols it creates. */
  readonly meta: Map<symbol, unknown>;
  /** Where time comes from: real by default, virtual in tests. */
  readonly clock: Clock;
  /** What is being sent (an OpenAI request body), when the caller or the adapter gave it; the limiter estimates its cost. */
  readonly request: unknown;
  /** Absolute time (per `clock`) by which the whole call must finish, when one was set. */
  readonly deadline: number | undefined;
  /** Sends an event to the pipeline's listeners, stamped with this context's time, key, attempt and tags. */
  readonly emit: (event: EventInput) => void;
}

/** Receives a fully stamped event, minus the pipeline name, which each pipeline adds for itself. */
export type EventSink = (event: Omit<ResilienceEvent, 'pipeline'>) => void;

type Fields = Omit<CallContext, 'emit'>;

// A class rather than object spreads: a retry derives a context per attempt, and a constructor
// with fixed fields is several times cheaper than `{ ...ctx, ...changes }` twice over.
class Context implements CallContext {
  readonly signal: AbortSignal;
  readonly attempt: number;
  readonly key: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly meta: Map<symbol, unknown>;
  readonly clock: CallContext['clock'];
  readonly request: unknown;
  readonly deadline: number | undefined;
  readonly sink: EventSink;
  // An arrow field, so `const { emit } = ctx` keeps working.
  readonly emit = (event: EventInput): void => {
    this.sink({
      ...event,
      time: this.clock.now(),
      key: this.key,
      attempt: this.attempt,
      tags: this.tags,
    } as never);
  };

  constructor(fields: Fields, sink: EventSink) {
    this.signal = fields.signal;
    this.attempt = fields.attempt;
    this.key = fields.key;
    this.tags = fields.tags;
    this.meta = fields.meta;
    this.clock = fields.clock;
    this.request = fields.request;
    this.deadline = fields.deadline;
    this.sink = sink;
  }
}

/** Makes a context whose `emit` stamps events with this context's own fields and hands them to `sink`. */
export function createContext(fields: Fields, sink: EventSink): CallContext {
  return new Context(fields, sink);
}

/** The sink a context's events go to. */
export function sinkOf(ctx: CallContext): EventSink {
  return ctx instanceof Context ? ctx.sink : noSink;
}

/**
 * A copy of `ctx` with some fields replaced. The `meta` map is shared, as it belongs to the call;
 * events emitted through the copy carry the copy's attempt, key and tags.
 *
 * @example
 * return next(withContext(ctx, { attempt: ctx.attempt + 1 }));
 */
export function withContext(
  ctx: CallContext,
  changes: Partial<Omit<CallContext, 'meta' | 'emit'>>,
): CallContext {
  return new Context(
    {
      signal: changes.signal ?? ctx.signal,
      attempt: changes.attempt ?? ctx.attempt,
      key: changes.key ?? ctx.key,
      tags: changes.tags ?? ctx.tags,
      meta: ctx.meta,
      clock: changes.clock ?? ctx.clock,
      request: 'request' in changes ? changes.request : ctx.request,
      deadline: 'deadline' in changes ? changes.deadline : ctx.deadline,
    },
    sinkOf(ctx),
  );
}

/** Milliseconds left until `ctx.deadline`, or `Infinity` when there is none. */
export function remainingTime(ctx: CallContext): number {
  return ctx.deadline === undefined ? Number.POSITIVE_INFINITY : Math.max(0, ctx.deadline - ctx.clock.now());
}

function noSink(): void {}
