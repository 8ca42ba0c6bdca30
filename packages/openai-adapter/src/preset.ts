import { type RetryOptions, retry, type TimeoutOptions, timeout } from '@unfazed/backoff';
import { type BreakerOptions, type BulkheadOptions, breaker, bulkhead } from '@unfazed/breaker';
import {
  type Clock,
  type EventListener,
  type Middleware,
  type Pipeline,
  pipeline,
  realClock,
} from '@unfazed/core';
import { clockRule, fn, optionError, type Resolved, readOptions, rule, string } from '@unfazed/core/internal';
import { type RateLimitOptions, rateLimit } from '@unfazed/token-bucket';
import { type ModelFallbackOptions, modelFallback } from './model-fallback.ts';

/** One stage of the preset: its own options, `false` to leave it out, or a middleware to use instead. */
export type Stage<O> = O | false | Middleware;

/** The stages of the recommended pipeline, outermost first, and what configures each. */
export interface StageOptions {
  /** Put `telemetry({...})` of `@unfazed/telemetry` here. @default none */
  telemetry?: Middleware | false;
  /** Model fallback: `{ models: { 'gpt-4o': ['gpt-4o-mini'] } }`. @default none */
  fallback?: Stage<ModelFallbackOptions>;
  /** @default retry(): 3 retries of transient and network failures, exponential backoff with full jitter, server hints honoured, a retry budget */
  retry?: Stage<RetryOptions>;
  /** @default breaker(): per model, opens on an outage (5 failures in a row and half of the last 10 s), one probe after 30 s */
  breaker?: Stage<BreakerOptions>;
  /** @default rateLimit(): no limits configured; each model's limits and window are learned from the server's x-ratelimit-* headers */
  rateLimit?: Stage<RateLimitOptions>;
  /** @default none */
  bulkhead?: Stage<BulkheadOptions>;
  /**
   * Per attempt, until the answer's headers (streams: only until then). Raise it for long
   * non-streaming generations and reasoning models.
   * @default { ms: 60_000 }
   */
  timeout?: Stage<TimeoutOptions>;
  /** Where every stage gets its time (tests; compressed-time benches). @default realClock */
  clock?: Clock;
  /** The pipeline's name in events. @default 'openai' */
  name?: string;
  /** Receives every event of every call. */
  onEvent?: EventListener;
}

/** The stages, by name, as built. */
export type Stages = Partial<
  Record<'telemetry' | 'fallback' | 'retry' | 'breaker' | 'rateLimit' | 'bulkhead' | 'timeout', Middleware>
>;

const stage = (words: string) =>
  rule<unknown>(`${words}, false, or a middleware`, (value, place) => {
    if (
      value === false ||
      typeof value === 'function' ||
      (value !== null && typeof value === 'object' && !Array.isArray(value))
    ) {
      return value;
    }
    throw optionError(place, `${words}, false, or a middleware`, value);
  });

export const stageSchema = {
  telemetry: rule<Middleware | false>('a middleware (telemetry()) or false', (value, place) => {
    if (value === false || typeof value === 'function') return value as Middleware | false;
    throw optionError(place, 'a middleware (telemetry()) or false', value);
  }),
  fallback: stage('model fallback options ({ models })'),
  retry: stage('retry options'),
  breaker: stage('breaker options'),
  rateLimit: stage('rateLimit options'),
  bulkhead: stage('bulkhead options ({ limit })'),
  timeout: stage('timeout options ({ ms })'),
  clock: clockRule({ default: realClock }),
  name: string({ default: 'openai' }),
  onEvent: fn<EventListener>(),
};

/**
 * The recommended pipeline for OpenAI calls, outermost first:
 * `telemetry → fallback → retry → breaker → rateLimit → bulkhead → timeout`. Retry sits outside the
 * breaker and the limiter, so every attempt is counted and pays for its quota; an open circuit
 * fails fast without spending quota; a call waiting for quota holds no bulkhead slot; the timeout
 * bounds one attempt. With no options every stage has its defaults and limits are learned from the
 * server: nothing to pick by hand.
 *
 * @example
 * import { resilientFetch, resilientPipeline } from '@unfazed/openai-adapter';
 * import { createOpenAI } from '@ai-sdk/openai';
 * const openai = createOpenAI({ fetch: resilientFetch(resilientPipeline()) });
 */
export function resilientPipeline(options?: StageOptions): Pipeline {
  return buildPipeline(readOptions('resilientPipeline', options, stageSchema)).pipeline;
}

/** Builds the stages from read options; also used by createResilientClient. */
export function buildPipeline(
  o: Resolved<typeof stageSchema>,
  keyOf?: (request: Record<string, unknown>) => string,
): { pipeline: Pipeline; stages: Stages } {
  const { clock } = o;
  const make = <O>(value: unknown, build: (options: O) => Middleware, fallbackOptions?: O) => {
    if (value === false) return undefined;
    if (typeof value === 'function') return value as Middleware;
    if (value === undefined) return fallbackOptions === undefined ? undefined : build(fallbackOptions);
    return build(value as O);
  };
  const stages: Stages = {
    telemetry: o.telemetry === false ? undefined : (o.telemetry as Middleware | undefined),
    fallback: make<ModelFallbackOptions>(o.fallback, (f) => modelFallback(f, keyOf)),
    retry: make<RetryOptions>(o.retry, (r) => retry(r), {}),
    breaker: make<BreakerOptions>(o.breaker, (b) => breaker({ clock, ...b }), {}),
    rateLimit: make<RateLimitOptions>(o.rateLimit, (r) => rateLimit({ clock, ...r }), {}),
    bulkhead: make<BulkheadOptions>(o.bulkhead, (b) => bulkhead(b)),
    timeout: make<TimeoutOptions>(o.timeout, (t) => timeout({ ...t, ms: t.ms ?? 60_000 }), { ms: 60_000 }),
  };
  const order = ['telemetry', 'fallback', 'retry', 'breaker', 'rateLimit', 'bulkhead', 'timeout'] as const;
  const p = pipeline(...order.flatMap((name) => (stages[name] ? [stages[name]] : []))).with({
    name: o.name,
    clock,
  });
  if (o.onEvent) p.on(o.onEvent);
  for (const name of order) if (stages[name] === undefined) delete stages[name];
  return { pipeline: p, stages };
}
