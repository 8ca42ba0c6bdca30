import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { EventListener, Pipeline } from '@unfazed/core';
import {
  duration,
  fn,
  integer,
  MAX_DELAY_MS,
  number,
  optionError,
  readOptions,
  rule,
  string,
} from '@unfazed/core/internal';
import { type ResilientClientOptions, resilienceOf } from '@unfazed/openai-adapter';
import type { ChannelModel, ConsumeMessage } from 'amqplib';
import type OpenAI from 'openai';
import { AmqpLink } from './amqp-link.ts';
import { InvalidJobError } from './errors.ts';
import './events.ts';
import { decodeJob, encodeJob, type JobMessage, peekId } from './job-message.ts';
import { JobStore } from './job-store.ts';
import { LaneScheduler } from './lanes.ts';
import { MAX_DELAY_STEP_MS, namesOf } from './names.ts';
import { type QueueOptions, queueSchema } from './options.ts';
import { QueueEvents } from './queue-events.ts';
import { type Delivery, processJob, type Run, settle } from './run-job.ts';
import { currentCall, workerClient } from './worker-client.ts';
import type { WorkerCore } from './worker-core.ts';

/** Options of {@link createWorker}. */
export interface WorkerOptions extends QueueOptions {
  /**
   * The OpenAI client's options (`apiKey`, `baseURL`, and every stage of `createResilientClient`).
   * The queue's defaults: `retry: false` (the queue retries, through its delay queues), and a
   * `rateLimit` whose store is Redis (`redisStore` under `<prefix>:rl`), shared by every worker.
   * @default {} (OPENAI_API_KEY from the environment, as the SDK reads it)
   */
  client?: ResilientClientOptions;
  /** Jobs this worker runs at once (sending, or waiting for quota). @default 8 */
  concurrency?: number;
  /**
   * Deliveries RabbitMQ hands this worker ahead, per lane (unacked, and redelivered if it dies). More
   * than `concurrency`, so a freed slot always finds the next interactive job already here.
   * @default 2 × concurrency
   */
  prefetch?: number;
  /** While both lanes wait, this share of starts goes to batch jobs: their floor. In (0, 1]. @default 0.1 */
  batchShare?: number;
  /**
   * A running job's lease in Redis, renewed every third of it: a worker that dies holding a job
   * loses it after this long, and another worker takes it over.
   * @default 30_000
   */
  leaseMs?: number;
  /** Failed sends (transient or network errors) a job may have; the last one fails it (`exhausted`). The default is one send and
   * three retries, as everywhere in Unfazed. @default 4 */
  maxAttempts?: number;
  /** The first backoff after a failure without a server hint (full jitter, doubling). @default 1_000 */
  backoffBaseMs?: number;
  /** The longest a job waits between two tries (hints longer than this are cut to it). @default 900_000 (15 min) */
  maxDelayMs?: number;
  /** `stop()` waits this long for running jobs before giving them back. @default 30_000 */
  stopGraceMs?: number;
  /**
   * How many times faster than real time `clock` runs (a compressed-time demo): RabbitMQ's delay
   * TTLs are real time, so delays are divided by it. @default 1
   */
  timeScale?: number;
  /** This worker's id in job states and events. @default `<hostname>-<pid>-<random>` */
  id?: string;
  /** Randomness of backoff jitter, in [0, 1). @default Math.random */
  random?: () => number;
}

/** A running worker; see {@link createWorker}. */
export interface Worker {
  readonly id: string;
  /** The OpenAI client it sends with (`resilienceOf(worker.client)` shows its stages). */
  readonly client: OpenAI;
  /** Resolves once it consumes (the first connection and the topology are up). */
  readonly ready: Promise<void>;
  /** Every event: the queue's (`queue.*`) and its client's pipeline (retries, limiter, `openai.*`). */
  on(listener: EventListener): () => void;
  /** The queue's events pipeline. */
  readonly pipeline: Pipeline;
  /** What it holds now. */
  stats(): { readonly running: number; readonly buffered: number; readonly connected: boolean };
  /**
   * Stops consuming, returns the deliveries it has not started to RabbitMQ, lets running jobs finish
   * for `graceMs` (then gives them back, lease released), and closes its connection. Idempotent.
   */
  stop(options?: { graceMs?: number }): Promise<void>;
}

const schema = {
  ...queueSchema,
  client: rule<ResilientClientOptions>('createResilientClient options (an object)', (value, place) => {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw optionError(place, 'createResilientClient options (an object)', value);
    }
    return value as ResilientClientOptions;
  }),
  concurrency: integer({ min: 1, default: 8 }),
  prefetch: integer({ min: 1 }),
  batchShare: number({ above: 0, max: 1, default: 0.1 }),
  leaseMs: duration({ min: 100, default: 30_000 }),
  maxAttempts: integer({ min: 1, default: 4 }),
  backoffBaseMs: duration({ above: 0, default: 1_000 }),
  maxDelayMs: duration({ above: 0, max: MAX_DELAY_STEP_MS, default: 900_000 }),
  stopGraceMs: duration({ default: 30_000 }),
  timeScale: number({ above: 0, default: 1 }),
  id: string(),
  random: fn<() => number, { default: () => number }>({ default: Math.random }),
};

/**
 * A worker of a queue: consumes both lanes (interactive first, batch at its floor) with a bounded
 * prefetch and sends each job through a resilient OpenAI client whose limiter is shared through
 * Redis. A 429 or a transient failure puts the job in a delay queue for the server's hint (never a
 * hot requeue); a client error fails it at once; an invalid message goes to the dead letter queue.
 * A job is claimed in Redis before it is sent, so a done job, or one another worker runs under a live
 * lease, is never sent again when RabbitMQ redelivers it; a worker killed mid-call loses nothing.
 *
 * @example
 * import { Redis } from 'ioredis';
 * import { createWorker, handleSignals } from '@unfazed/queue';
 *
 * const worker = createWorker({ url: 'amqp://127.0.0.1', redis: new Redis(), client: { apiKey: process.env.OPENAI_API_KEY } });
 * handleSignals(worker); // SIGTERM / SIGINT: drain, then exit
 * await worker.ready;
 */
export function createWorker(options: WorkerOptions): Worker {
  const o = readOptions('createWorker', options, schema);
  const prefix = o.prefix ?? `unfazed:queue:${o.name}`;
  const names = namesOf(o.name, prefix);
  const id = o.id ?? `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
  const store = new JobStore(o.redis, names, o.ttlMs);
  const events = new QueueEvents(o.name, o.clock, undefined);
  const halt = new AbortController();
  const running = new Map<string, Run>();
  const scheduler = new LaneScheduler<{ delivery: Delivery; job: JobMessage }>(o.batchShare);
  const concurrency = o.concurrency;
  const prefetch = o.prefetch ?? 2 * concurrency;
  let consumer: { ch: Delivery['ch']; tags: string[] } | undefined;
  let active = 0;
  let stopping = false;
  let idle: (() => void) | undefined;

  const client = workerClient(o.client ?? {}, o.redis, prefix, (call) => {
    if (!call.waiting) return;
    call.waiting = false;
    store.mark(call.job.id, id, 'running').catch(() => {});
  });
  const clientPipeline = resilienceOf(client)?.pipeline;
  // What the job's call says about it: a wait for quota is its `waiting` state, with until when.
  clientPipeline?.on((event) => {
    const call = currentCall();
    if (call === undefined) return;
    if (event.type === 'rate-limit.queued') {
      call.waiting = true;
      store.mark(call.job.id, id, 'waiting', event.time + event.waitMs).catch(() => {});
    } else if (event.type === 'openai.responded') call.requestId = event.requestId;
  });
  const on = (listener: EventListener) => {
    const offQueue = events.on(listener);
    const offClient = clientPipeline?.on(listener);
    return () => {
      offQueue();
      offClient?.();
    };
  };
  if (o.onEvent) on(o.onEvent);

  const link = new AmqpLink({
    url: o.url,
    names,
    maxLength: o.maxLength,
    onConnect: (model) => consume(model),
    onDisconnect: () => {
      consumer = undefined;
      // Deliveries of the dead channel come back from RabbitMQ; those not started are forgotten here.
      scheduler.take();
    },
  });

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        halt.signal.removeEventListener('abort', done);
        clearTimeout(timer);
        resolve();
      }
      halt.signal.addEventListener('abort', done);
    });

  const core: WorkerCore = {
    id,
    o: {
      clock: o.clock,
      source: o.source,
      leaseMs: o.leaseMs,
      maxAttempts: o.maxAttempts,
      backoff: { baseMs: o.backoffBaseMs, maxMs: o.maxDelayMs, random: o.random },
    },
    store,
    events,
    client,
    running,
    halt: halt.signal,
    async persist(operation) {
      for (let failures = 0; ; failures++) {
        try {
          return await operation();
        } catch (error) {
          if (halt.signal.aborted) throw error;
          await sleep(Math.min(2_000, 100 * 2 ** failures));
        }
      }
    },
    async delayCopy(job, deliveries, delayMs) {
      try {
        const queue = await link.delayQueue(delayMs / o.timeScale, o.publishTimeoutMs);
        await link.publish(
          queue,
          encodeJob(job),
          { messageId: job.id, contentType: 'application/json', headers: { 'x-unfazed-lane': job.lane } },
          o.publishTimeoutMs,
        );
        settle(deliveries, 'ack');
      } catch {
        // Not published: the delivery goes back (after a pause, never a hot loop) and its state decides.
        await sleep(1_000);
        settle(deliveries, 'requeue');
      }
    },
  };

  async function consume(model: ChannelModel): Promise<void> {
    if (stopping) return;
    const ch = await model.createChannel();
    ch.on('error', () => {});
    await ch.prefetch(prefetch, false);
    const tags: string[] = [];
    for (const queue of [names.lane('interactive'), names.lane('batch'), names.returned]) {
      const reply = await ch.consume(queue, (msg) => receive(ch, queue, msg), { noAck: false });
      tags.push(reply.consumerTag);
    }
    consumer = { ch, tags };
  }

  function receive(ch: Delivery['ch'], queue: string, msg: ConsumeMessage | null): void {
    if (msg === null) return; // The broker cancelled the consumer (its queue was deleted).
    const delivery = { ch, msg };
    if (stopping) {
      settle([delivery], 'requeue');
      return;
    }
    let job: JobMessage;
    try {
      job = decodeJob(msg.content);
    } catch (error) {
      deadLetter(delivery, queue, error instanceof InvalidJobError ? error.message : String(error));
      return;
    }
    scheduler.push(job.lane, { delivery, job });
    pump();
  }

  function deadLetter(delivery: Delivery, queue: string, problem: string): void {
    const jobId = peekId(delivery.msg.content);
    active++;
    link
      .publish(
        names.dead,
        delivery.msg.content,
        {
          headers: { 'x-unfazed-error': problem, 'x-unfazed-queue': queue, 'x-unfazed-worker': id },
          contentType: delivery.msg.properties.contentType,
          messageId: delivery.msg.properties.messageId,
        },
        o.publishTimeoutMs,
      )
      .then(
        () => {
          settle([delivery], 'ack');
          events.emit(
            { key: o.name, tags: {} },
            {
              type: 'queue.dead-lettered',
              source: o.source,
              jobId,
              why: 'invalid',
              error: problem,
              queue: names.dead,
            },
          );
        },
        () => settle([delivery], 'requeue'),
      )
      .finally(finished);
  }

  function pump(): void {
    while (!stopping && active < concurrency && scheduler.size > 0) {
      const item = scheduler.next()!;
      active++;
      processJob(core, item.delivery, item.job)
        .catch(() => settle([item.delivery], 'requeue'))
        .finally(finished);
    }
  }

  function finished(): void {
    active--;
    if (active === 0 && idle) idle();
    pump();
  }

  const whenIdle = (ms: number) =>
    new Promise<void>((resolve) => {
      if (active === 0) return resolve();
      const cancel = o.clock.schedule(ms, done);
      function done() {
        cancel();
        idle = undefined;
        resolve();
      }
      idle = done;
    });

  let stopped: Promise<void> | undefined;
  const ready = link.start().then(async () => {
    await link.channel(MAX_DELAY_MS);
  });
  ready.catch(() => {});

  return Object.freeze({
    id,
    client,
    ready,
    on,
    pipeline: events.pipeline,
    stats: () => ({ running: running.size, buffered: scheduler.size, connected: link.connected }),
    stop(opts?: { graceMs?: number }) {
      stopped ??= (async () => {
        const { graceMs } = readOptions('stop', opts, { graceMs: duration({ default: o.stopGraceMs }) });
        stopping = true;
        const c = consumer;
        if (c) for (const tag of c.tags) await c.ch.cancel(tag).catch(() => {});
        settle(
          scheduler.take().map((item) => item.delivery),
          'requeue',
        );
        await whenIdle(graceMs);
        halt.abort();
        await whenIdle(5_000);
        await link.close();
      })();
      return stopped;
    },
  });
}
