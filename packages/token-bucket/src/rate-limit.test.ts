import {
  type CallContext,
  defineMiddleware,
  HttpStatusError,
  pipeline,
  type ResilienceEvent,
  recordResponse,
  VirtualClock,
  withContext,
} from '@unfazed/core';
import { describe, expect, it } from 'vitest';
import { RateLimitWaitTooLongError, RequestTooLargeError } from './errors.ts';
import { memoryStore } from './memory-store.ts';
import { configuredDimension, type RateLimitOptions } from './options.ts';
import { rateLimit } from './rate-limit.ts';
import type { LimiterStore } from './store.ts';

/** rpm 120 per minute: burst 10, then one request about every 60_000 / 111 ms. */
const RPM = { rpm: 120, windowMs: 60_000 } as const;
const GAP = 1 / configuredDimension(120, 1 / 12, 60_000, 1).ratePerMs;
const TOKENS_PER_MS = configuredDimension(1_200, 1 / 12, 60_000, 0).ratePerMs;

function setup(options: RateLimitOptions) {
  const clock = new VirtualClock(1_000_000);
  const limiter = rateLimit({ ...options, clock });
  const p = pipeline(limiter).with({ clock });
  const events: ResilienceEvent[] = [];
  p.on((e) => events.push(e));
  const settled: string[] = [];
  const call = (
    id: string,
    init: {
      request?: unknown;
      signal?: AbortSignal;
      fn?: (ctx: CallContext) => Promise<unknown>;
      key?: string;
    } = {},
  ) => {
    const promise = p.execute(init.fn ?? (async () => id), {
      request: init.request,
      signal: init.signal,
      key: init.key ?? 'k',
    });
    promise.then(
      () => settled.push(id),
      () => settled.push(`${id}:rejected`),
    );
    return promise;
  };
  return { clock, p, limiter, events, settled, call };
}

const ofType = (events: ResilienceEvent[], type: string) =>
  events.filter((e) => e.type === type) as never[] as Record<string, unknown>[];

/** The answer of a server with an `x-ratelimit-*` view of its own. */
const answering =
  (headers: Record<string, string>, result: unknown = 'ok') =>
  async (ctx: CallContext) => {
    recordResponse(ctx, { status: 200, headers: new Headers(headers) });
    return result;
  };

describe('rateLimit options', () => {
  it.each([
    [{ rpm: -1 }, 'rateLimit: rpm must be a finite number > 0, got -1'],
    [{ rpm: '10' }, 'rateLimit: rpm must be a finite number > 0, got "10" (string)'],
    [{ tpm: Number.NaN }, 'rateLimit: tpm must be a finite number > 0, got NaN'],
    [{ rpm: 10, windowMs: 0 }, 'rateLimit: windowMs must be a duration in ms > 0 and <= 2147483647, got 0'],
    [
      { rpm: 1, windowMs: 3e10 },
      'rateLimit: windowMs must be a duration in ms > 0 and <= 2147483647, got 30000000000',
    ],
    [{ rpm: 10, burst: 1 }, 'rateLimit: burst must be a finite number > 0 and < 1, got 1'],
    [{ rpm: 10, burstMs: 1000 }, 'rateLimit: burstMs is not an option (did you mean burst?), got 1000'],
    [{ rpm: 10, maxWait: 0 }, 'rateLimit: maxWait is not an option (did you mean maxWaitMs?), got 0'],
    [
      { rpm: 10, maxWaitMs: -5 },
      'rateLimit: maxWaitMs must be a duration in ms >= 0 and <= 2147483647 (or Infinity), got -5',
    ],
    [
      { rpm: 10, cooldownMs: -1 },
      'rateLimit: cooldownMs must be a duration in ms >= 0 and <= 2147483647, got -1',
    ],
    [{ rpm: 10, store: {} }, 'rateLimit: store must be a store (memoryStore() or redisStore()), got {}'],
    [{ tpm: 10, estimate: 5 }, 'rateLimit: estimate must be a function, got 5'],
    [
      { rpm: 10, learnFromHeaders: 'no' },
      'rateLimit: learnFromHeaders must be true or false, got "no" (string)',
    ],
    [
      { learnFromHeaders: false },
      'rateLimit: rpm must be given (or tpm) when learnFromHeaders is false, got undefined',
    ],
    [{ rpm: 10, name: '' }, 'rateLimit: name must be a non-empty string, got "" (string)'],
    [null, 'rateLimit: options must be an object, got null'],
  ])('rejects %j with a TypeError naming the option and showing the value', (options, message) => {
    expect(() => rateLimit(options as RateLimitOptions)).toThrow(new TypeError(message));
  });

  it('is a named middleware, and runs with no limits at all (they are learned)', () => {
    expect(rateLimit().name).toBe('rateLimit');
    expect(rateLimit({ rpm: 1, name: 'llm' }).name).toBe('llm');
  });
});

describe('rateLimit waits (virtual clock)', () => {
  it('lets the burst through at once, then one call per refill interval, in order', async () => {
    const { clock, events, settled, call } = setup({ ...RPM, maxWaitMs: Number.POSITIVE_INFINITY });
    const calls = Array.from({ length: 13 }, (_, i) => call(`c${i}`));
    await clock.advance(0);
    expect(settled).toEqual(Array.from({ length: 10 }, (_, i) => `c${i}`));
    const waits = ofType(events, 'rate-limit.queued');
    expect(waits).toHaveLength(3);
    expect(waits.map((w) => w.why)).toEqual(['requests', 'requests', 'requests']);
    // Each call learns its whole wait at once: every reservation ahead of it counts.
    for (const [i, w] of waits.entries()) expect(w.waitMs).toBeCloseTo((i + 1) * GAP, 6);
    await clock.advance(Math.floor(GAP) - 1);
    expect(settled).toHaveLength(10);
    await clock.advance(2);
    expect(settled).toEqual([...Array.from({ length: 10 }, (_, i) => `c${i}`), 'c10']);
    await clock.advance(GAP * 2);
    expect(settled.slice(10)).toEqual(['c10', 'c11', 'c12']);
    await Promise.all(calls);
    expect(clock.pendingTimers).toBe(0);
  });

  it('asks the store once per call: waiting costs no store operation', async () => {
    const inner = memoryStore();
    let acquires = 0;
    const store: LimiterStore = {
      ...inner,
      acquire: (input) => {
        acquires++;
        return inner.acquire(input);
      },
    };
    const { clock, call } = setup({ ...RPM, store, maxWaitMs: Number.POSITIVE_INFINITY });
    const calls = Array.from({ length: 210 }, (_, i) => call(`c${i}`));
    await clock.advance(GAP * 201);
    await Promise.all(calls);
    expect(acquires).toBe(210);
    expect(clock.pendingTimers).toBe(0);
  });

  it('a call that cannot be served within maxWaitMs fails at once, counting every reservation ahead', async () => {
    const { clock, call, events } = setup({ ...RPM, maxWaitMs: 1_000 });
    for (let i = 0; i < 10; i++) void call(`b${i}`);
    const first = call('first'); // its slot is GAP (545 ms) away: it reserves it
    const second = call('second'); // 2 × GAP = 1091 ms away: more than 1000
    await clock.advance(0);
    // No time has passed, and `second` already failed: it never waited.
    expect(clock.now()).toBe(1_000_000);
    const err = await second.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RateLimitWaitTooLongError);
    expect(err).toMatchObject({ code: 'RATE_LIMIT_WAIT', maxWaitMs: 1_000 });
    expect((err as RateLimitWaitTooLongError).retryAfterMs).toBeCloseTo(2 * GAP, 6);
    expect(ofType(events, 'rate-limit.rejected')).toMatchObject([{ why: 'wait-too-long', requests: 1 }]);
    await clock.advance(GAP + 1);
    await expect(first).resolves.toBe('first');
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

  it('an abort while waiting rejects with the reason at once and gives the slot back', async () => {
    const { clock, call, settled } = setup({ ...RPM, maxWaitMs: Number.POSITIVE_INFINITY });
    for (let i = 0; i < 10; i++) void call(`b${i}`);
    await clock.advance(0);
    const controller = new AbortController();
    const aborted = call('aborted', { signal: controller.signal });
    await clock.advance(10);
    const reason = new Error('user went away');
    controller.abort(reason);
    await expect(aborted).rejects.toBe(reason);
    expect(clock.pendingTimers).toBe(0);
    // Its reservation was given back: the next caller gets that slot, not one after it.
    const next = call('next');
    await clock.advance(GAP - 10 + 1);
    await expect(next).resolves.toBe('next');
    expect(settled.slice(10)).toEqual(['aborted:rejected', 'next']);
  });

  it('100 000 waiters aborted together leave at once and leave nothing behind', async () => {
    const { clock, call } = setup({ rpm: 10, windowMs: 60_000, maxWaitMs: Number.POSITIVE_INFINITY });
    const controller = new AbortController();
    const calls = Array.from({ length: 100_000 }, (_, i) => call(`w${i}`, { signal: controller.signal }));
    await clock.advance(0);
    expect(clock.pendingTimers).toBe(100_000 - 1);
    controller.abort(new Error('shutdown'));
    const outcomes = await Promise.allSettled(calls);
    expect(outcomes.filter((o) => o.status === 'rejected')).toHaveLength(100_000 - 1);
    expect(clock.pendingTimers).toBe(0);
  }, 60_000);

  it('an abort while the store is being asked settles at once; what the store admits meanwhile is given back', async () => {
    const clock = new VirtualClock(0);
    const inner = memoryStore();
    // A store that answers after 200 ms (a slow Redis).
    const slow: LimiterStore = {
      ...inner,
      acquire: async (input) => {
        await clock.sleep(200);
        return inner.acquire(input);
      },
    };
    // rpm 2: one request at once, the next a minute later (more than maxWaitMs) unless given back.
    const p = pipeline(rateLimit({ rpm: 2, windowMs: 60_000, store: slow, clock })).with({ clock });
    const controller = new AbortController();
    const call = p.execute(async () => 'sent', { signal: controller.signal });
    let settledAt: number | undefined;
    call.catch(() => {
      settledAt = clock.now();
    });
    await clock.advance(20);
    controller.abort(new Error('gone'));
    await clock.advance(0);
    expect(settledAt).toBe(20);
    await clock.advance(200);
    // The one request was admitted late and given back: it is still there.
    const second = p.execute(async () => 'second');
    await clock.advance(200);
    await expect(second).resolves.toBe('second');
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
    expect(ofType(events, 'rate-limit.rejected')[0]).toMatchObject({ why: 'too-large', tokens: 1_050 });
    expect(clock.pendingTimers).toBe(0);
  });

  it('admits a call bigger than the burst (up to the limit) once the bucket has gathered its cost', async () => {
    // tpm 1200: burst 100, refill 1101 per minute. A 600-token call passes on a fresh key...
    const { call, clock, settled } = setup({
      tpm: 1_200,
      windowMs: 60_000,
      maxWaitMs: Number.POSITIVE_INFINITY,
    });
    await expect(call('a', { request: body(0, 600) })).resolves.toBe('a');
    // ...and leaves the bucket 500 in debt (burst 100 - 600): the next 600 needs 1100 more tokens,
    // 1100 / 1101 of a minute.
    const b = call('b', { request: body(0, 600) });
    const wait = 1_100 / TOKENS_PER_MS;
    await clock.advance(Math.floor(wait) - 1);
    expect(settled).toEqual(['a']);
    await clock.advance(2);
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
    expect(ofType(events, 'rate-limit.reconciled')[0]).toMatchObject({
      outcome: 'success',
      reservedTokens: 90,
      usedTokens: 10,
      refundedTokens: 80,
    });
    void call('second', { request: body(0, 90) });
    await clock.advance(0);
    expect(settled).toEqual(['first', 'second']);
  });

  it('reconciles from an answer that settles after the call returned (a stream), never holding the caller', async () => {
    const { call, clock, events, limiter } = setup({ tpm: 1_200, windowMs: 60_000 });
    let finish!: (usage: { total_tokens: number }) => void;
    const answer = new Promise<{ usage: { total_tokens: number } }>((resolve) => {
      finish = (usage) => resolve({ usage });
    });
    const fn = async (ctx: CallContext) => {
      recordResponse(ctx, { status: 200, answer });
      return 'streaming';
    };
    await expect(call('s', { request: body(0, 90), fn })).resolves.toBe('streaming');
    expect(ofType(events, 'rate-limit.reconciled')).toHaveLength(0);
    expect((await limiter.state('k')).tokens?.level).toBe(10); // 100 − 90 reserved
    finish({ total_tokens: 30 });
    await clock.advance(0);
    expect(ofType(events, 'rate-limit.reconciled')[0]).toMatchObject({ usedTokens: 30, refundedTokens: 60 });
    expect((await limiter.state('k')).tokens?.level).toBe(70);
  });

  it('reads usage from the result when nothing was recorded, and charges when usage exceeds the estimate', async () => {
    const { call, clock, events, settled } = setup({ tpm: 1_200, windowMs: 60_000, maxWaitMs: 60_000 });
    await call('first', { request: body(0, 10), fn: async () => ({ usage: { total_tokens: 60 } }) });
    expect(ofType(events, 'rate-limit.reconciled')[0]).toMatchObject({ refundedTokens: -50, usedTokens: 60 });
    // 100 - 60 = 40 left: a 50-token call must wait 10 tokens' worth of refill.
    void call('second', { request: body(0, 50) });
    await clock.advance(0);
    expect(settled).toEqual(['first']);
    await clock.advance(10 / TOKENS_PER_MS + 1);
    expect(settled).toEqual(['first', 'second']);
  });

  it('an estimate hook that throws falls back to the default estimate, with a hook.failed event', async () => {
    const { call, events } = setup({
      tpm: 1_200,
      windowMs: 60_000,
      estimate: () => {
        throw new Error('no tokenizer');
      },
    });
    await expect(call('x', { request: body(40, 20) })).resolves.toBe('x');
    expect(ofType(events, 'hook.failed')).toMatchObject([{ hook: 'estimate', error: 'Error: no tokenizer' }]);
    expect(ofType(events, 'rate-limit.rejected')).toHaveLength(0);
  });

  it('refunds tokens (not the request) of a call the server answered with an error', async () => {
    const { call, clock, events, settled } = setup({ rpm: 120, tpm: 1_200, windowMs: 60_000 });
    const fail = async () => {
      throw new HttpStatusError({ status: 500, body: { error: { message: 'boom' } } });
    };
    await expect(call('x', { request: body(0, 90), fn: fail })).rejects.toBeInstanceOf(HttpStatusError);
    expect(ofType(events, 'rate-limit.reconciled')[0]).toMatchObject({
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
    const reconciles = ofType(events, 'rate-limit.reconciled');
    expect(reconciles).toHaveLength(1);
    expect(reconciles[0]).toMatchObject({ refundedTokens: 50, refundedRequests: 1 });
  });
});

describe("rateLimit tracks the server's own bucket through its headers", () => {
  it('with no limits configured, learns them from the first answer', async () => {
    const { call, clock, events, limiter, settled } = setup({ maxWaitMs: Number.POSITIVE_INFINITY });
    const server = {
      'x-ratelimit-limit-requests': '3',
      'x-ratelimit-remaining-requests': '2',
      'x-ratelimit-reset-requests': '20s',
    };
    await call('first', { fn: answering(server) });
    expect(ofType(events, 'rate-limit.limits-learned')).toMatchObject([{ requests: 3, windowMs: 60_000 }]);
    expect(await limiter.state('k')).toMatchObject({
      learned: true,
      requests: { limit: 3, capacity: 3, level: 2 },
    });
    // The server's bucket holds its whole limit: the two that remain go at once, the next waits 20 s.
    void call('a');
    void call('b');
    void call('c');
    await clock.advance(0);
    expect(settled).toEqual(['first', 'a', 'b']);
    await clock.advance(20_000);
    expect(settled).toEqual(['first', 'a', 'b', 'c']);
  });

  it("takes the server's remaining in both directions, counting what was sent since", async () => {
    const { call, limiter } = setup({ rpm: 120, windowMs: 60_000 });
    const view = (remaining: string) => ({
      'x-ratelimit-limit-requests': '120',
      'x-ratelimit-remaining-requests': remaining,
      'x-ratelimit-reset-requests': '30s',
    });
    // Answers arrive while two later calls are out: the server's figure does not count them yet.
    let release!: () => void;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const slow = call('slow', {
      fn: async (ctx) => {
        await held;
        recordResponse(ctx, { status: 200, headers: new Headers(view('100')) });
        return 'slow';
      },
    });
    const later = [
      call('l1', { fn: () => held.then(() => 'l1') }),
      call('l2', { fn: () => held.then(() => 'l2') }),
    ];
    await new Promise((r) => setImmediate(r));
    release();
    await Promise.all([slow, ...later]);
    // "you have 100" raised the level from the configured burst (10), less the 2 sent after it.
    expect((await limiter.state('k')).requests?.level).toBe(98);
    await call('low', { fn: answering(view('5')) });
    expect((await limiter.state('k')).requests?.level).toBe(5);
  });

  it('estimates the server window from its reset header (compressed time works unconfigured)', async () => {
    const { call, events } = setup({});
    // 1000 per window, 400 missing, full again in 2.4 s: the window is about 2.4 × 1000 / 400 = 6 s
    // (a little more: `remaining` is rounded down, so 399.5 are missing on average).
    await call('x', {
      fn: answering({
        'x-ratelimit-limit-requests': '1000',
        'x-ratelimit-remaining-requests': '600',
        'x-ratelimit-reset-requests': '2.4s',
      }),
    });
    const [learned] = ofType(events, 'rate-limit.limits-learned');
    expect(learned).toMatchObject({ requests: 1000 });
    expect(learned?.windowMs).toBeCloseTo(6_000, -2);
  });

  it('ignores the headers with learnFromHeaders: false', async () => {
    const { call, limiter } = setup({ rpm: 120, windowMs: 60_000, learnFromHeaders: false });
    await call('x', {
      fn: answering({ 'x-ratelimit-limit-requests': '9000', 'x-ratelimit-remaining-requests': '8999' }),
    });
    expect(await limiter.state('k')).toMatchObject({
      learned: false,
      requests: { limit: 120, capacity: 10, level: 9 },
    });
  });
});

describe('rateLimit cooldown', () => {
  const rateLimited = (headers: Record<string, string>) => async () => {
    throw new HttpStatusError({
      status: 429,
      headers,
      body: {
        error: { message: 'Rate limit reached for requests', type: 'requests', code: 'rate_limit_exceeded' },
      },
    });
  };

  it('a 429 pauses the key for retry-after, for every caller, then resumes in order', async () => {
    const { call, clock, events, settled } = setup({ rpm: 1_200, windowMs: 60_000 });
    await expect(call('429', { fn: rateLimited({ 'retry-after-ms': '2000' }) })).rejects.toBeInstanceOf(
      HttpStatusError,
    );
    expect(ofType(events, 'rate-limit.cooldown-started')[0]).toMatchObject({
      cooldownMs: 2_000,
      hintSource: 'retry-after',
      reason: 'rate_limit_requests',
      status: 429,
    });
    void call('a');
    void call('b');
    await clock.advance(0);
    expect(ofType(events, 'rate-limit.queued')[0]).toMatchObject({ why: 'cooldown', waitMs: 2_000 });
    await clock.advance(1_999);
    expect(settled).toEqual(['429:rejected']);
    await clock.advance(1);
    expect(settled).toEqual(['429:rejected', 'a', 'b']);
    expect(clock.pendingTimers).toBe(0);
  });

  it('a call asleep on its reservation when a cooldown begins lines up again after it', async () => {
    const { call, clock, settled } = setup({ ...RPM, maxWaitMs: Number.POSITIVE_INFINITY });
    for (let i = 0; i < 9; i++) void call(`b${i}`);
    // The tenth of the burst meets a 429 10 ms in, while the eleventh sleeps on its reservation.
    const limited = call('429', {
      fn: async () => {
        await clock.sleep(10);
        return rateLimited({ 'retry-after-ms': '5000' })();
      },
    });
    limited.catch(() => {});
    const sleeper = call('sleeper'); // reserved GAP away
    await clock.advance(GAP + 1);
    expect(settled).not.toContain('sleeper'); // its slot came during the cooldown: it did not go
    await clock.advance(5_000);
    await expect(sleeper).resolves.toBe('sleeper');
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
    expect(ofType(events, 'rate-limit.cooldown-started')).toHaveLength(0);
    const bare = async () => {
      throw new HttpStatusError({
        status: 429,
        body: { error: { message: 'Rate limit reached', code: 'rate_limit_exceeded' } },
      });
    };
    await expect(call('bare', { fn: bare })).rejects.toBeInstanceOf(HttpStatusError);
    expect(ofType(events, 'rate-limit.cooldown-started')[0]).toMatchObject({
      cooldownMs: 300,
      hintSource: 'default',
    });
    void call('after');
    await clock.advance(299);
    expect(settled).not.toContain('after');
    await clock.advance(1);
    expect(settled).toContain('after');
  });
});
