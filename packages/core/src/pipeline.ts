import { abortReason } from './abort.ts';
import { sendAttempt } from './attempt.ts';
import { type Clock, realClock } from './clock.ts';
import { type CallContext, createContext, type EventSink, sinkOf } from './context.ts';
import type { EventListener, ResilienceEvent } from './events.ts';
import { describeFailure } from './hooks.ts';
import { clockRule, fn as fnRule, nearest, optionError, readOptions, string } from './options.ts';
import { showValue } from './show-value.ts';

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
  /** Aborts the call, and every wait inside it. An already-aborted signal runs nothing. */
  signal?: AbortSignal;
  /** Partition for keyed state (breakers, buckets, budgets). @default the pipeline's `keyBy`, else 'default' */
  key?: string;
  /** Business tags. @default {} */
  tags?: Readonly<Record<string, string>>;
  /** What is being sent (an OpenAI request body); becomes `ctx.request`. */
  request?: unknown;
  /** Overrides the pipeline's clock for this call. */
  clock?: Clock;
  /**
   * Entries to seed the call's `meta` with: what a caller that knows more tells the policies (the
   * openai adapter describes the request with `callInfoMeta`).
   */
  meta?: Iterable<readonly [symbol, unknown]>;
}

/** What a pipeline's `keyBy` sees of a call. */
export interface KeyByArgs {
  readonly request: unknown;
  readonly tags: Readonly<Record<string, string>>;
}

/** Options of {@link pipeline} given through {@link Pipeline.with}. */
export interface PipelineOptions {
  /** Reported in every event as `pipeline`. @default 'pipeline' */
  name?: string;
  /** @default realClock */
  clock?: Clock;
  /**
   * The partition key of a call that `execute` gives none: the one place keys come from, so the
   * breaker, the limiter and the retry budget always partition calls the same way. A throw or a
   * non-string falls back to `'default'` (with a `hook.failed` event).
   * @default () => 'default'
   */
  keyBy?: (args: KeyByArgs) => string;
}

const pipelineSchema = {
  name: string({ default: 'pipeline' }),
  clock: clockRule({ default: realClock }),
  keyBy: fnRule<(args: KeyByArgs) => string>(),
};

/** A composed stack of middlewares. It is itself a middleware, so pipelines nest. */
export interface Pipeline extends Middleware {
  readonly middlewares: readonly Middleware[];
  readonly options: Readonly<PipelineOptions & { name: string; clock: Clock }>;
  /** Runs `fn` through every middleware, first = outermost. */
  execute<T>(fn: (ctx: CallContext) => Promise<T>, options?: ExecuteOptions): Promise<T>;
  /** Subscribes to the events of every call through this pipeline; returns the unsubscribe function. */
  on(listener: EventListener): () => void;
  /** The same middlewares with other options (name, clock, keyBy); listeners are not copied. */
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
    throw optionError({ owner: 'defineMiddleware', path: 'name' }, 'a non-empty string', name);
  }
  if (typeof fn !== 'function')
    throw optionError({ owner: 'defineMiddleware', path: 'fn' }, 'a function', fn);
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
      throw optionError(
        { owner: 'pipeline', path: `middleware at index ${index}` },
        'a middleware function',
        mw,
      );
    }
  });
  const middlewares = Object.freeze([...input]);
  const options = Object.freeze(readOptions('pipeline', init, pipelineSchema));
  const { keyBy } = options;
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
    const problem = checkExecute(fn, opts);
    if (problem) return Promise.reject(problem);
    const signal = opts.signal ?? neverAborted;
    if (signal.aborted) return Promise.reject(abortReason(signal));
    const sink: EventSink = (event) => {
      if (listeners.size > 0) notify({ ...event, pipeline: options.name } as ResilienceEvent);
    };
    const tags = Object.freeze({ ...(opts.tags ?? {}) });
    let key = opts.key;
    let keyByError: unknown;
    if (key === undefined && keyBy !== undefined) {
      try {
        const chosen: unknown = keyBy({ request: opts.request, tags });
        if (typeof chosen === 'string' && chosen !== '') key = chosen;
        else keyByError = new TypeError(`keyBy returned ${showValue(chosen)}, not a non-empty string`);
      } catch (error) {
        keyByError = error;
      }
    }
    const ctx = createContext(
      {
        signal,
        attempt: 1,
        key: key ?? 'default',
        tags,
        meta: opts.meta === undefined ? new Map() : new Map(opts.meta),
        clock: opts.clock ?? options.clock,
        request: opts.request,
        deadline: undefined,
      },
      sink,
    );
    if (keyByError !== undefined) {
      ctx.emit({
        type: 'hook.failed',
        source: options.name,
        hook: 'keyBy',
        error: describeFailure(keyByError),
      });
    }
    // The attempt leaves here: after every wait, so an abort or a gate that closed meanwhile
    // (the breaker's circuit opened) stops it before anything is sent.
    const send = async (current: CallContext): Promise<T> => {
      if (current.signal.aborted) throw abortReason(current.signal);
      return sendAttempt(current, fn);
    };
    return run(ctx, send);
  };

  Object.defineProperties(self, {
    name: { value: options.name },
    middlewares: { value: middlewares },
    options: { value: options },
    execute: { value: execute },
    on: {
      value: (listener: EventListener) => {
        if (typeof listener !== 'function')
          throw optionError({ owner: 'on', path: 'listener' }, 'a function', listener);
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
    },
    with: {
      value: (more: PipelineOptions) => {
        // Spreading null, a number or an array would silently change nothing.
        if (more !== undefined && (more === null || typeof more !== 'object' || Array.isArray(more)))
          throw optionError({ owner: 'pipeline', path: '' }, 'an object', more);
        return compose(middlewares, { ...options, ...more });
      },
    },
  });
  return self;
}

const EXECUTE_OPTIONS = ['signal', 'key', 'tags', 'request', 'clock', 'meta'];

function checkExecute(fn: unknown, opts: ExecuteOptions): TypeError | undefined {
  const at = (path: string) => ({ owner: 'execute', path });
  if (typeof fn !== 'function') return optionError(at('fn'), 'a function', fn);
  if (opts === null || typeof opts !== 'object' || Array.isArray(opts))
    return optionError(at(''), 'an object', opts);
  for (const name in opts) {
    if (EXECUTE_OPTIONS.includes(name) || (opts as Record<string, unknown>)[name] === undefined) continue;
    const near = nearest(name, EXECUTE_OPTIONS);
    const shown = showValue((opts as Record<string, unknown>)[name]);
    return new TypeError(
      `execute: ${name} is not an option${near ? ` (did you mean ${near}?)` : ''}, got ${shown}`,
    );
  }
  const { key, tags, signal, clock, meta } = opts;
  if (meta !== undefined && !isMeta(meta))
    return optionError(at('meta'), 'an iterable of [symbol, value] pairs', meta);
  if (key !== undefined && (typeof key !== 'string' || key === '')) {
    return optionError(at('key'), 'a non-empty string', key);
  }
  if (signal !== undefined && !(signal instanceof AbortSignal))
    return optionError(at('signal'), 'an AbortSignal', signal);
  if (tags !== undefined) {
    if (tags === null || typeof tags !== 'object' || Array.isArray(tags))
      return optionError(at('tags'), 'an object of strings', tags);
    for (const [name, value] of Object.entries(tags)) {
      if (typeof value !== 'string') return optionError(at(`tags.${name}`), 'a string', value);
    }
  }
  if (clock !== undefined && !isClock(clock))
    return optionError(at('clock'), 'a clock (now, sleep, schedule)', clock);
  return undefined;
}

function isMeta(value: unknown): boolean {
  if (
    value === null ||
    typeof value !== 'object' ||
    typeof (value as Iterable<unknown>)[Symbol.iterator] !== 'function'
  ) {
    return false;
  }
  for (const entry of value as Iterable<unknown>) {
    if (!Array.isArray(entry) || typeof entry[0] !== 'symbol') return false;
  }
  return true;
}

function isClock(value: unknown): boolean {
  const c = value as Clock | null;
  return (
    c !== null &&
    typeof c === 'object' &&
    typeof c.now === 'function' &&
    typeof c.schedule === 'function' &&
    typeof c.sleep === 'function'
  );
}
