import {
  type CallContext,
  type Cancel,
  defineMiddleware,
  type EventBase,
  type Middleware,
  type Next,
  onAbort,
  remainingTime,
} from '@unfazed/core';
import { BulkheadFullError, type BulkheadRejection } from './errors.ts';

declare module '@unfazed/core' {
  interface ResilienceEventMap {
    'bulkhead.queued': BulkheadEvent<'bulkhead.queued'>;
    'bulkhead.rejected': BulkheadEvent<'bulkhead.rejected'>;
  }
}

/** A call had to queue for a slot (`bulkhead.queued`) or was refused (`bulkhead.rejected`). */
export interface BulkheadEvent<T extends 'bulkhead.queued' | 'bulkhead.rejected'> extends EventBase {
  readonly type: T;
  readonly source: 'bulkhead';
  /** Calls holding a slot. */
  readonly active: number;
  /** Calls waiting, this one included when queued. */
  readonly queued: number;
  readonly limit: number;
  /** For `bulkhead.rejected`: why. */
  readonly reason: BulkheadRejection | undefined;
}

/** Options of {@link bulkhead}. */
export interface BulkheadOptions {
  /** Calls allowed in flight at once. */
  limit: number;
  /** Calls that may wait for a slot, first in first out; more are refused at once. @default 0 */
  queue?: number;
}

interface Waiter {
  grant: () => void;
  done: boolean;
}

/**
 * Bounds concurrency: at most `limit` calls run at once, up to `queue` more wait in order, and the
 * rest fail at once with a `BulkheadFullError`. A waiting call leaves the queue as soon as its
 * signal aborts (rejecting with the abort reason) or its `ctx.deadline` passes (`BulkheadFullError`
 * with reason `deadline`), and holds nothing while it waits.
 *
 * @example
 * const p = pipeline(retry(), breaker(), bulkhead({ limit: 8, queue: 100 }), timeout({ ms: 30_000 }));
 */
export function bulkhead(options: BulkheadOptions): Middleware {
  const limit = options?.limit;
  if (!(Number.isInteger(limit) && limit >= 1)) {
    throw new TypeError(`bulkhead: limit must be an integer >= 1, got ${String(limit)}`);
  }
  const queue = options.queue ?? 0;
  if (!(Number.isInteger(queue) && queue >= 0)) {
    throw new TypeError(`bulkhead: queue must be an integer >= 0, got ${String(queue)}`);
  }

  let active = 0;
  let waiting = 0;
  // FIFO with lazy removal: a waiter that gave up stays in the array, marked done, until reached.
  const waiters: Waiter[] = [];
  let head = 0;

  const release = () => {
    while (head < waiters.length) {
      const waiter = waiters[head]!;
      waiters[head++] = undefined as never;
      if (waiter.done) continue;
      waiter.grant(); // the slot passes straight to the waiter: `active` stays the same
      compact();
      return;
    }
    compact();
    active--;
  };
  const compact = () => {
    if (head === waiters.length) {
      waiters.length = 0;
      head = 0;
    } else if (head > 1024 && head * 2 > waiters.length) {
      waiters.splice(0, head);
      head = 0;
    }
  };

  const event = (type: 'bulkhead.queued' | 'bulkhead.rejected', reason?: BulkheadRejection) => ({
    type,
    source: 'bulkhead' as const,
    active,
    queued: waiting,
    limit,
    reason,
  });

  const wait = (ctx: CallContext): Promise<void> => {
    if (ctx.signal.aborted) return Promise.reject(ctx.signal.reason);
    const remaining = remainingTime(ctx);
    if (waiting >= queue || remaining <= 0) {
      const reason = waiting >= queue ? 'full' : 'deadline';
      ctx.emit(event('bulkhead.rejected', reason));
      return Promise.reject(new BulkheadFullError(limit, queue, reason));
    }
    return new Promise<void>((resolve, reject) => {
      let cancelTimer: Cancel | undefined;
      const leave = () => {
        waiter.done = true;
        waiting--;
        removeListener();
        cancelTimer?.();
      };
      const waiter: Waiter = {
        done: false,
        grant: () => {
          leave();
          resolve();
        },
      };
      const removeListener = onAbort(ctx.signal, (reason) => {
        leave();
        reject(reason);
      });
      if (remaining !== Number.POSITIVE_INFINITY) {
        cancelTimer = ctx.clock.schedule(remaining, () => {
          leave();
          ctx.emit(event('bulkhead.rejected', 'deadline'));
          reject(new BulkheadFullError(limit, queue, 'deadline'));
        });
      }
      waiters.push(waiter);
      waiting++;
      ctx.emit(event('bulkhead.queued'));
    });
  };

  return defineMiddleware('bulkhead', async function bulkhead<
    T,
  >(ctx: CallContext, next: Next<T>): Promise<T> {
    if (active < limit) active++;
    else await wait(ctx);
    try {
      return await next(ctx);
    } finally {
      release();
    }
  });
}
