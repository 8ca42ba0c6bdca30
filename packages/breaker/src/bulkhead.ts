import {
  type CallContext,
  type Cancel,
  defineMiddleware,
  type EventBase,
  type Middleware,
  type Next,
  remainingTime,
} from '@unfazed/core';
import { integer, onAbort, readOptions, string, throwIfAborted } from '@unfazed/core/internal';
import { BulkheadFullError, type BulkheadRejection } from './errors.ts';
import { WaiterQueue } from './waiter-queue.ts';

declare module '@unfazed/core' {
  interface ResilienceEventMap {
    'bulkhead.queued': BulkheadQueuedEvent;
    'bulkhead.rejected': BulkheadRejectedEvent;
  }
}

/** A call waits for a slot. */
export interface BulkheadQueuedEvent extends EventBase {
  readonly type: 'bulkhead.queued';
  /** Calls holding a slot. */
  readonly active: number;
  /** Calls waiting, this one included. */
  readonly queued: number;
  readonly limit: number;
}

/** A call was refused a slot. */
export interface BulkheadRejectedEvent extends EventBase {
  readonly type: 'bulkhead.rejected';
  /** `full`: no slot and no room to queue; `deadline`: its `ctx.deadline` passed first. */
  readonly why: BulkheadRejection;
  readonly active: number;
  readonly queued: number;
  readonly limit: number;
}

/** Options of {@link bulkhead}. */
export interface BulkheadOptions {
  /** Names the middleware; the `source` of its events. @default 'bulkhead' */
  name?: string;
  /** Calls allowed in flight at once (required). */
  limit: number;
  /** Calls that may wait for a slot, first in first out (`Infinity`: no bound); more are refused at once. @default 0 */
  queue?: number;
}

/** A `bulkhead()` middleware; `active` and `queued` say how busy it is now. */
export interface BulkheadMiddleware extends Middleware {
  /** Calls holding a slot. */
  readonly active: number;
  /** Calls waiting for one. */
  readonly queued: number;
}

const schema = {
  name: string({ default: 'bulkhead' }),
  limit: integer({ min: 1, required: true }),
  queue: integer({ min: 0, infinity: true, default: 0 }),
};

/**
 * Bounds concurrency: at most `limit` calls run at once, up to `queue` more wait in order, and the
 * rest fail at once with a `BulkheadFullError`. A waiting call leaves the queue the moment its
 * signal aborts (rejecting with the abort reason) or its `ctx.deadline` passes (`why: 'deadline'`),
 * and holds nothing once gone; a freed slot passes straight to the next waiter.
 *
 * @example
 * const p = pipeline(retry(), breaker(), bulkhead({ limit: 8, queue: 100 }), timeout({ ms: 30_000 }));
 */
export function bulkhead(options: BulkheadOptions): BulkheadMiddleware {
  const { name, limit, queue } = readOptions('bulkhead', options, schema);
  let active = 0;
  const waiters = new WaiterQueue<() => void>();

  // A freed slot passes straight to the next waiter (`active` stays the same). A breaker outside
  // has already counted the finished call's outcome (it watches the attempt where it settles), so
  // a waiter whose circuit just opened is refused at the pipeline's gate before it leaves.
  const release = () => {
    const grant = waiters.shift();
    if (grant) grant();
    else active--;
  };

  const refuse = (ctx: CallContext, why: BulkheadRejection) => {
    ctx.emit({ type: 'bulkhead.rejected', source: name, why, active, queued: waiters.size, limit });
    return new BulkheadFullError(limit, queue, why);
  };

  const wait = (ctx: CallContext): Promise<void> => {
    const remaining = remainingTime(ctx);
    if (waiters.size >= queue) return Promise.reject(refuse(ctx, 'full'));
    if (remaining <= 0) return Promise.reject(refuse(ctx, 'deadline'));
    return new Promise<void>((resolve, reject) => {
      let cancelTimer: Cancel | undefined;
      const entry = waiters.push(() => {
        removeListener();
        cancelTimer?.();
        resolve();
      });
      const removeListener = onAbort(ctx.signal, (reason) => {
        waiters.remove(entry);
        cancelTimer?.();
        reject(reason);
      });
      if (remaining !== Number.POSITIVE_INFINITY) {
        cancelTimer = ctx.clock.schedule(remaining, () => {
          waiters.remove(entry);
          removeListener();
          reject(refuse(ctx, 'deadline'));
        });
      }
      ctx.emit({ type: 'bulkhead.queued', source: name, active, queued: waiters.size, limit });
    });
  };

  const mw = defineMiddleware(name, async function bulkhead<T>(ctx: CallContext, next: Next<T>): Promise<T> {
    throwIfAborted(ctx.signal);
    if (active < limit) active++;
    else await wait(ctx);
    try {
      return await next(ctx);
    } finally {
      release();
    }
  });
  return Object.defineProperties(mw, {
    active: { get: () => active },
    queued: { get: () => waiters.size },
  }) as BulkheadMiddleware;
}
