import {
  type CallContext,
  defineMiddleware,
  HttpStatusError,
  pipeline,
  ResilienceError,
  type ResilienceEvent,
  recordResponse,
  VirtualClock,
  withContext,
} from '@unfazed/core';
import { describe, expect, it } from 'vitest';
import { RateLimitWaitTooLongError, RequestTooLargeError } from './errors.ts';
import { memoryStore } from './memory-store.ts';
import type { RateLimitOptions } from './options.ts';
import { rateLimit } from './rate-limit.ts';
import type { LimiterStore } from './store.ts';

/** rpm 120 per minute: burst 10, then one request every 60_000 / 110 ms. */
const RPM = { rpm: 120, windowMs: 60_000 } as const;
const GAP = 60_000 / 110;

function setup(options: RateLimitOptions) {
  const clock = new VirtualClock(1_000_000);
  const p = pipeline(rateLimit(options)).with({ clock });
  const events: ResilienceEvent[] = [];
  p.on((e) => events.push(e));
  const settled: string[] = [];
  const call = (
    id: string,
    init: { request?: unknown; signal?: AbortSignal; fn?: (ctx: CallContext) => Promise<unknown> } = {},
  ) => {
    const promise = p.execute(init.fn ?? (async () => id), {
      request: init.request,
      signal: init.signal,
      key: 'k',
    });
    promise.then(
      () => settled.push(id),
      () => settled.push(`${id}:rejected`),
    );
    return promise;
  };
  return { clock, p, events, settled, call };
}

const ofType = (events: ResilienceEvent[], type: string) =>
  events.filter((e) => e.type === type) as never[] as Record<string, unknown>[];

describe('rateLimit options', () => {
  it.each([
    [{}, /rateLimit: options must be an object with rpm or tpm/],
    [{ rpm: -1 }, /rateLimit: rpm must be a finite number > 0, got -1/],
    [{ tpm: Number.NaN }, /rateLimit: tpm must be a finite number > 0, got NaN/],
    [{ rpm: 10, windowMs: 0 }, /rateLimit: windowMs must be a finite number > 0, got 0/],
    [{ rpm: 10, burst: 1 }, /rateLimit: burst must be a number > 0 and < 1, got 1/],
    [
      { rpm: 10, burstMs: 60_000 },
      /rateLimit: burstMs must be a number > 0 and < windowMs \(60000\), got 60000/,
    ],
    [{ rpm: 10, burst: 0.1, burstMs: 1000 }, /rateLimit: burst must be left out when burstMs is given/],
    [{ rpm: 10, maxWaitMs: -5 }, /rateLimit: maxWaitMs must be a number >= 0/],
    [{ rpm: 10, cooldownMs: -1 }, /rateLimit: cooldownMs must be a finite number >= 0, got -1/],
    [{ rpm: 10, store: {} }, /rateLimit: store must be a store/],
    [{ tpm: 10, estimate: 5 }, /rateLimit: estimate must be a function, got 5/],
    [{ rpm: 10, name: '' }, /rateLimit: name must be a non-empty string/],
  ])('rejects %j with a TypeError naming the option', (options, message) => {
    expect(() => rateLimit(options as RateLimitOptions)).toThrow(TypeError);
    expect(() => rateLimit(options as RateLimitOptions)).toThrow(message);
  });

  it('is a named middleware', () => {
    expect(rateLimit({ rpm: 1 }).name).toBe('rateLimit');
    expect(rateLimit({ rpm: 1, name: 'llm' }).name).toBe('llm');
  });
});

describe('rateLimit waits (virtual clock)', () => {
  it('lets the burst through at once, then one call per refill interval, FIFO', async () => {
    const { clock, events, settled, call } = setup(RPM);
    const calls = Array.from({ length: 13 }, (_, i) => call(`c${i}`));
    await clock.advance(0);
    expect(settled).toEqual(Array.from({ length: 10 }, (_, i) => `c${i}`));
    const waits = ofType(events, 'rate-limit.wait');
    expect(waits).toHaveLength(3);
    expect(waits[0]).toMatchObject({ reason: 'requests', queued: 1 });
    expect(waits[0]?.waitMs).toBeCloseTo(GAP, 6);
    await clock.advance(Math.floor(GAP));
    expect(settled).toHaveLength(10);
    await clock.advance(1);
    expect(settled).toEqual([...Array.from({ length: 10 }, (_, i) => `c${i}`), 'c10']);
    await clock.advance(GAP * 2);
    expect(settled.slice(10)).toEqual(['c10', 'c11', 'c12']);
    await Promise.all(calls);
    expect(clock.pendingTimers).toBe(0);
  });

  it('once someone waits, newcomers queue behind without asking the store; one ask per wake-up', async () => {
    const inner = memoryStore();
    let acquires = 0;
    const store: LimiterStore = {
      acquire: (input) => {
        acquires++;
        return inner.acquire(input);
      },
      settle: (input) => inner.settle(input),
    };
    const { clock, call, settled } = setup({ ...RPM, store, maxWaitMs: Number.POSITIVE_INFINITY });
    for (let i = 0; i < 10; i++) void call(`burst${i}`);
    void call('head');
    await clock.advance(0);
    expect(acquires).toBe(11);
    const waiting = Array.from({ length: 200 }, (_, i) => call(`w${i}`));
    await clock.advance(0);
    expect(acquires).toBe(11);
    await clock.advance(GAP * 5 + 1);
    // Five wake-ups admitted head, w0..w3 (one ask each, plus one denied ask that planned the next sleep).
    expect(settled.slice(10)).toEqual(['head', 'w0', 'w1', 'w2', 'w3']);
    expect(acquires).toBeLessThanOrEqual(11 + 10);
    await clock.advance(GAP * 200);
    await Promise.all(waiting);
    expect(settled.slice(-3)).toEqual(['w197', 'w198', 'w199']);
    expect(acquires).toBeLessThanOrEqual(11 + 2 * 201);
    expect(clock.pendingTimers).toBe(0);
  });

  it('fails at once with RATE_LIMIT_WAIT when the wait exceeds maxWaitMs, as soon as that is known', async () => {
    const { clock, call, events, settled } = setup({ ...RPM, maxWaitMs: 1_000 });
    for (let i = 0; i < 10; i++) void call(`b${i}`);
    await clock.advance(0);
    const first = call('first'); // waits GAP (545 ms)
    const second = call('second'); // joins: the queue moves in GAP, within 1000 ms
    const third = call('third');
    await clock.advance(0);
    expect(ofType(events, 'rate-limit.reject')).toHaveLength(0);
    await clock.advance(GAP + 1);
    await expect(first).resolves.toBe('first');
    // When first left, the store said the next slot is GAP away again: 2 × GAP > 1000 for both.
    await expect(second).rejects.toBeInstanceOf(RateLimitWaitTooLongError);
    await expect(third).rejects.toBeInstanceOf(RateLimitWaitTooLongError);
    expect(settled.slice(10).sort()).toEqual(['first', 'second:rejected', 'third:rejected']);
    expect(ofType(events, 'rate-limit.reject')).toHaveLength(2);
    expect(clock.pendingTimers).toBe(0);
  });

  it('reports the expected wait in retryAfterMs and the code RATE_LIMIT_WAIT', async () => {
    const { clock, call } = setup({ ...RPM, maxWaitMs: 100 });
    for (let i = 0; i < 10; i++) void call(`b${i}`);
    await clock.advance(0);
    const err = await call('over').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RateLimitWaitTooLongError);
    expect(ResilienceError.is(err, 'RATE_LIMIT_WAIT')).toBe(true);
    expect((err as RateLimitWaitTooLongError).retryAfterMs).toBeCloseTo(GAP, 6);
    expect((err as RateLimitWaitTooLongError).maxWaitMs).toBe(100);
    expect(clock.pendingTimers).toBe(0);
  });

  it('bounds the wait by the caller deadline too', async () => {
    const clock = new VirtualClock(0);
    const deadline = defineMiddleware('deadline', (ctx, next) =>
      next(withContext(ctx, { deadline: ctx.clock.now() + 200 })),
    );
    const p = pipeline(deadline, rateLimit({ ...RPM, maxWaitMs: 60_000 })).with({ clock });
    for (let i = 0; i < 10; i++) await p.execute(async () => i);
    await expect(p.execute(async () => 'x')).rejects.toMatchObject({
      code: 'RATE_LIMIT_WAIT',
      maxWaitMs: 200,
    });
    expect(clock.pendingTimers).toBe(0);
  });

  it('an abort while queued rejects with the reason at once, removes the waiter and leaves no timer', async () => {
    const { clock, call, settled } = setup(RPM);
    for (let i = 0; i < 10; i++) void call(`b${i}`);
    await clock.advance(0);
    const controller = new AbortController();
    const aborted = call('aborted', { signal: controller.signal });
    const behind = call('behind');
    await clock.advance(10);
    const reason = new Error('user went away');
    controller.abort(reason);
    await expect(aborted).rejects.toBe(reason);
    // The waiter behind moves up and takes the slot the aborted one would have had.
    await clock.advance(GAP);
    await expect(behind).resolves.toBe('behind');
    expect(settled.slice(10)).toEqual(['aborted:rejected', 'behind']);
    expect(clock.pendingTimers).toBe(0);
  });

  it('aborting the only waiter cancels the poller sleep', async () => {
    const { clock, call } = setup(RPM);
    for (let i = 0; i < 10; i++) void call(`b${i}`);
    await clock.advance(0);
    const controller = new AbortController();
    const aborted = call('aborted', { signal: controller.signal });
    await clock.advance(1);
    expect(clock.pendingTimers).toBe(1);
    controller.abort();
    await expect(aborted).rejects.toMatchObject({ name: 'AbortError' });
    await clock.advance(0);
    expect(clock.pendingTimers).toBe(0);
  });

  it('an already aborted signal is rejected before anything is charged', async () => {
    const { call, clock } = setup({ rpm: 1, windowMs: 1_000 });
    const controller = new AbortController();
    controller.abort(new Error('early'));
    await expect(call('x', { signal: controller.signal })).rejects.toThrow('early');
    await expect(call('y')).resolves.toBe('y'); // the single slot is still there
    expect(clock.pendingTimers).toBe(0);
  });
});

describe('rateLimit tokens', () => {
  const body = (chars: number, max_tokens: number) => ({
    model: 'gpt-4o',
    messages: [{ role: 'user', content: 'x'.repeat(chars) }],
    max_tokens,
  });

  it('fails at once with REQUEST_TOO_LARGE when the cost exceeds a whole window', async () => {
    const { call, clock, events } = setup({ tpm: 1_000, windowMs: 60_000 });
    const err = await call('big', { request: body(400, 950) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RequestTooLargeError);
    expect(err).toMatchObject({ code: 'REQUEST_TOO_LARGE', dimension: 'tokens', cost: 1_050, limit: 1_000 });
    expect(ofType(events, 'rate-limit.reject')[0]).toMatchObject({ reason: 'too-large', tokens: 1_050 });
    expect(clock.pendingTimers).toBe(0);
  });

  it('admits a call bigger than the burst (up to the limit) once the bucket has gathered its cost', async () => {
    // tpm 1200: burst 100, refill 1100 per minute. A 600-token call passes on a fresh key...
    const { call, clock, settled } = setup({
      tpm: 1_200,
      windowMs: 60_000,
      maxWaitMs: Number.POSITIVE_INFINITY,
    });
    await expect(call('a', { request: body(0, 600) })).resolves.toBe('a');
    // ...and leaves the bucket 500 in debt (burst 100 - 600): the next 600 needs 1100 more tokens = 60 s.
    const b = call('b', { request: body(0, 600) });
    await clock.advance(59_999);
    expect(settled).toEqual(['a']);
    await clock.advance(1);
    await expect(b).resolves.toBe('b');
  });

  it('reconciles: refunds the unused part of the reservation from usage', async () => {
    const { call, clock, events, settled } = setup({ tpm: 1_200, windowMs: 60_000 });
    // Burst 100 tokens; the call reserves 90 and used 10, so 80 come back.
    const fn = async (ctx: CallContext) => {
      recordResponse(ctx, {
        status: 200,
        usage: { prompt_tokens: 4, completion_tokens: 6, total_tokens: 10 },
      });
      return 'ok';
    };
    await call('first', { request: body(0, 90), fn });
    expect(ofType(events, 'rate-limit.reconcile')[0]).toMatchObject({
      outcome: 'success',
      reservedTokens: 90,
      usedTokens: 10,
      refundedTokens: 80,
    });
    // 90 tokens are available again at once (100 - 90 + 80 = 90).
    void call('second', { request: body(0, 90) });
    await clock.advance(0);
    expect(settled).toEqual(['first', 'second']);
  });

  it('reads usage from the result when nothing was recorded, and charges when usage exceeds the estimate', async () => {
    const { call, clock, events, settled } = setup({ tpm: 1_200, windowMs: 60_000 });
    await call('first', { request: body(0, 10), fn: async () => ({ usage: { total_tokens: 60 } }) });
    expect(ofType(events, 'rate-limit.reconcile')[0]).toMatchObject({ refundedTokens: -50, usedTokens: 60 });
    // 100 - 60 = 40 left: a 50-token call must wait 10 tokens' worth of refill.
    void call('second', { request: body(0, 50) });
    await clock.advance(0);
    expect(settled).toEqual(['first']);
    await clock.advance((10 * 60_000) / 1_100 + 1);
    expect(settled).toEqual(['first', 'second']);
  });

  it('lowers its view to the x-ratelimit-remaining-* headers, never raising it', async () => {
    const { call, clock, settled, events } = setup({ rpm: 120, windowMs: 60_000 });
    const fn = async (ctx: CallContext) => {
      recordResponse(ctx, { status: 200, headers: new Headers({ 'x-ratelimit-remaining-requests': '0' }) });
      return 'told';
    };
    await call('told', { fn });
    expect(ofType(events, 'rate-limit.reconcile')[0]).toMatchObject({ remainingRequests: 0 });
    void call('next');
    await clock.advance(0);
    expect(settled).toEqual(['told']);
    await clock.advance(GAP + 1);
    expect(settled).toEqual(['told', 'next']);
    // A header saying more remains than we think changes nothing: the burst is still 10.
    await clock.advance(60_000);
    const generous = async (ctx: CallContext) => {
      recordResponse(ctx, { headers: new Headers({ 'x-ratelimit-remaining-requests': '1000' }) });
      return 'g';
    };
    for (let i = 0; i < 10; i++) await call(`g${i}`, { fn: generous });
    void call('over');
    await clock.advance(0);
    expect(settled).not.toContain('over');
    await clock.advance(GAP);
    expect(settled).toContain('over');
  });

  it('refunds tokens (not the request) of a call the server answered with an error', async () => {
    const { call, clock, events, settled } = setup({ rpm: 120, tpm: 1_200, windowMs: 60_000 });
    const fail = async () => {
      throw new HttpStatusError({ status: 500, body: { error: { message: 'boom' } } });
    };
    await expect(call('x', { request: body(0, 90), fn: fail })).rejects.toBeInstanceOf(HttpStatusError);
    expect(ofType(events, 'rate-limit.reconcile')[0]).toMatchObject({
      outcome: 'failure',
      refundedTokens: 90,
      refundedRequests: 0,
    });
    void call('y', { request: body(0, 90) });
    await clock.advance(0);
    expect(settled).toEqual(['x:rejected', 'y']);
  });

  it('refunds everything for a call that never left (connection refused) and nothing after a timeout', async () => {
    const { call, events } = setup({ rpm: 120, tpm: 1_200, windowMs: 60_000 });
    const refused = Object.assign(new TypeError('fetch failed'), {
      cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }),
    });
    await expect(call('r', { request: body(0, 50), fn: () => Promise.reject(refused) })).rejects.toBe(
      refused,
    );
    const timeout = Object.assign(new Error('read ETIMEDOUT'), { code: 'ETIMEDOUT' });
    await expect(call('t', { request: body(0, 50), fn: () => Promise.reject(timeout) })).rejects.toBe(
      timeout,
    );
    const reconciles = ofType(events, 'rate-limit.reconcile');
    expect(reconciles).toHaveLength(1);
    expect(reconciles[0]).toMatchObject({ refundedTokens: 50, refundedRequests: 1 });
  });
});

describe('rateLimit cooldown', () => {
  it('a 429 pauses the key for retry-after, for every caller, then resumes', async () => {
    const { call, clock, events, settled } = setup({ rpm: 1_200, windowMs: 60_000 });
    const limited = async () => {
      throw new HttpStatusError({
        status: 429,
        headers: { 'retry-after-ms': '2000', 'x-ratelimit-remaining-requests': '5' },
        body: {
          error: {
            message: 'Rate limit reached for requests',
            type: 'requests',
            code: 'rate_limit_exceeded',
          },
        },
      });
    };
    await expect(call('429', { fn: limited })).rejects.toBeInstanceOf(HttpStatusError);
    expect(ofType(events, 'rate-limit.cooldown')[0]).toMatchObject({ cooldownMs: 2_000, from: 'server' });
    void call('a');
    void call('b');
    await clock.advance(0);
    expect(ofType(events, 'rate-limit.wait')[0]).toMatchObject({ reason: 'cooldown', waitMs: 2_000 });
    await clock.advance(1_999);
    expect(settled).toEqual(['429:rejected']);
    await clock.advance(1);
    expect(settled).toEqual(['429:rejected', 'a', 'b']);
    expect(clock.pendingTimers).toBe(0);
  });

  it('uses cooldownMs when the 429 gives no hint, and ignores insufficient_quota', async () => {
    const { call, clock, events, settled } = setup({ rpm: 1_200, windowMs: 60_000, cooldownMs: 300 });
    const quota = async () => {
      throw new HttpStatusError({
        status: 429,
        body: {
          error: {
            message: 'You exceeded your current quota',
            type: 'insufficient_quota',
            code: 'insufficient_quota',
          },
        },
      });
    };
    await expect(call('q', { fn: quota })).rejects.toBeInstanceOf(HttpStatusError);
    expect(ofType(events, 'rate-limit.cooldown')).toHaveLength(0);
    const bare = async () => {
      throw new HttpStatusError({
        status: 429,
        body: { error: { message: 'Rate limit reached', code: 'rate_limit_exceeded' } },
      });
    };
    await expect(call('bare', { fn: bare })).rejects.toBeInstanceOf(HttpStatusError);
    expect(ofType(events, 'rate-limit.cooldown')[0]).toMatchObject({ cooldownMs: 300, from: 'default' });
    void call('after');
    await clock.advance(299);
    expect(settled).not.toContain('after');
    await clock.advance(1);
    expect(settled).toContain('after');
  });
});
