import type { CallContext } from '@unfazed/core';
import { runHook, showValue } from '@unfazed/core/internal';
import { BackoffSequence, type BackoffShape } from './backoff-delay.ts';

/**
 * What a backoff is asked with before each retry: the shape of cockatiel's `IRetryBackoffContext`
 * (`attempt` is the retry about to be made, 1-based; `result.error` what the attempt failed with),
 * so a cockatiel `DelegateBackoff` reads it as it would under cockatiel's own `retry()`.
 */
export interface BackoffContext {
  readonly attempt: number;
  readonly result: { readonly error: unknown };
  readonly signal: AbortSignal;
}

/** One step of a backoff: its delay, and the next step (cockatiel's `IBackoff`). */
export interface BackoffStep {
  /** The wait before this retry, in ms. */
  readonly duration: number;
  next(context: BackoffContext): BackoffStep;
}

/**
 * Where delays come from, step by step: cockatiel's `IBackoffFactory` (`ExponentialBackoff`,
 * `ConstantBackoff`, `IterableBackoff`, `DelegateBackoff`) or your own object of the same shape.
 * Typed by shape, so `@unfazed/backoff` needs no copy of cockatiel.
 */
export interface BackoffFactory {
  next(context: BackoffContext): BackoffStep;
}

/** The delays of one call's retries, asked for only when no server hint decides the wait. */
export interface DelaySequence {
  next(ctx: CallContext, attempt: number, error: unknown): number;
}

/** The built-in shape that stands in for a backoff that broke. */
const FALLBACK: BackoffShape = { baseDelayMs: 1_000, factor: 2, maxDelayMs: 20_000, jitter: 'full' };

/**
 * Walks a user's {@link BackoffFactory} for one call. A step that throws, or whose duration is
 * not a finite number of ms >= 0, is a `hook.failed` event (hook `backoff`); the rest of that call
 * then backs off exponentially with the defaults (1 s, ×2, 20 s cap, full jitter), so a broken
 * backoff can neither fail the call nor make it retry without waiting.
 */
export class FactorySequence implements DelaySequence {
  #step: BackoffStep | undefined;
  #fallback: BackoffSequence | undefined;

  readonly factory: BackoffFactory;
  readonly source: string;
  readonly random: () => number;

  constructor(factory: BackoffFactory, source: string, random: () => number) {
    this.factory = factory;
    this.source = source;
    this.random = random;
  }

  next(ctx: CallContext, attempt: number, error: unknown): number {
    if (this.#fallback === undefined) {
      const context: BackoffContext = { attempt, result: { error }, signal: ctx.signal };
      const duration = runHook(ctx, this.source, 'backoff', () => this.#advance(context), undefined);
      if (typeof duration === 'number') return duration;
      this.#fallback = new BackoffSequence(FALLBACK, this.random);
    }
    return this.#fallback.next();
  }

  #advance(context: BackoffContext): number {
    const step = this.#step === undefined ? this.factory.next(context) : this.#step.next(context);
    const duration = (step as BackoffStep | null | undefined)?.duration;
    if (typeof duration !== 'number' || !Number.isFinite(duration) || duration < 0) {
      throw new TypeError(`the backoff's duration is ${showValue(duration)}, not a finite number of ms >= 0`);
    }
    this.#step = step;
    return Math.ceil(duration);
  }
}
