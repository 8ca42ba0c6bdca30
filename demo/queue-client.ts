// The demo's fifth contender: every call becomes a job in RabbitMQ (`@unfazed/queue`), two workers
// send the jobs at the pace the account allows, and the caller awaits the job's result. It needs
// RabbitMQ (AMQP_URL, default amqp://127.0.0.1:5672) and Redis (REDIS_URL, default
// redis://127.0.0.1:6379); `pnpm demo` adds it when both answer.
import { randomUUID } from 'node:crypto';
import type { ClientEntry } from '@unfazed/lab';
import { createProducer, createWorker, removeQueue } from '@unfazed/queue';
import { memoryStore } from '@unfazed/token-bucket';
import { Redis } from 'ioredis';

export const AMQP_URL = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

const queue: ClientEntry = {
  id: 'queue',
  label: '@unfazed/queue',
  description:
    'Each call is a job in RabbitMQ; two workers (createResilientClient inside) send them at the pace the account allows; the caller waits for the result.',
  async create(ctx) {
    const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 2 });
    await redis.connect();
    const name = `unfazed-demo-${randomUUID().slice(0, 8)}`;
    const common = { url: AMQP_URL, redis, name, clock: ctx.clock };
    // One in-process limiter store for both workers: they share the account's limits the way
    // worker processes share them through Redis (redisStore reads Redis's clock, which the demo
    // cannot compress).
    const store = memoryStore();
    const workers = [1, 2].map(() =>
      createWorker({
        ...common,
        timeScale: ctx.timeScale,
        concurrency: 16,
        client: { apiKey: ctx.apiKey, baseURL: ctx.baseURL, clock: ctx.clock, rateLimit: { store } },
        onEvent: ctx.onEvent,
      }),
    );
    const producer = createProducer(common);
    ctx.onClose(async () => {
      await producer.close();
      await Promise.all(workers.map((w) => w.stop({ graceMs: 0 })));
      await removeQueue({ url: AMQP_URL, redis, name });
      redis.disconnect();
    });
    await Promise.all(workers.map((w) => w.ready));
    // A service with a queue runs for days: its connections are up before the traffic comes. One
    // job before the scenario starts opens them (the lab resets the server's counts after this).
    await (await producer.enqueue({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'warm-up' }] }))
      .result()
      .catch(() => {});
    // The caller gives up after ctx.patienceMs; so does its job, instead of spending quota later.
    return async (request) =>
      (await producer.enqueue({ ...request, stream: false }, { deadlineMs: ctx.patienceMs })).result();
  },
};

export default queue;
