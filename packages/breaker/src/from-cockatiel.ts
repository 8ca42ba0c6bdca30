import { type CallContext, defineMiddleware, type Middleware, type Next, withContext } from '@unfazed/core';
import { optionError, readOptions, string } from '@unfazed/core/internal';

/** What a cockatiel policy hands the function it runs: its signal, and a retry's attempt (0 first). */
export interface CockatielContext {
  readonly signal: AbortSignal;
  readonly attempt?: number;
}

/**
 * Any cockatiel policy (`retry`, `circuitBreaker`, `timeout`, `bulkhead`, `fallback`, `wrap(...)`),
 * described by its shape (`IPolicy`'s `execute`), so this package needs no cockatiel.
 */
export interface CockatielPolicy {
  execute<T>(fn: (context: CockatielContext) => PromiseLike<T> | T, signal?: AbortSignal): Promise<unknown>;
}

/** Options of {@link fromCockatiel}. */
export interface FromCockatielOptions {
  /** Names the middleware (stack traces, misuse errors). @default 'fromCockatiel' */
  name?: string;
}

const schema = { name: string({ default: 'fromCockatiel' }) };

/**
 * Runs a cockatiel policy as a middleware: the rest of the pipeline is the function it executes.
 * The call's signal goes in (cockatiel's timeout adds its own, which the rest of the pipeline then
 * sees), errors come out unchanged (cockatiel's own too: `BrokenCircuitError`,
 * `TaskCancelledError`), and each cockatiel retry is a new `ctx.attempt`.
 *
 * @example
 * import { ExponentialBackoff, handleAll, retry } from 'cockatiel';
 * const p = pipeline(fromCockatiel(retry(handleAll, { maxAttempts: 2, backoff: new ExponentialBackoff() })));
 */
export function fromCockatiel(policy: CockatielPolicy, options?: FromCockatielOptions): Middleware {
  const { name } = readOptions('fromCockatiel', options, schema);
  if (policy === null || typeof policy !== 'object' || typeof policy.execute !== 'function') {
    throw optionError(
      { owner: 'fromCockatiel', path: 'policy' },
      'a cockatiel policy (an object with execute)',
      policy,
    );
  }
  return defineMiddleware(name, function fromCockatiel<T>(ctx: CallContext, next: Next<T>): Promise<T> {
    return policy.execute(
      ({ signal, attempt }) =>
        next(withContext(ctx, { signal: signal ?? ctx.signal, attempt: ctx.attempt + (attempt ?? 0) })),
      ctx.signal,
    ) as Promise<T>;
  });
}
