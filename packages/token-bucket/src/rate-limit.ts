import { type Classification, parseRateLimitHeaders, type RateLimitInfo } from '@unfazed/classify';
import { classifyFailure } from '@unfazed/classify/internal';
import {
  type CallContext,
  defineMiddleware,
  lastResponse,
  type Middleware,
  type Next,
  remainingTime,
} from '@unfazed/core';
import { forgetResponse, KeyedMap, raceAbort, sleepOn, throwIfAborted } from '@unfazed/core/internal';
import { costOf } from './cost.ts';
import { RateLimitWaitTooLongError, RequestTooLargeError } from './errors.ts';
import './events.ts';
import { LearnedLimits } from './learned-limits.ts';
import { type RateLimitOptions, resolveOptions } from './options.ts';
import { refundOnFailure, usageOfResult, usedTokens } from './outcome.ts';
import type { Admission, BucketSpec, Cost, KeyView, SettleInput, StoreEvent } from './store.ts';

/** What `rateLimit().state(key)` tells about a key. */
export interface RateLimitState extends KeyView {
  /** Whether the limits in force came from the server's headers (else: the configured ones). */
  readonly learned: boolean;
}

/** A `rateLimit()` middleware, with a look at a key's state. */
export interface RateLimitMiddleware extends Middleware {
  /** The limits, levels and cooldown of `key` now (per the `clock` option). */
  state(key: string): Promise<RateLimitState>;
}

/** A call that went while the key had no limits (before the server's first answer taught them). */
const NOT_CHARGED: Admission = { mark: {}, sentAt: 0 };
/**
 * How such a call's answer is reported: as if it left before everything charged since (the
 * counters start at 0 when the limits are learned) and before any other report (older than all).
 */
const FIRST_REPORT: Admission = { mark: { requests: 0, tokens: 0 }, sentAt: -1e300 };
const isEmpty = (spec: BucketSpec) => spec.requests === undefined && spec.tokens === undefined;

/**
 * Keeps calls under a requests-per-minute and a tokens-per-minute limit per `ctx.key`, before the
 * server has to refuse them, and uses all of the quota. Each call reserves its cost in both
 * dimensions at once, behind every reservation already made (in every process, with
 * `redisStore`), and learns its whole wait at once: a call that cannot be served within
 * `maxWaitMs` or its deadline fails at once. After the call, `usage` corrects the reservation and
 * the server's `x-ratelimit-*` headers set the level (in both directions, counting what was sent
 * since); with no limits configured, they are learned from the first answer. A 429 pauses the key
 * for every caller.
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
export function rateLimit(options?: RateLimitOptions): RateLimitMiddleware {
  const o = resolveOptions(options);
  const { name: source, store } = o;
  const limits = new LearnedLimits(o.configured, o.windowMs);
  // Calls in flight that went while their key had no limits yet (before the first answer taught
  // them): no counter charged them, so the first answers' `remaining` is lowered by them by hand.
  const unmetered = new KeyedMap<{ requests: number; tokens: number }>({ maxKeys: 10_000 });
  const leave = (key: string, cost: Cost) => {
    const n = unmetered.peek(key, 0);
    if (n === undefined) return;
    n.requests -= cost.requests;
    n.tokens -= cost.tokens;
    if (n.requests <= 0) unmetered.delete(key);
  };
  // `remaining` as it stands for an unmetered call's answer: less the others still unmetered in flight.
  const firstReport = (key: string, remaining: Remaining | undefined): Remaining | undefined => {
    if (remaining === undefined) return undefined;
    const n = unmetered.peek(key, 0) ?? { requests: 0, tokens: 0 };
    const less = (v: number | undefined, by: number) => (v === undefined ? undefined : v - by);
    return { requests: less(remaining.requests, n.requests), tokens: less(remaining.tokens, n.tokens) };
  };
  const mayLimitTokens = o.configured.tokens !== undefined || o.learnFromHeaders;

  const storeEvents = (ctx: CallContext) => (event: StoreEvent) => {
    if (event.type === 'fallback') {
      const error = event.error instanceof Error ? event.error.message : String(event.error);
      ctx.emit({
        type: 'rate-limit.store-failed',
        source,
        mode: event.mode,
        scope: event.scope,
        error,
        processes: event.processes,
      });
    } else ctx.emit({ type: 'rate-limit.store-recovered', source, downMs: event.downMs });
  };

  // Settles against the limits in force now (the server may have just taught them): a key's
  // counters do not depend on the spec, so marks from an earlier spec still line up.
  const settle = async (ctx: CallContext, input: Omit<SettleInput, 'key' | 'spec' | 'now' | 'onEvent'>) => {
    const now = ctx.clock.now();
    try {
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
  const giveBack = (ctx: CallContext, admission: Admission, cost: Cost) =>
    settle(ctx, { admission, refund: charged(admission, cost) });

  // Reserves the call's cost, waiting for it when it comes in time; fails at once when it cannot.
  const admit = async (ctx: CallContext, cost: Cost): Promise<Admission> => {
    const waitUntil = ctx.clock.now() + Math.min(o.maxWaitMs, remainingTime(ctx));
    for (;;) {
      const now = ctx.clock.now();
      const spec = limits.specFor(ctx.key, now);
      if (isEmpty(spec)) return NOT_CHARGED;
      const allowed = Math.max(0, waitUntil - now);
      const pending = store.acquire({
        key: ctx.key,
        cost,
        spec,
        now,
        maxWaitMs: allowed,
        onEvent: storeEvents(ctx),
      });
      let result: Awaited<typeof pending>;
      try {
        result = await raceAbort(pending, ctx.signal);
      } catch (err) {
        // Aborted while the store was asked: whatever it admits meanwhile is given back.
        pending.then(
          (late) => (late.admitted ? giveBack(ctx, late, cost) : undefined),
          () => {},
        );
        throw err;
      }
      if (!result.admitted) {
        ctx.emit({
          type: 'rate-limit.rejected',
          source,
          why: 'wait-too-long',
          retryAfterMs: result.waitMs,
          ...cost,
        });
        throw new RateLimitWaitTooLongError({
          retryAfterMs: result.waitMs,
          maxWaitMs: allowed,
          key: ctx.key,
        });
      }
      if (result.waitMs <= 0) return result;
      ctx.emit({ type: 'rate-limit.queued', source, waitMs: result.waitMs, why: result.reason, ...cost });
      try {
        await sleepOn(ctx.clock, result.waitMs, ctx.signal);
      } catch (err) {
        await giveBack(ctx, result, cost);
        throw err;
      }
      // A cooldown that began while this call slept (another caller met a 429): line up again after it.
      if (store.cooldownLeft(ctx.key, ctx.clock.now()) <= 0) return result;
      await giveBack(ctx, result, cost);
    }
  };

  const learn = (ctx: CallContext, info: RateLimitInfo | undefined) => {
    if (!o.learnFromHeaders || info === undefined) return;
    const change = limits.learn(ctx.key, info, ctx.clock.now());
    if (change) ctx.emit({ type: 'rate-limit.limits-learned', source, ...change });
  };

  const mw = defineMiddleware(source, async function rateLimit<
    T,
  >(ctx: CallContext, next: Next<T>): Promise<T> {
    throwIfAborted(ctx.signal);
    const cost = await costOf(ctx, source, o.estimate, mayLimitTokens);
    const limit = limits.specFor(ctx.key, ctx.clock.now()).tokens?.limit;
    if (limit !== undefined && cost.tokens > limit) {
      ctx.emit({ type: 'rate-limit.rejected', source, why: 'too-large', retryAfterMs: undefined, ...cost });
      throw new RequestTooLargeError({ dimension: 'tokens', cost: cost.tokens, limit, key: ctx.key });
    }
    const admission = await admit(ctx, cost);
    if (admission === NOT_CHARGED) {
      const n = unmetered.getOrCreate(ctx.key, 0, () => ({ requests: 0, tokens: 0 }));
      n.requests += cost.requests;
      n.tokens += cost.tokens;
    }
    forgetResponse(ctx);
    let result: T;
    try {
      result = await next(ctx);
    } catch (err) {
      if (admission === NOT_CHARGED) leave(ctx.key, cost);
      await afterFailure(ctx, charged(admission, cost), admission, err);
      throw err;
    }
    if (admission === NOT_CHARGED) leave(ctx.key, cost);
    await afterSuccess(ctx, charged(admission, cost), admission, result);
    return result;
  }) as RateLimitMiddleware;

  // `cost` is what was charged: only the dimensions the admission was charged in.
  async function afterSuccess(ctx: CallContext, cost: Cost, admission: Admission, result: unknown) {
    const info = lastResponse(ctx);
    const headers = o.learnFromHeaders && info?.headers ? parseRateLimitHeaders(info.headers) : undefined;
    learn(ctx, headers);
    const remaining = headers && remainingOf(headers);
    if (admission === NOT_CHARGED) {
      const first = firstReport(ctx.key, remaining);
      if (first)
        await settle(ctx, { admission: FIRST_REPORT, refund: { requests: 0, tokens: 0 }, remaining: first });
      return;
    }
    // The server's remaining tokens already say what it counted: a refund from usage would only
    // make the level believe more than the server does. Without that header, usage corrects it.
    const fromUsage = admission.mark.tokens !== undefined && remaining?.tokens === undefined;
    const usage = info?.usage ?? usageOfResult(result);
    if (usage === undefined && info?.answer !== undefined) {
      // Usage comes with the end of the body (a stream, a JSON body the SDK is reading): reconcile
      // then, in the background, so the caller is never held for it.
      if (remaining) await settle(ctx, { admission, refund: { requests: 0, tokens: 0 }, remaining });
      if (fromUsage) {
        info.answer.then(
          (summary) => reconcile(ctx, cost, admission, usedTokens(summary?.usage), undefined),
          () => {},
        );
      } else if (remaining) reconciled(ctx, cost, undefined, 0, remaining);
      return;
    }
    await reconcile(ctx, cost, admission, fromUsage ? usedTokens(usage) : undefined, remaining);
  }

  async function reconcile(
    ctx: CallContext,
    cost: Cost,
    admission: Admission,
    used: number | undefined,
    remaining: Remaining | undefined,
  ) {
    const refundTokens = used === undefined ? 0 : cost.tokens - used;
    if (refundTokens !== 0 || remaining !== undefined) {
      await settle(ctx, { admission, refund: { requests: 0, tokens: refundTokens }, remaining });
    }
    // Reported whenever the answer said something (usage or the server's view), even when it
    // matched the reservation exactly: telemetry counts checked reservations.
    if (used !== undefined || remaining !== undefined) reconciled(ctx, cost, used, refundTokens, remaining);
  }

  function reconciled(
    ctx: CallContext,
    cost: Cost,
    used: number | undefined,
    refundTokens: number,
    remaining: Remaining | undefined,
  ) {
    ctx.emit({
      type: 'rate-limit.reconciled',
      source,
      outcome: 'success',
      reservedTokens: cost.tokens,
      usedTokens: used,
      refundedTokens: refundTokens,
      refundedRequests: 0,
      remainingRequests: remaining?.requests,
      remainingTokens: remaining?.tokens,
    });
  }

  async function afterFailure(ctx: CallContext, cost: Cost, admission: Admission, err: unknown) {
    const c = classifyFailure(ctx, source, err, o.classify);
    const recorded = lastResponse(ctx)?.headers;
    const headers = o.learnFromHeaders
      ? recorded
        ? parseRateLimitHeaders(recorded)
        : c.rateLimit
      : undefined;
    learn(ctx, headers);
    const cooldownMs = cooldownOf(c, o.cooldownMs);
    if (cooldownMs !== undefined) {
      ctx.emit({
        type: 'rate-limit.cooldown-started',
        source,
        cooldownMs,
        hintSource: c.retryAfterMs === undefined ? 'default' : (c.retryAfterSource ?? 'retry-after'),
        category: c.category,
        reason: c.reason,
        status: c.status,
        code: c.code,
        requestId: c.requestId,
      });
    }
    const policy = admission === NOT_CHARGED ? 'none' : refundOnFailure(err, c);
    const refund = {
      requests: policy === 'all' ? cost.requests : 0,
      tokens: policy === 'none' ? 0 : cost.tokens,
    };
    const told = headers && remainingOf(headers);
    const remaining = admission === NOT_CHARGED ? firstReport(ctx.key, told) : told;
    if (refund.requests === 0 && refund.tokens === 0 && remaining === undefined && cooldownMs === undefined)
      return;
    await settle(ctx, {
      admission: admission === NOT_CHARGED ? FIRST_REPORT : admission,
      refund,
      remaining,
      cooldownMs,
    });
    if (admission === NOT_CHARGED) return;
    ctx.emit({
      type: 'rate-limit.reconciled',
      source,
      outcome: 'failure',
      reservedTokens: cost.tokens,
      usedTokens: undefined,
      refundedTokens: refund.tokens,
      refundedRequests: refund.requests,
      remainingRequests: remaining?.requests,
      remainingTokens: remaining?.tokens,
    });
  }

  return Object.defineProperty(mw, 'state', {
    value: async (key: string): Promise<RateLimitState> => {
      const now = o.clock.now();
      const spec = limits.specFor(key, now);
      const view = await store.inspect(key, spec, now);
      return { ...view, learned: spec !== o.configured };
    },
  });
}

/** The part of `cost` an admission was charged (a dimension not limited then was not). */
function charged(admission: Admission, cost: Cost): Cost {
  return {
    requests: admission.mark.requests === undefined ? 0 : cost.requests,
    tokens: admission.mark.tokens === undefined ? 0 : cost.tokens,
  };
}

/** A 429 that is a rate limit pauses the key: for the server's hint, else the default. */
function cooldownOf(c: Classification, fallbackMs: number): number | undefined {
  if (c.status !== 429 || c.category !== 'transient') return undefined;
  return c.retryAfterMs ?? fallbackMs;
}

type Remaining = { requests: number | undefined; tokens: number | undefined };

function remainingOf(info: RateLimitInfo): Remaining | undefined {
  if (info.remainingRequests === undefined && info.remainingTokens === undefined) return undefined;
  return { requests: info.remainingRequests, tokens: info.remainingTokens };
}
