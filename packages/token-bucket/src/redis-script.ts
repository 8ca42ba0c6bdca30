import { createHash } from 'node:crypto';
import { LIMITER_SCRIPT } from './lua.ts';

/**
 * The part of an ioredis client (`Redis` or `Cluster`) the store uses; any client with these
 * methods works.
 */
export interface RedisClientLike {
  evalsha(sha1: string, numkeys: number, ...args: (string | number)[]): Promise<unknown>;
  eval(script: string, numkeys: number, ...args: (string | number)[]): Promise<unknown>;
  /** ioredis's connection status; when it says the connection is down, the store does not wait for it. */
  readonly status?: string;
}

const SHA = createHash('sha1').update(LIMITER_SCRIPT).digest('hex');
const DOWN = new Set(['reconnecting', 'close', 'end']);

/** Raised when an operation outlives its timeout or the client says it is disconnected. */
export class StoreUnreachableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StoreUnreachableError';
  }
}

interface Pending {
  deadline: number;
  timeoutMs: number;
  reject: (err: unknown) => void;
}

/**
 * Operations waiting for Redis, checked by one shared, unref'd sweep timer instead of a timer
 * per operation (at tens of thousands of operations per second, timers cost more than the
 * operation). It runs only while something is pending, so an idle process keeps no timer.
 */
const pending = new Set<Pending>();
let sweeper: ReturnType<typeof setInterval> | undefined;
const SWEEP_MS = 25;

function sweep(): void {
  const now = performance.now();
  for (const op of pending) {
    if (now < op.deadline) continue;
    pending.delete(op);
    op.reject(new StoreUnreachableError(`Redis did not answer within ${op.timeoutMs} ms`));
  }
  if (pending.size === 0 && sweeper !== undefined) {
    clearInterval(sweeper);
    sweeper = undefined;
  }
}

/**
 * Runs the limiter script: EVALSHA, and EVAL once when the server does not know the script yet
 * (first use, a restart, SCRIPT FLUSH, a new cluster node). Fails within `timeoutMs` (plus at
 * most the 25 ms sweep), so a dead or stuck Redis never holds a call. This timing is real-time
 * housekeeping, as Redis lives in real time, not on the call's clock.
 */
export function runScript(
  client: RedisClientLike,
  keys: readonly string[],
  args: readonly (string | number)[],
  timeoutMs: number,
): Promise<unknown> {
  if (client.status !== undefined && DOWN.has(client.status)) {
    return Promise.reject(new StoreUnreachableError(`Redis connection is ${client.status}`));
  }
  return new Promise((resolve, reject) => {
    const op: Pending = { deadline: performance.now() + timeoutMs, timeoutMs, reject };
    pending.add(op);
    if (sweeper === undefined) {
      sweeper = setInterval(sweep, Math.min(SWEEP_MS, timeoutMs));
      sweeper.unref?.();
    }
    client.evalsha(SHA, keys.length, ...keys, ...args).then(
      (value) => {
        if (pending.delete(op)) resolve(value);
      },
      (err: unknown) => {
        if (!String((err as Error)?.message).includes('NOSCRIPT')) {
          if (pending.delete(op)) reject(err);
          return;
        }
        client.eval(LIMITER_SCRIPT, keys.length, ...keys, ...args).then(
          (value) => {
            if (pending.delete(op)) resolve(value);
          },
          (evalErr: unknown) => {
            if (pending.delete(op)) reject(evalErr);
          },
        );
      },
    );
  });
}
