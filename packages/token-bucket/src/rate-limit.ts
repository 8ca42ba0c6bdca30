import { classify, parseRateLimitHeaders, type RateLimitInfo } from '@unfazed/classify';
import {
  type CallContext,
  defineMiddleware,
  lastResponse,
  type Middleware,
  remainingTime,
  throwIfAborted,
} from '@unfazed/core';
import { RateLimitWaitTooLongError, RequestTooLargeError } from './errors.ts';
import './events.ts';
import { LearnedLimits } from './learned-limits.ts';
import { type RateLimitOptions, resolveOptions } from './options.ts';
import { refundOnFailure, usageOfResult, usedTokens } from './outcome.ts';
import type { AcquireInput, Cost, SettleInput, StoreEvent, WaitReason } from './store.ts';
import { WaiterQueues } from './waiter-queue.ts';

/**
 * Keeps calls under a requests-per-minute and a tokens-per-minute limit per `ctx.key`, before
 * the server has to refuse them. Each call reserves its cost in both dimensions at once (or
 * waits, FIFO, up to `maxWaitMs`), then the reservation is corrected from the answer's `usage`,
 * the server's `x-ratelimit-*` headers lower the local view, and a 429 pauses the key for every
 * caller. With `redisStore`, all of it is shared between processes.
 *
 * @example
 * const limited = pipeline(rateLimit({ rpm: 500, tpm: 30_000 }));
 * const body = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hi' }], max_tokens: 50 };
 * const answer = await limited.execute(
 *   async (ctx) => {
 *     const { data, response } = await client.chat.completions.create(body, { signal: ctx.signal }).withResponse();
 *     recordResponse(ctx, { status: response.status, headers: response.headers, usage: data.usage });
 *     return data;
 *   },
 *   { request: body, key: 'gpt-4o-mini' },
 * );
 */
export function rateLimit(options: RateLimitOptions): Middleware {
  const o = resolveOptions(options);
  const { name: source, store } = o;
  const limits = new LearnedLimits(o.spec, o.burst, o.windowMs);

  const storeEvents = (ctx: CallContext) => (event: StoreEvent) => {
    if (event.type === 'fallback') {
      const error = event.error instanceof Error ? event.error.message : String(event.error);
      ctx.emit({
        type: 'rate-limit.store-fallback',
        source,
        mode: event.mode,
        error,
        processes: event.processes,
      });
    } else ctx.emit({ type: 'rate-limit.store-recovered', source, downMs: event.downMs });
  };
  const acquireInput = (ctx: CallContext, cost: Cost, maxWaitMs = 0): AcquireInput => {
    const now = ctx.clock.now();
    return {
      key: ctx.key,
      cost,
      spec: limits.specFor(ctx.key, now),
      now,
      maxWaitMs,
      onEvent: storeEvents(ctx),
    };
  };
  const settle = async (ctx: CallContext, input: Omit<SettleInput, 'key' | 'spec' | 'now' | 'onEvent'>) => {
    try {
      const now = ctx.clock.now();
      await store.settle({
        ...input,
        key: ctx.key,
        spec: limits.specFor(ctx.key, now),
        now,
        onEvent: storeEvents(ctx),
      });
    } catch {
      // A store must not throw from settle; if one does, the call's outcome still stands.
    }
  };
  const tooLong = (ctx: CallContext, cost: Cost, retryAfterMs: number, maxWaitMs: number) => {
    ctx.emit({ type: 'rate-limit.reject', source, reason: 'wait', retryAfterMs, ...cost });
    return new RateLimitWaitTooLongError({ retryAfterMs, maxWaitMs, key: ctx.key });
  };

  const queues = new WaiterQueues({
    // The head reserves: charged now for the moment its cost is available, within its deadline.
    acquire: (w) => store.acquire(acquireInput(w.ctx, w.cost, Math.max(0, w.deadline - w.ctx.clock.now()))),
    release: (w) => void settle(w.ctx, { refund: w.cost }),
    tooLong: (w, retryAfterMs) =>
      tooLong(w.ctx, w.cost, retryAfterMs, Math.max(0, w.deadline - w.ctx.clock.now())),
  });

  const acquire = async (ctx: CallContext, cost: Cost): Promise<void> => {
    const allowed = Math.min(o.maxWaitMs, remainingTime(ctx));
    const pending = queues.pendingWait(ctx.key, ctx.clock.now());
    let firstWaitMs = 0;
    let reason: WaitReason = 'requests';
    if (pending === undefined) {
      const result = await store.acquire(acquireInput(ctx, cost));
      if (result.admitted) {
        if (ctx.signal.aborted) {
          await settle(ctx, { refund: cost });
          throwIfAborted(ctx.signal);
        }
        return;
      }
      if (result.waitMs > allowed) throw tooLong(ctx, cost, result.waitMs, allowed);
      throwIfAborted(ctx.signal);
      firstWaitMs = result.waitMs;
      reason = result.reason;
      ctx.emit({
        type: 'rate-limit.wait',
        source,
        waitMs: result.waitMs,
        reason: result.reason,
        queued: queues.size(ctx.key) + 1,
        ...cost,
      });
    } else {
      if (pending.waitMs > allowed) throw tooLong(ctx, cost, pending.waitMs, allowed);
      const queued = queues.size(ctx.key) + 1;
      ctx.emit({
        type: 'rate-limit.wait',
        source,
        waitMs: pending.waitMs,
        reason: pending.reason,
        queued,
        ...cost,
      });
    }
    return queues.wait({ ctx, cost, deadline: ctx.clock.now() + allowed }, firstWaitMs, reason);
  };

  return defineMiddleware(source, async function rateLimitMiddleware<
    T,
  >(ctx: CallContext, next: (ctx: CallContext) => Promise<T>): Promise<T> {
    throwIfAborted(ctx.signal);
    const cost: Cost = { requests: 1, tokens: 0 };
    if (o.estimate) {
      const estimate = await o.estimate(ctx.request, ctx);
      if (typeof estimate !== 'number' || !Number.isFinite(estimate) || estimate < 0) {
        throw new TypeError(`rateLimit: estimate must return a finite number >= 0, got ${String(estimate)}`);
      }
      cost.tokens = Math.ceil(estimate);
      const spec = limits.specFor(ctx.key, ctx.clock.now());
      if (spec.tokens && cost.tokens > spec.tokens.limit) {
        ctx.emit({ type: 'rate-limit.reject', source, reason: 'too-large', ...cost });
        throw new RequestTooLargeError({
          dimension: 'tokens',
          cost: cost.tokens,
          limit: spec.tokens.limit,
          key: ctx.key,
        });
      }
    }
    await acquire(ctx, cost);
    let result: T;
    try {
      result = await next(ctx);
    } catch (err) {
      await afterFailure(ctx, cost, err);
      throw err;
    }
    await afterSuccess(ctx, cost, result);
    return result;
  });

  function learn(ctx: CallContext, headers: RateLimitInfo): void {
    const learned = limits.learn(ctx.key, headers, ctx.clock.now());
    if (learned) ctx.emit({ type: 'rate-limit.limits', source, ...learned });
  }

  async function afterSuccess(ctx: CallContext, cost: Cost, result: unknown): Promise<void> {
    const info = lastResponse(ctx);
    const used = o.spec.tokens ? usedTokens(info?.usage ?? usageOfResult(result)) : undefined;
    const headers = o.learnFromHeaders && info?.headers ? parseRateLimitHeaders(info.headers) : undefined;
    if (headers) learn(ctx, headers);
    const remaining = headers && remainingOf(headers);
    const refundTokens = used === undefined ? 0 : cost.tokens - used;
    if (refundTokens === 0 && remaining === undefined) return;
    await settle(ctx, { refund: { requests: 0, tokens: refundTokens }, remaining });
    ctx.emit({
      type: 'rate-limit.reconcile',
      source,
      outcome: 'success',
      reservedTokens: cost.tokens,
      ...(used === undefined ? {} : { usedTokens: used }),
      refundedTokens: refundTokens,
      refundedRequests: 0,
      ...remainingFields(remaining),
    });
  }

  async function afterFailure(ctx: CallContext, cost: Cost, err: unknown): Promise<void> {
    const c = classify(err, { now: ctx.clock.now() });
    const policy = refundOnFailure(err, c);
    const refund = {
      requests: policy === 'all' ? cost.requests : 0,
      tokens: policy === 'none' ? 0 : cost.tokens,
    };
    const headers = o.learnFromHeaders ? c.rateLimit : undefined;
    if (headers) learn(ctx, headers);
    const remaining = headers && remainingOf(headers);
    let cooldownMs: number | undefined;
    if (c.status === 429 && c.reason.startsWith('rate_limit')) {
      cooldownMs = c.retryAfterMs ?? o.cooldownMs;
      ctx.emit({
        type: 'rate-limit.cooldown',
        source,
        cooldownMs,
        from: c.retryAfterMs === undefined ? 'default' : 'server',
        reason: c.reason,
      });
    }
    if (refund.requests === 0 && refund.tokens === 0 && remaining === undefined && !cooldownMs) return;
    await settle(ctx, { refund, remaining, cooldownMs });
    ctx.emit({
      type: 'rate-limit.reconcile',
      source,
      outcome: 'failure',
      reservedTokens: cost.tokens,
      refundedTokens: refund.tokens,
      refundedRequests: refund.requests,
      ...remainingFields(remaining),
    });
  }
}

type Remaining = { requests?: number | undefined; tokens?: number | undefined };

function remainingOf(info: { remainingRequests?: number; remainingTokens?: number }): Remaining | undefined {
  if (info.remainingRequests === undefined && info.remainingTokens === undefined) return undefined;
  return { requests: info.remainingRequests, tokens: info.remainingTokens };
}

function remainingFields(remaining: Remaining | undefined): {
  remainingRequests?: number;
  remainingTokens?: number;
} {
  const fields: { remainingRequests?: number; remainingTokens?: number } = {};
  if (remaining?.requests !== undefined) fields.remainingRequests = remaining.requests;
  if (remaining?.tokens !== undefined) fields.remainingTokens = remaining.tokens;
  return fields;
}
