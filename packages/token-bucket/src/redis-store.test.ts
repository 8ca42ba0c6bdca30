import { randomUUID } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import { pipeline, type ResilienceEvent } from '@unfazed/core';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RateLimitStoreError } from './errors.ts';
import { rateLimit } from './rate-limit.ts';
import type { RedisClientLike } from './redis-script.ts';
import { redisStore } from './redis-store.ts';
import type { AcquireResult, Admission, BucketSpec, Cost, LimiterStore, StoreEvent } from './store.ts';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = `unfazed-test:${randomUUID()}`;
let redis: Redis;
let other: Redis;

beforeAll(() => {
  redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  other = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
});

afterAll(async () => {
  const keys = await redis.keys(`{${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
  other.disconnect();
});

/** rpm 20 per 10 s: burst 5, refill 15 per 10 s. tpm 2_000: burst 500. */
const spec: BucketSpec = {
  requests: { limit: 20, capacity: 5, ratePerMs: 15 / 10_000 },
  tokens: { limit: 2_000, capacity: 500, ratePerMs: 1_500 / 10_000 },
};
const cost = (tokens: number) => ({ requests: 1, tokens });
/** Asks `store` for `c`, accepting a wait of up to `maxWaitMs` (0: only what is there now). */
const ask = (store: LimiterStore, key: string, c: Cost, maxWaitMs = 0, onEvent?: (e: StoreEvent) => void) =>
  store.acquire({ key, cost: c, spec, now: 0, maxWaitMs, onEvent });
const admissionOf = (r: AcquireResult): Admission => {
  if (!r.admitted) throw new Error('not admitted');
  return r;
};
const nothing = { requests: 0, tokens: 0 };

describe('redisStore against a real Redis', () => {
  it('charges both dimensions in one step, shares state between clients and returns the exact wait', async () => {
    const key = `shared-${randomUUID()}`;
    const a = redisStore({ client: redis, prefix });
    const b = redisStore({ client: other, prefix });
    for (let i = 0; i < 5; i++) {
      expect(await ask(i % 2 ? a : b, key, cost(10))).toMatchObject({
        admitted: true,
        waitMs: 0,
        mark: { requests: i + 1, tokens: 10 * (i + 1) },
      });
    }
    const denied = await ask(a, key, cost(10));
    expect(denied).toMatchObject({ admitted: false, reason: 'requests' });
    // The burst is spent: one request refills in 10_000 / 15 ≈ 667 ms (less the time the test took).
    expect(denied.admitted === false && denied.waitMs).toBeGreaterThan(550);
    expect(denied.admitted === false && denied.waitMs).toBeLessThanOrEqual(667);
    // Keys share one hash tag and expire when the level would be back at the limit: 20 / 15 × 10 s.
    const ttl = await redis.pttl(`{${prefix}:${key}}:bucket`);
    expect(ttl).toBeGreaterThan(13_000);
    expect(ttl).toBeLessThanOrEqual(13_344);
  });

  it('a denial charges nothing: too many tokens leaves the request budget untouched', async () => {
    const key = `atomic-${randomUUID()}`;
    const store = redisStore({ client: redis, prefix });
    expect(await ask(store, key, cost(450))).toMatchObject({ admitted: true, waitMs: 0 });
    const denied = await ask(store, key, cost(450));
    expect(denied).toMatchObject({ admitted: false, reason: 'tokens' });
    // 4 requests of the burst of 5 are still there: the denied call took none.
    for (let i = 0; i < 4; i++) expect((await ask(store, key, cost(0))).admitted).toBe(true);
    expect((await ask(store, key, cost(0))).admitted).toBe(false);
  });

  it('acquires made in one turn go as one script call, each decided in call order, all-or-nothing', async () => {
    const key = `batch-${randomUUID()}`;
    const calls: unknown[][] = [];
    // The real client; this only records what the store sends through it.
    const counted: RedisClientLike = {
      evalsha: (...args) => {
        calls.push(args);
        return redis.evalsha(...args);
      },
      eval: (...args) => redis.eval(...args),
    };
    const store = redisStore({ client: counted, prefix });
    // Burst: 5 requests, 500 tokens. The third asks for more tokens than are left and takes
    // nothing (had it taken its 400, the fourth would not fit); the seventh finds the requests
    // spent; the eighth accepts a wait, so its reservation is charged in its turn.
    const costs = [100, 100, 400, 100, 100, 100, 0, 0].map(cost);
    const results = await Promise.all(
      costs.map((c, i) => store.acquire({ key, cost: c, spec, now: 0, maxWaitMs: i === 7 ? 60_000 : 0 })),
    );
    expect(calls).toHaveLength(1);
    expect(results.map((r) => r.admitted)).toEqual([true, true, false, true, true, true, false, true]);
    expect(results[2]).toMatchObject({ reason: 'tokens' });
    expect(results[6]).toMatchObject({ reason: 'requests' });
    // The next request refills in 10_000 / 15 ≈ 667 ms; the eighth holds it, so a ninth waits twice that.
    expect(results[7]!.waitMs).toBeGreaterThan(550);
    expect(results[7]!.waitMs).toBeLessThanOrEqual(667);
    const ninth = await ask(store, key, cost(0));
    expect(ninth).toMatchObject({ admitted: false, reason: 'requests' });
    expect(ninth.waitMs).toBeGreaterThan(1_200);
  });

  it('a batch larger than 64 goes as several calls, in order', async () => {
    const key = `big-batch-${randomUUID()}`;
    let scriptCalls = 0;
    const counted: RedisClientLike = {
      evalsha: (...args) => {
        scriptCalls++;
        return redis.evalsha(...args);
      },
      eval: (...args) => redis.eval(...args),
    };
    const store = redisStore({ client: counted, prefix });
    const wide: BucketSpec = { requests: { limit: 100, capacity: 100, ratePerMs: 100 / 60_000 } };
    const results = await Promise.all(
      Array.from({ length: 150 }, () =>
        store.acquire({ key, cost: cost(0), spec: wide, now: 0, maxWaitMs: 0 }),
      ),
    );
    expect(scriptCalls).toBe(3);
    // The first 100 callers, in call order, got the 100 requests; the rest none.
    expect(results.map((r) => r.admitted)).toEqual(Array.from({ length: 150 }, (_, i) => i < 100));
  });

  it("settles refunds, takes the server's remaining both ways, and shares a cooldown between processes", async () => {
    const key = `settle-${randomUUID()}`;
    const a = redisStore({ client: redis, prefix });
    const b = redisStore({ client: other, prefix });
    const first = admissionOf(await ask(a, key, cost(500)));
    expect((await ask(a, key, cost(100))).admitted).toBe(false);
    await a.settle({ key, spec, now: 0, admission: first, refund: { requests: 0, tokens: 400 } });
    const second = admissionOf(await ask(b, key, cost(300)));
    const third = admissionOf(await ask(b, key, cost(0)));
    // The server says no request remains after `second`; `third` left after it, so it is not in
    // that figure yet: the level is 0 − 1.
    await b.settle({ key, spec, now: 0, admission: second, refund: nothing, remaining: { requests: 0 } });
    expect((await a.inspect(key, spec, 0)).requests?.level).toBeCloseTo(-1, 1);
    // ...and a stale figure (from `first`, which left before `second`) changes nothing.
    await a.settle({ key, spec, now: 0, admission: first, refund: nothing, remaining: { requests: 19 } });
    expect((await a.inspect(key, spec, 0)).requests?.level).toBeCloseTo(-1, 1);
    // A fresher one saying more remains raises it: the server is the authority both ways.
    await b.settle({ key, spec, now: 0, admission: third, refund: nothing, remaining: { requests: 15 } });
    expect((await a.inspect(key, spec, 0)).requests?.level).toBeCloseTo(15, 1);

    const cooled = `cool-${randomUUID()}`;
    await a.settle({ key: cooled, spec, now: 0, admission: first, refund: nothing, cooldownMs: 5_000 });
    expect(a.cooldownLeft(cooled, 0)).toBe(5_000);
    const paused = await ask(b, cooled, cost(1));
    expect(paused).toMatchObject({ admitted: false, reason: 'cooldown' });
    expect(paused.waitMs).toBeGreaterThan(4_800);
    expect(paused.waitMs).toBeLessThanOrEqual(5_000);
    // Reservable: a caller that may wait longer lines up after the cooldown.
    const after = await ask(b, cooled, cost(1), 10_000);
    expect(after).toMatchObject({ admitted: true, reason: 'cooldown' });
    expect(after.waitMs).toBeGreaterThan(4_800);
    expect(b.cooldownLeft(cooled, 0)).toBeGreaterThan(4_800);
  });

  it('settles made in one turn go as one script call', async () => {
    const key = `settle-batch-${randomUUID()}`;
    let scriptCalls = 0;
    const counted: RedisClientLike = {
      evalsha: (...args) => {
        scriptCalls++;
        return redis.evalsha(...args);
      },
      eval: (...args) => redis.eval(...args),
    };
    const store = redisStore({ client: counted, prefix });
    const admissions = await Promise.all([1, 2, 3].map(() => ask(store, key, cost(100))));
    expect(scriptCalls).toBe(1);
    await Promise.all(
      admissions.map((r) =>
        store.settle({ key, spec, now: 0, admission: admissionOf(r), refund: { requests: 0, tokens: 50 } }),
      ),
    );
    expect(scriptCalls).toBe(2);
    expect((await store.inspect(key, spec, 0)).tokens?.level).toBeCloseTo(500 - 300 + 150, 0);
  });

  it('reloads the script after SCRIPT FLUSH (NOSCRIPT)', async () => {
    const key = `flush-${randomUUID()}`;
    const store = redisStore({ client: redis, prefix });
    expect((await ask(store, key, cost(1))).admitted).toBe(true);
    await redis.script('FLUSH');
    expect((await ask(store, key, cost(1))).admitted).toBe(true);
  });

  it('works as the rateLimit store end to end', async () => {
    const key = `mw-${randomUUID()}`;
    const p = pipeline(
      rateLimit({
        rpm: 3,
        windowMs: 60_000,
        burst: 0.5,
        maxWaitMs: 0,
        store: redisStore({ client: redis, prefix }),
      }),
    );
    await expect(p.execute(async () => 'one', { key })).resolves.toBe('one');
    await expect(p.execute(async () => 'two', { key })).rejects.toMatchObject({ code: 'RATE_LIMIT_WAIT' });
  });
});

describe('redisStore when Redis fails', () => {
  /** A client that forwards to Redis until told to fail. */
  const switchable = (client: Redis) => {
    const state = { broken: false };
    const proxy: RedisClientLike = {
      evalsha: (...args) =>
        state.broken ? Promise.reject(new Error('ECONNRESET (test)')) : client.evalsha(...args),
      eval: (...args) =>
        state.broken ? Promise.reject(new Error('ECONNRESET (test)')) : client.eval(...args),
    };
    return { proxy, state };
  };

  it("'local' falls back to this process's share (limit / processes seen), once, and returns when Redis answers", async () => {
    const key = `fallback-${randomUUID()}`;
    const { proxy, state } = switchable(redis);
    const events: StoreEvent[] = [];
    const onEvent = (e: StoreEvent) => events.push(e);
    const a = redisStore({ client: proxy, prefix, probeIntervalMs: 1_000 });
    const b = redisStore({ client: other, prefix });
    const at = (now: number) => a.acquire({ key, cost: cost(0), spec, now, maxWaitMs: 0, onEvent });
    await ask(b, key, cost(0));
    await at(0); // heartbeat: two processes on the key
    state.broken = true;
    // The local bucket starts empty (what Redis admitted lately is unknown) and refills at this
    // process's share: rpm 20 / 2 processes = 10 per 10 s, burst 2.5, so 7.5 / 10 s of refill.
    const first = await at(1_000_000);
    expect(events).toEqual([
      { type: 'fallback', mode: 'local', scope: 'store', error: expect.any(Error), processes: 2 },
    ]);
    expect(first).toMatchObject({ admitted: false, reason: 'requests' });
    expect(first.waitMs).toBeCloseTo(10_000 / 7.5, 6);
    expect(events).toHaveLength(1);
    state.broken = false;
    // Before the probe interval nothing is sent to Redis; after it, a call starts one probe in the
    // background (it is itself served locally, without waiting), and the next call uses Redis again.
    expect((await at(1_000_500)).admitted).toBe(false);
    expect(events).toHaveLength(1);
    expect((await at(1_001_001)).admitted).toBe(false);
    expect(events).toHaveLength(1);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(events[1]).toEqual({ type: 'recovered', downMs: 1_001 });
    expect((await at(1_001_002)).admitted).toBe(true);
    expect(events).toHaveLength(2);
  });

  it("'open' admits and 'closed' refuses while Redis is down", async () => {
    const { proxy, state } = switchable(redis);
    state.broken = true;
    const open = redisStore({ client: proxy, prefix, onStoreError: 'open' });
    const closed = redisStore({ client: proxy, prefix, onStoreError: 'closed' });
    for (let i = 0; i < 50; i++) expect((await ask(open, 'k', cost(1))).admitted).toBe(true);
    const err = await ask(closed, 'k', cost(1)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RateLimitStoreError);
    expect(err).toMatchObject({
      code: 'RATE_LIMIT_STORE',
      cause: expect.objectContaining({ message: 'ECONNRESET (test)' }),
    });
  });

  describe('a Redis that accepts connections but never answers', () => {
    let server: Server;
    let port: number;
    const sockets = new Set<Socket>();
    beforeAll(async () => {
      server = createServer((socket) => {
        sockets.add(socket); // swallows everything
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      port = (server.address() as { port: number }).port;
    });
    afterAll(() => {
      for (const socket of sockets) socket.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    });

    it('never holds a call longer than timeoutMs: the limiter falls back and emits one event', async () => {
      const stuck = new Redis({ port, host: '127.0.0.1', maxRetriesPerRequest: null, lazyConnect: false });
      stuck.on('error', () => {});
      try {
        const events: ResilienceEvent[] = [];
        const p = pipeline(
          rateLimit({
            rpm: 60_000,
            windowMs: 60_000,
            store: redisStore({ client: stuck, prefix, timeoutMs: 100 }),
          }),
        );
        p.on((e) => events.push(e));
        const started = performance.now();
        const results = await Promise.all(
          Array.from({ length: 20 }, (_, i) => p.execute(async () => i, { key: 'stuck' })),
        );
        expect(results).toEqual(Array.from({ length: 20 }, (_, i) => i));
        expect(performance.now() - started).toBeLessThan(1_000);
        expect(events.filter((e) => e.type === 'rate-limit.store-failed')).toEqual([
          expect.objectContaining({
            mode: 'local',
            scope: 'store',
            error: 'Redis did not answer within 100 ms',
            processes: 1,
          }),
        ]);
      } finally {
        stuck.disconnect();
      }
    });
  });

  it('one key holding a value of the wrong type is served locally alone; healthy keys stay on Redis', async () => {
    const bad = `wrongtype-${randomUUID()}`;
    const good = `healthy-${randomUUID()}`;
    await redis.hset(`{${prefix}:${bad}}:bucket`, 'field', 'value');
    const events: StoreEvent[] = [];
    const a = redisStore({ client: redis, prefix });
    const b = redisStore({ client: other, prefix });
    for (let i = 0; i < 10; i++) {
      await ask(a, bad, cost(0), 0, (e) => events.push(e));
      await ask(a, good, cost(0), 0, (e) => events.push(e));
    }
    expect(events).toEqual([
      {
        type: 'fallback',
        mode: 'local',
        scope: 'key',
        error: expect.objectContaining({ name: 'ReplyError' }),
        processes: 1,
      },
    ]);
    // The healthy key's state is in Redis, seen by another process: 10 of its 20 requests are gone
    // (burst 5 then refill), none of it was answered locally.
    expect((await b.inspect(good, spec, 0)).requests?.admitted).toBe(5);
  });

  it('rejects bad options with a TypeError naming the option', () => {
    expect(() => redisStore({} as never)).toThrow(/redisStore: client must be an ioredis client/);
    expect(() => redisStore({ client: redis, prefix: '' })).toThrow(
      /redisStore: prefix must be a non-empty string/,
    );
    expect(() => redisStore({ client: redis, timeoutMs: 0 })).toThrow(
      'redisStore: timeoutMs must be a duration in ms > 0 and <= 2147483647, got 0',
    );
    expect(() => redisStore({ client: redis, timeout: 5 } as never)).toThrow(
      'redisStore: timeout is not an option (did you mean timeoutMs?), got 5',
    );
    expect(() => redisStore({ client: redis, onStoreError: 'maybe' as never })).toThrow(
      /redisStore: onStoreError must be/,
    );
  });
});
