import { type Clock, realClock } from './clock.ts';
import { type CallContext, createContext, type EventSink, sinkOf } from './context.ts';
import type { EventListener, ResilienceEvent } from './events.ts';

/** The rest of the pipeline, as seen by one middleware. */
export type Next<T> = (ctx: CallContext) => Promise<T>;

/**
 * One policy in a pipeline. Make one with a factory returning a *named* function, so stack
 * traces and events say which policy did what.
 *
 * @example
 * const stamp = defineMiddleware('stamp', (ctx, next) =>
 *   next(withContext(ctx, { tags: { ...ctx.tags, stamped: 'yes' } })),
 * );
 */
export interface Middleware {
  <T>(ctx: CallContext, next: Next<T>): Promise<T>;
  readonly name: string;
}

/** Options of one {@link Pipeline.execute} call. */
export interface ExecuteOptions {
  /** Aborts the call, and every wait inside it. */
  signal?: AbortSignal;
  /** Partition for keyed state. @default 'default' */
  key?: string;
  /** Business tags. @default {} */
  tags?: Readonly<Record<string, string>>;
  /** What is being sent (an OpenAI request body); becomes `ctx.request`. */
  request?: unknown;
  /** Overrides the pipeline's clock for this call. */
  clock?: Clock;
}

/** Options of {@link pipeline} given through {@link Pipeline.with}. */
export interface PipelineOptions {
  /** Reported in every event as `pipeline`. @default 'pipeline' */
  name?: string;
  /** @default realClock */
  clock?: Clock;
}

/** A composed stack of middlewares. It is itself a middleware, so pipelines nest. */
export interface Pipeline extends Middleware {
  readonly middlewares: readonly Middleware[];
  readonly options: Readonly<Required<PipelineOptions>>;
  /** Runs `fn` through every middleware, first = outermost. */
  execute<T>(fn: (ctx: CallContext) => Promise<T>, options?: ExecuteOptions): Promise<T>;
  /** Subscribes to the events of every call through this pipeline; returns the unsubscribe function. */
  on(listener: EventListener): () => void;
  /** The same middlewares with other options (name, clock); listeners are not copied. */
  with(options: PipelineOptions): Pipeline;
}

const neverAborted = new AbortController().signal;

/**
 * Names a middleware function, so stack traces, events and misuse errors say which policy it is.
 *
 * @example
 * const logAttempts = defineMiddleware('logAttempts', async (ctx, next) => {
 *   ctx.emit({ type: 'attempt', source: 'logAttempts' });
 *   return next(ctx);
 * });
 */
export function defineMiddleware(
  name: string,
  fn: <T>(ctx: CallContext, next: Next<T>) => Promise<T>,
): Middleware {
  if (typeof name !== 'string' || name === '') {
    throw new TypeError(`defineMiddleware: name must be a non-empty string, got ${describe(name)}`);
  }
  if (typeof fn !== 'function')
    throw new TypeError(`defineMiddleware: fn must be a function, got ${describe(fn)}`);
  return Object.defineProperty(fn, 'name', { value: name }) as Middleware;
}

/**
 * Composes middlewares, the first given being the outermost. Validates them now, not at call
 * time, and copies the list, so changing the caller's array later changes nothing.
 *
 * @example
 * const p = pipeline(retry(), breaker(), timeout({ ms: 30_000 }));
 * const answer = await p.execute(({ signal }) => client.chat.completions.create(body, { signal }));
 */
export function pipeline(...middlewares: Middleware[]): Pipeline {
  return compose(middlewares, {});
}

function compose(input: readonly Middleware[], init: PipelineOptions): Pipeline {
  input.forEach((mw, index) => {
    if (typeof mw !== 'function') {
      throw new TypeError(`pipeline: middleware at index ${index} must be a function, got ${describe(mw)}`);
    }
  });
  const middlewares = Object.freeze([...input]);
  const options = Object.freeze({ name: init.name ?? 'pipeline', clock: init.clock ?? realClock });
  if (typeof options.name !== 'string' || options.name === '') {
    throw new TypeError(`pipeline: name must be a non-empty string, got ${describe(options.name)}`);
  }
  const listeners = new Set<EventListener>();

  const notify = (event: ResilienceEvent) => {
    for (const listener of listeners) {
      try {
        listener(event);
      } catch {
        // Observing a call must never break it.
      }
    }
  };

  const run = <T>(ctx: CallContext, last: Next<T>): Promise<T> => {
    // Async functions rather than `.finally()` chains: V8 optimises `await` on native promises,
    // and a sync throw from a middleware or the call still becomes a rejection.
    const dispatch = async (index: number, current: CallContext): Promise<T> => {
      const mw = middlewares[index];
      if (!mw) return last(current);
      let state: 'idle' | 'pending' | 'returned' = 'idle';
      const next: Next<T> = async (nextCtx) => {
        if (state !== 'idle') {
          throw new Error(
            state === 'returned'
              ? `${mw.name || 'middleware'}: next() called after the middleware returned`
              : `${mw.name || 'middleware'}: next() called again while the previous call is still pending`,
          );
        }
        if (nextCtx === undefined || nextCtx === null) {
          throw new TypeError(`${mw.name || 'middleware'}: next() needs the call context`);
        }
        state = 'pending';
        try {
          return await dispatch(index + 1, nextCtx);
        } finally {
          if (state === 'pending') state = 'idle';
        }
      };
      try {
        return await mw(current, next);
      } finally {
        state = 'returned';
      }
    };
    return dispatch(0, ctx);
  };

  const self = async function pipelineMiddleware<T>(ctx: CallContext, next: Next<T>): Promise<T> {
    // Nested: events reach this pipeline's listeners, then the enclosing pipeline's.
    if (listeners.size === 0) return run(ctx, next);
    const parent = sinkOf(ctx);
    const sink: EventSink = (event) => {
      notify({ ...event, pipeline: options.name } as ResilienceEvent);
      parent(event);
    };
    const { emit: _emit, ...fields } = ctx;
    return run(createContext(fields, sink), next);
  } as Pipeline;

  const execute = <T>(fn: (ctx: CallContext) => Promise<T>, opts: ExecuteOptions = {}): Promise<T> => {
    if (typeof fn !== 'function') {
      return Promise.reject(new TypeError(`execute: fn must be a function, got ${describe(fn)}`));
    }
    if (opts.key !== undefined && (typeof opts.key !== 'string' || opts.key === '')) {
      return Promise.reject(
        new TypeError(`execute: key must be a non-empty string, got ${describe(opts.key)}`),
      );
    }
    const sink: EventSink = (event) => {
      if (listeners.size > 0) notify({ ...event, pipeline: options.name } as ResilienceEvent);
    };
    const ctx = createContext(
      {
        signal: opts.signal ?? neverAborted,
        attempt: 1,
        key: opts.key ?? 'default',
        tags: Object.freeze({ ...(opts.tags ?? {}) }),
        meta: new Map(),
        clock: opts.clock ?? options.clock,
        request: opts.request,
        deadline: undefined,
      },
      sink,
    );
    return run(ctx, fn);
  };

  Object.defineProperties(self, {
    name: { value: options.name },
    middlewares: { value: middlewares },
    options: { value: options },
    execute: { value: execute },
    on: {
      value: (listener: EventListener) => {
        if (typeof listener !== 'function')
          throw new TypeError(`on: listener must be a function, got ${describe(listener)}`);
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
    },
    with: { value: (more: PipelineOptions) => compose(middlewares, { ...options, ...more }) },
  });
  return self;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  return typeof value;
}
