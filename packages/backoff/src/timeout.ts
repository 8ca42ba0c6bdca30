import {
  type CallContext,
  defineMiddleware,
  type EventBase,
  type Middleware,
  withContext,
} from '@unfazed/core';
import { duration, readOptions, string } from '@unfazed/core/internal';
import { DeadlineWheel } from './deadline-wheel.ts';
import { TimeoutError } from './errors.ts';

declare module '@unfazed/core' {
  interface ResilienceEventMap {
    'timeout.expired': TimeoutExpiredEvent;
  }
}

/** `timeout.expired`: an attempt ran out of time; its signal was aborted and it failed with a {@link TimeoutError}. */
export interface TimeoutExpiredEvent extends EventBase {
  readonly type: 'timeout.expired';
  /** The limit that ran out, in ms. */
  readonly timeoutMs: number;
}

/** Options of {@link timeout}. */
export interface TimeoutOptions {
  /** How long one attempt may run, in ms (required). */
  ms: number;
  /**
   * Attempts that start within this many ms of each other share one timer and one AbortController,
   * so an attempt may run up to `ms + precisionMs` before it is stopped (never less than `ms`).
   * @default ms / 100, between 1 and 100
   */
  precisionMs?: number;
  /** The middleware's name: its events' `source`, and what stack traces show. @default 'timeout' */
  name?: string;
}

const schema = {
  ms: duration({ above: 0, required: true }),
  precisionMs: duration(),
  name: string({ default: 'timeout' }),
};

/**
 * Bounds one attempt: after `ms` its `ctx.signal` aborts with a {@link TimeoutError} and the
 * attempt fails with that error at once, even if the wrapped function ignores its signal. Place
 * it inside `retry()` so that a slow attempt is retried. The caller's own abort still fails the
 * attempt with the caller's reason. `ctx.deadline` of the attempt is at most `ms` away.
 *
 * Costs a fraction of a microsecond per call: attempts share timers and AbortControllers (see
 * the README's design notes) instead of each making and aborting its own.
 *
 * @example
 * const p = pipeline(retry(), timeout({ ms: 30_000 }));
 * await p.execute(({ signal }) => client.chat.completions.create(body, { signal }));
 */
export function timeout(options: TimeoutOptions): Middleware {
  const { ms, precisionMs, name } = readOptions('timeout', options, schema);
  const wheel = new DeadlineWheel(ms, () => new TimeoutError(ms), precisionMs);

  return defineMiddleware(name, function timeout<
    T,
  >(ctx: CallContext, next: (ctx: CallContext) => Promise<T>) {
    return new Promise<T>((resolve, reject) => {
      let entry: ReturnType<DeadlineWheel['enter']>;
      try {
        // Throws the caller's reason when its signal already aborted: the attempt never starts.
        entry = wheel.enter(ctx.clock, ctx.signal, (reason, expired) => {
          if (!expired) return reject(reason);
          ctx.emit({ type: 'timeout.expired', source: name, timeoutMs: ms });
          reject(new TimeoutError(ms));
        });
      } catch (err) {
        reject(err);
        return;
      }
      const deadline = ctx.deadline === undefined ? entry.deadline : Math.min(ctx.deadline, entry.deadline);
      let result: Promise<T>;
      try {
        result = next(withContext(ctx, { signal: entry.signal, deadline }));
      } catch (err) {
        result = Promise.reject(err);
      }
      result.then(
        (value) => {
          entry.leave();
          resolve(value);
        },
        (err: unknown) => {
          entry.leave();
          reject(err);
        },
      );
    });
  });
}
