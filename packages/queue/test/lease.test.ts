// A lease renewal still in flight when its job's call settles must end the renewal loop. To hold
// the renewal in flight the test pauses every write of the Redis server (CLIENT PAUSE), so it runs
// in the load project, where no other test file shares Redis at the time.
import { type Clock, realClock } from '@unfazed/core';
import { startChaosServer } from '@unfazed/testing';
import { Redis } from 'ioredis';
import { afterAll, expect, it } from 'vitest';
import { createProducer, createWorker } from '../src/index.ts';
import { AMQP_URL, cleanUp, REDIS_URL, uniqueName } from './helpers.ts';

const name = uniqueName('renewal');
afterAll(() => cleanUp([name]));

it('a worker leaves no timer behind when a lease renewal was in flight as its job ended', async () => {
  // A clock that counts what is scheduled on it and has not yet fired or been cancelled.
  let pending = 0;
  let scheduled = 0;
  const counting: Clock = {
    now: () => realClock.now(),
    sleep: (ms, signal) => realClock.sleep(ms, signal),
    schedule(ms, fn) {
      pending += 1;
      scheduled += 1;
      let live = true;
      const settle = () => {
        if (live) pending -= 1;
        live = false;
      };
      const cancel = realClock.schedule(ms, () => {
        settle();
        fn();
      });
      return () => {
        settle();
        cancel();
      };
    },
  };
  await using server = await startChaosServer({ latencyMs: 300 });
  const redis = new Redis(REDIS_URL);
  const own = new Redis(REDIS_URL);
  const pauser = new Redis(REDIS_URL);
  const producer = createProducer({ url: AMQP_URL, redis, name });
  const worker = createWorker({
    url: AMQP_URL,
    redis: own,
    name,
    clock: counting,
    leaseMs: 100,
    client: { apiKey: 'sk-test', baseURL: server.url, rateLimit: false },
  });
  try {
    await worker.ready;
    const job = await producer.enqueue({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'renewal' }],
    });
    await expect.poll(() => job.status().then((st) => st?.state), { interval: 2 }).toBe('running');
    // Writes wait for 450 ms: a renewal (every 33 ms) is still in flight when the 300 ms call
    // settles, and it answers "held" afterwards.
    await pauser.call('CLIENT', 'PAUSE', '450', 'WRITE');
    await job.result();
    // The renewal answered after the call settled: it must not have scheduled the next one.
    expect(pending).toBe(0);
    await worker.stop({ graceMs: 0 });
    own.disconnect();
    const before = scheduled;
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect({ pending, scheduledSinceStop: scheduled - before }).toEqual({
      pending: 0,
      scheduledSinceStop: 0,
    });
  } finally {
    await worker.stop({ graceMs: 0 });
    await producer.close();
    for (const r of [redis, own, pauser]) r.disconnect();
  }
});
