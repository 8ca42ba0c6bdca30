// One process, real RabbitMQ and Redis, the real openai SDK against the chaos server: each way a
// job can end, with its state, its reason and its events.
import type { ResilienceEvent } from '@unfazed/core';
import { type ChaosServer, startChaosServer } from '@unfazed/testing';
import { connect } from 'amqplib';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  createProducer,
  createWorker,
  JobFailedError,
  type Producer,
  QueueFullError,
  type Worker,
} from '../src/index.ts';
import { AMQP_URL, cleanUp, REDIS_URL, uniqueName } from './helpers.ts';

const redis = new Redis(REDIS_URL);
const names: string[] = [];
const open: { producers: Producer[]; workers: Worker[]; servers: ChaosServer[] } = {
  producers: [],
  workers: [],
  servers: [],
};

const chat = (content: string, extra: Record<string, unknown> = {}) => ({
  model: 'gpt-4o-mini',
  messages: [{ role: 'user', content }],
  max_tokens: 20,
  ...extra,
});

async function setup(
  label: string,
  o: { server?: Parameters<typeof startChaosServer>[0]; worker?: object; start?: boolean } = {},
) {
  const name = uniqueName(label);
  names.push(name);
  const server = await startChaosServer(o.server ?? {});
  open.servers.push(server);
  const events: ResilienceEvent[] = [];
  const producer = createProducer({ url: AMQP_URL, redis, name, onEvent: (e) => events.push(e) });
  open.producers.push(producer);
  const makeWorker = (extra: object = {}) => {
    const { client, ...rest } = (o.worker ?? {}) as { client?: object };
    const worker = createWorker({
      url: AMQP_URL,
      redis,
      name,
      backoffBaseMs: 20,
      onEvent: (e) => events.push(e),
      ...rest,
      ...extra,
      client: { apiKey: 'sk-test', baseURL: server.url, ...client },
    } as Parameters<typeof createWorker>[0]);
    open.workers.push(worker);
    return worker;
  };
  const worker = o.start === false ? undefined : makeWorker();
  await worker?.ready;
  return { name, server, events, producer, worker, makeWorker };
}

const types = (events: ResilienceEvent[], jobId: string) =>
  events.filter((e) => 'jobId' in e && e.jobId === jobId).map((e) => e.type);

beforeAll(async () => {
  await redis.ping();
});

afterEach(async () => {
  await Promise.all(open.workers.splice(0).map((w) => w.stop({ graceMs: 1_000 })));
  await Promise.all(open.producers.splice(0).map((p) => p.close()));
  await Promise.all(open.servers.splice(0).map((s) => s.close()));
});

afterAll(async () => {
  await cleanUp(names);
  redis.disconnect();
});

describe('a job', () => {
  it('is done with the SDK answer, sent once with its own client request id, and says so everywhere', async () => {
    const { server, events, producer } = await setup('done');
    const job = await producer.enqueue(chat('Hello'), { tags: { feature: 'greeting' } });
    const result = (await job.result()) as { object: string; choices: unknown[] };
    expect(result.object).toBe('chat.completion');
    const status = await producer.status(job.id);
    expect(status).toMatchObject({
      state: 'done',
      attempts: 1,
      lane: 'interactive',
      tags: { feature: 'greeting' },
    });
    expect(status?.state === 'done' && status.requestId).toMatch(/^req_/);
    expect(status?.state === 'done' && status.result).toEqual(result);
    const seen = server.stats().requests;
    expect(seen).toHaveLength(1);
    expect(seen[0]!.clientRequestId).toBeTruthy();
    expect(types(events, job.id)).toEqual(
      expect.arrayContaining(['queue.enqueued', 'queue.started', 'queue.completed']),
    );
    const completed = events.find((e) => e.type === 'queue.completed');
    expect(completed).toMatchObject({
      pipeline: expect.any(String),
      source: 'queue',
      tags: { feature: 'greeting' },
      key: 'gpt-4o-mini',
    });
    // The call's own events reach the worker's listeners too, with the job's tags.
    expect(events.find((e) => e.type === 'openai.responded')).toMatchObject({
      tags: { feature: 'greeting' },
    });
  });

  it('enqueued twice under one jobId is one job', async () => {
    const { server, producer } = await setup('idempotent');
    const a = await producer.enqueue(chat('Once'), { jobId: 'order-42' });
    const b = await producer.enqueue(chat('Once'), { jobId: 'order-42' });
    expect(b.id).toBe(a.id);
    await a.result();
    await producer.enqueue(chat('Once'), { jobId: 'order-42' });
    expect(server.stats().requests).toHaveLength(1);
  });

  it('fails at once with its reason on a client error, and result() rejects with it', async () => {
    const { server, events, producer } = await setup('client-error', {
      worker: { client: { apiKey: 'sk-wrong' } },
      server: { keys: ['sk-test'] },
    });
    const job = await producer.enqueue(chat('Hi'));
    const error = await job.result().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JobFailedError);
    expect((error as JobFailedError).failure).toMatchObject({
      category: 'client',
      reason: 'authentication',
      status: 401,
    });
    expect(await producer.status(job.id)).toMatchObject({
      state: 'failed',
      why: 'not-retryable',
      attempts: 1,
    });
    expect(server.stats().total).toBe(1);
    expect(events.find((e) => e.type === 'queue.failed')).toMatchObject({
      why: 'not-retryable',
      reason: 'authentication',
      status: 401,
    });
  });

  it('fails at once on insufficient_quota (a 429 that no wait cures)', async () => {
    const { server, producer } = await setup('quota', { server: { insufficientQuota: true } });
    const job = await producer.enqueue(chat('Hi'));
    await expect(job.result()).rejects.toMatchObject({ failure: { reason: 'quota_exhausted', status: 429 } });
    expect(await producer.status(job.id)).toMatchObject({ state: 'failed', why: 'not-retryable' });
    expect(server.stats().total).toBe(1);
  });

  it('waits in a delay queue after a transient failure, then completes (never a hot requeue)', async () => {
    const { server, events, producer } = await setup('transient', {
      server: { faults: [{ kind: 'status', status: 503, from: 0, to: 300 }] },
      // The longest backoff each time (20, 40, 80 ms… on the 50 ms delay grid), and room for all of them.
      worker: { random: () => 1, maxAttempts: 10 },
    });
    const job = await producer.enqueue(chat('Hi'));
    const states = new Set<string>();
    const poll = setInterval(() => void producer.status(job.id).then((s) => s && states.add(s.state)), 10);
    await job.result();
    clearInterval(poll);
    const delayed = events.filter((e) => e.type === 'queue.delayed' && e.why === 'retry');
    expect(delayed.length).toBeGreaterThan(0);
    expect(delayed[0]).toMatchObject({ why: 'retry', reason: 'overloaded', status: 503, jobId: job.id });
    expect(states.has('waiting')).toBe(true);
    // Attempts are spread by the backoff, not fired back to back.
    const times = server.stats().requests.map((r) => r.time);
    expect(times.length).toBe(delayed.length + 1);
    expect(times.length).toBeLessThan(12);
    expect(await producer.status(job.id)).toMatchObject({ state: 'done' });
  });

  it('waits for the server hint after a 429, and the status says until when and why', async () => {
    const { producer, events } = await setup('429', {
      server: { rpm: 2, windowMs: 600, retryAfter: 'ms' },
      // No limiter in the client: the server's 429 is what this test is about.
      worker: { client: { rateLimit: false } },
    });
    const jobs = await Promise.all([1, 2, 3].map((i) => producer.enqueue(chat(`Hi ${i}`))));
    let waiting: unknown;
    const poll = setInterval(async () => {
      for (const j of jobs) {
        const s = await producer.status(j.id);
        if (s?.state === 'waiting') waiting ??= s;
      }
    }, 5);
    await Promise.all(jobs.map((j) => j.result()));
    clearInterval(poll);
    const delayed = events.find((e) => e.type === 'queue.delayed' && e.why === 'retry');
    expect(delayed).toMatchObject({ reason: 'rate_limit_requests', status: 429 });
    expect((delayed as { delayMs: number }).delayMs).toBeGreaterThan(100);
    expect(waiting).toMatchObject({
      state: 'waiting',
      why: 'retry',
      reason: 'rate_limit_requests',
      until: expect.any(Number),
    });
  });

  it('fails with deadline when its deadline passes in the queue, without being sent', async () => {
    const { server, producer, makeWorker, events } = await setup('deadline', { start: false });
    const job = await producer.enqueue(chat('Late'), { deadlineMs: 30 });
    await new Promise((r) => setTimeout(r, 60));
    // Reported at once, before any worker met it.
    expect(await producer.status(job.id)).toMatchObject({
      state: 'failed',
      why: 'deadline',
      failure: { reason: 'deadline_exceeded' },
    });
    await makeWorker().ready;
    await expect(job.result()).rejects.toMatchObject({
      failure: { category: 'cancelled', reason: 'deadline_exceeded' },
    });
    await expect.poll(() => events.some((e) => e.type === 'queue.failed' && e.why === 'deadline')).toBe(true);
    expect(server.stats().total).toBe(0);
  });

  it('fails to enqueue into a full lane with a typed QUEUE_FULL error, and its state says so', async () => {
    const { producer, events } = await setup('full', { start: false });
    await producer.enqueue(chat('declares the lanes'));
    const small = createProducer({ url: AMQP_URL, redis, name: names.at(-1)!, maxLength: 2 });
    open.producers.push(small);
    // The lanes were declared with maxLength 10 000 by the first producer: another value is refused loudly.
    await expect(small.enqueue(chat('x'))).rejects.toThrow(/PRECONDITION_FAILED|inequivalent/);
    const name = uniqueName('full2');
    names.push(name);
    const bounded = createProducer({
      url: AMQP_URL,
      redis,
      name,
      maxLength: 2,
      onEvent: (e) => events.push(e),
    });
    open.producers.push(bounded);
    await bounded.enqueue(chat('1'));
    await bounded.enqueue(chat('2'));
    const error = await bounded.enqueue(chat('3'), { jobId: 'third' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QueueFullError);
    expect(error).toMatchObject({ code: 'QUEUE_FULL', lane: 'interactive', jobId: 'third' });
    expect(await bounded.status('third')).toMatchObject({
      state: 'failed',
      why: 'queue-full',
      failure: { reason: 'queue_full', category: 'rejected' },
    });
    expect(events.find((e) => e.type === 'queue.failed')).toMatchObject({
      why: 'queue-full',
      reason: 'queue_full',
    });
    // The batch lane has its own bound.
    await expect(bounded.enqueue(chat('4'), { priority: 'batch' })).resolves.toBeDefined();
  });
});

describe('a message that is not a job', () => {
  it('goes to the dead letter queue with its reason, once, and the worker goes on', async () => {
    const { name, producer, events } = await setup('dead');
    const conn = await connect(AMQP_URL);
    const ch = await conn.createChannel();
    ch.sendToQueue(`${name}.interactive`, Buffer.from('{not json'));
    ch.sendToQueue(
      `${name}.batch`,
      Buffer.from(JSON.stringify({ v: 1, id: 'bad-1', endpoint: 'chat', request: {} })),
    );
    const job = await producer.enqueue(chat('still fine'));
    await job.result();
    await expect.poll(() => events.filter((e) => e.type === 'queue.dead-lettered').length).toBe(2);
    const dead = [await ch.get(`${name}.dead`), await ch.get(`${name}.dead`), await ch.get(`${name}.dead`)];
    expect(dead[2]).toBe(false);
    const reasons = dead.slice(0, 2).map((m) => (m ? String(m.properties.headers?.['x-unfazed-error']) : ''));
    expect(reasons).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^not JSON/),
        'request.model must be a non-empty string',
      ]),
    );
    expect(events.find((e) => e.type === 'queue.dead-lettered' && e.jobId === 'bad-1')).toMatchObject({
      why: 'invalid',
    });
    await conn.close();
  });
});

describe('priority lanes', () => {
  it('start interactive jobs first, with batch at its floor share', async () => {
    const { producer, makeWorker, events } = await setup('lanes', { start: false });
    const batch = await Promise.all(
      Array.from({ length: 12 }, (_, i) => producer.enqueue(chat(`b${i}`), { priority: 'batch' })),
    );
    const interactive = await Promise.all(
      Array.from({ length: 12 }, (_, i) => producer.enqueue(chat(`i${i}`))),
    );
    const worker = makeWorker({ concurrency: 1, batchShare: 0.25 });
    await worker.ready;
    await Promise.all([...batch, ...interactive].map((j) => j.result()));
    const order = events
      .filter((e) => e.type === 'queue.started')
      .map((e) => (e as { lane: string }).lane[0])
      .join('');
    // While both lanes wait, every fourth start is batch; once interactive is empty, batch runs alone.
    const firstTwelve = order.slice(0, 12);
    expect(firstTwelve.split('b').length - 1).toBeGreaterThanOrEqual(2);
    expect(firstTwelve.split('i').length - 1).toBeGreaterThanOrEqual(8);
    expect(order.length).toBe(24);
  });
});

describe('stop()', () => {
  it('returns what it holds and lets another worker finish it', async () => {
    const { producer, makeWorker, server } = await setup('stop', {
      server: { latencyMs: 150 },
      start: false,
    });
    const first = makeWorker({ concurrency: 2 });
    await first.ready;
    const jobs = await Promise.all(Array.from({ length: 6 }, (_, i) => producer.enqueue(chat(`s${i}`))));
    await expect.poll(() => first.stats().running).toBe(2);
    await first.stop({ graceMs: 5_000 });
    expect(first.stats()).toMatchObject({ running: 0, buffered: 0, connected: false });
    const second = makeWorker();
    await second.ready;
    await Promise.all(jobs.map((j) => j.result()));
    const ids = server.stats().requests.map((r) => r.clientRequestId);
    expect(new Set(ids).size).toBe(6);
    expect(ids).toHaveLength(6);
  });
});
