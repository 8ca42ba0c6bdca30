import { REASONS, type Reason } from '@unfazed/classify';
import { classifyFailure } from '@unfazed/classify/internal';
import { type CallContext, defineMiddleware, type Middleware, type Next, withContext } from '@unfazed/core';
import { list, oneOf, optionError, readOptions, rule, string } from '@unfazed/core/internal';
import './events.ts';

/** Options of {@link modelFallback}. */
export interface ModelFallbackOptions {
  /**
   * Per model, the models to try instead, in order: `{ 'gpt-4o': ['gpt-4.1', 'gpt-4o-mini'] }`.
   * List a model with a larger context window first where `context_length_exceeded` matters.
   */
  models: Readonly<Record<string, readonly string[]>>;
  /**
   * The failures (classify reasons) that send a call to the next model: its context is too long,
   * its circuit is open, or its quota would come back too late.
   * @default ['context_length_exceeded', 'circuit_open', 'rate_limit_wait']
   */
  on?: readonly Reason[];
  /** Name in events. @default 'fallback' */
  name?: string;
}

const modelsRule = rule<Readonly<Record<string, readonly string[]>>, { required: true }>(
  'an object of model → fallback model list',
  (value, place) => {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw optionError(place, 'an object of model → fallback model list', value);
    }
    for (const [model, to] of Object.entries(value)) {
      if (!Array.isArray(to) || to.some((m) => typeof m !== 'string' || m === '')) {
        throw optionError({ ...place, path: `${place.path}.${model}` }, 'an array of model names', to);
      }
    }
    return value as Readonly<Record<string, readonly string[]>>;
  },
  { required: true },
);

const schema = {
  models: modelsRule,
  on: list(oneOf(REASONS), {
    default: ['context_length_exceeded', 'circuit_open', 'rate_limit_wait'] as readonly Reason[],
  }),
  name: string({ default: 'fallback' }),
};

/**
 * Sends a call that failed in a chosen way to another model: `context_length_exceeded` to a model
 * with a larger window, an open circuit or a quota wait too long to a sibling. Each fallback model
 * has its own key, so its own circuit and its own limits; the answer says which model served it
 * (`response.model`), and an `openai.model-switched` event says why. A cancelled call never falls
 * back. Place it outside retry (the adapter's preset does).
 *
 * @example
 * const client = createResilientClient({ fallback: { models: { 'gpt-4o': ['gpt-4o-mini'] } } });
 */
export function modelFallback(
  options: ModelFallbackOptions,
  keyOf: (request: Record<string, unknown>) => string = (r) => String(r.model),
): Middleware {
  const o = readOptions('modelFallback', options, schema);
  const on = new Set<Reason>(o.on);
  return defineMiddleware(o.name, async function modelFallback<
    T,
  >(ctx: CallContext, next: Next<T>): Promise<T> {
    try {
      return await next(ctx);
    } catch (first) {
      const request = ctx.request as Record<string, unknown> | undefined;
      const from = typeof request?.model === 'string' ? request.model : undefined;
      const candidates = from === undefined ? undefined : o.models[from];
      if (request === undefined || from === undefined || candidates === undefined) throw first;
      let error = first;
      let current = from;
      for (const to of candidates) {
        if (ctx.signal.aborted) throw error;
        const c = classifyFailure(ctx, o.name, error);
        if (!on.has(c.reason)) throw error;
        ctx.emit({
          type: 'openai.model-switched',
          source: o.name,
          from: current,
          to,
          category: c.category,
          reason: c.reason,
          status: c.status,
          code: c.code,
          requestId: c.requestId,
        });
        const switched = { ...request, model: to };
        current = to;
        try {
          return await next(withContext(ctx, { key: keyOf(switched), request: switched }));
        } catch (failure) {
          error = failure;
        }
      }
      throw error;
    }
  });
}
