import { randomUUID } from 'node:crypto';
import { classify } from '@unfazed/classify';
import type { EventListener, Pipeline } from '@unfazed/core';
import { duration, oneOf, optionError, readOptions, rule } from '@unfazed/core/internal';
import { AmqpLink, PublishRefused } from './amqp-link.ts';
import { JobFailedError, QueueFullError } from './errors.ts';
import './events.ts';
import { encodeJob, idProblem, type JobMessage, requestProblem } from './job-message.ts';
import type { JobStatus } from './job-status.ts';
import { JobStore } from './job-store.ts';
import { ENDPOINTS, type Endpoint, LANES, type Lane, namesOf } from './names.ts';
import { type QueueOptions, queueSchema } from './options.ts';
import { QueueEvents } from './queue-events.ts';
import { ResultWaiter } from './result-waiter.ts';

/** Options of {@link createProducer}. */
export interface ProducerOptions extends QueueOptions {
  /** `job.result()` also polls Redis this often, in case an announcement was missed during a reconnect. @default 1_000 */
  pollIntervalMs?: number;
}

/** Options of one {@link Producer.enqueue}. */
export interface EnqueueOptions {
  /** Which API the request is for. @default 'chat' */
  endpoint?: Endpoint;
  /** The partition key of its limits and circuit. @default the request's model */
  key?: string;
  /** Business tags (user, feature): in every event of the job and of its OpenAI call. @default {} */
  tags?: Readonly<Record<string, string>>;
  /** `interactive` goes first when quota is short; `batch` gets at least the worker's `batchShare`. @default 'interactive' */
  priority?: Lane;
  /**
   * The job's id: enqueueing an id that is already enqueued returns that job (no second message),
   * so a web handler may retry its enqueue safely. @default a random UUID
   */
  jobId?: string;
  /** The job fails (`deadline`) if it is not done this long after now, wherever it is. @default no deadline */
  deadlineMs?: number;
}

/** A job, from the process that enqueued it or any other (`producer.job(id)`). */
export interface Job {
  readonly id: string;
  /** Its state now, from Redis. */
  status(): Promise<JobStatus | undefined>;
  /**
   * The SDK's answer once it is done; rejects with `JobFailedError` (classify's verdict in
   * `failure`) when it failed, or with the signal's reason when `signal` aborts first.
   */
  result(options?: { signal?: AbortSignal }): Promise<unknown>;
}

/** Puts OpenAI requests on the queue; see {@link createProducer}. */
export interface Producer {
  /** Publishes a job (durably, confirmed by RabbitMQ) and returns its handle. */
  enqueue(request: Record<string, unknown>, options?: EnqueueOptions): Promise<Job>;
  /** The handle of a job by id (enqueued by any process). */
  job(id: string): Job;
  /** A job's state, or `undefined` when no such job is known (never enqueued, or expired). */
  status(id: string): Promise<JobStatus | undefined>;
  /** Subscribes to `queue.enqueued` and `queue.failed` (a full lane); returns the unsubscribe function. */
  on(listener: EventListener): () => void;
  /** The events pipeline (its name is the queue's). */
  readonly pipeline: Pipeline;
  /** Closes the RabbitMQ connection and the result subscription (not your Redis client). */
  close(): Promise<void>;
}

const schema = { ...queueSchema, pollIntervalMs: duration({ above: 0, default: 1_000 }) };

const tagsRule = rule<Readonly<Record<string, string>>>('an object of strings', (value, place) => {
  const ok =
    value !== null &&
    typeof value === 'object' &&
    !Array.isArray(value) &&
    Object.values(value).every((v) => typeof v === 'string');
  if (!ok) throw optionError(place, 'an object of strings', value);
  return Object.freeze({ ...(value as Record<string, string>) });
});
const idRule = rule<string>('1 to 200 printable ASCII characters', (value, place) => {
  if (idProblem(value)) throw optionError(place, '1 to 200 printable ASCII characters without spaces', value);
  return value as string;
});
const enqueueSchema = {
  endpoint: oneOf(ENDPOINTS, { default: 'chat' }),
  key: rule<string>('a non-empty string', (value, place) => {
    if (typeof value !== 'string' || value === '') throw optionError(place, 'a non-empty string', value);
    return value;
  }),
  tags: tagsRule,
  priority: oneOf(LANES, { default: 'interactive' }),
  jobId: idRule,
  deadlineMs: duration({ above: 0 }),
};

/**
 * The producing side of a queue: `enqueue(request)` stores the job's state in Redis, publishes it
 * to its lane's durable queue with a publisher confirm, and returns a handle whose `result()`
 * resolves when a worker (any process) finished it. `status(id)` answers a poll from anywhere.
 *
 * @example
 * import { Redis } from 'ioredis';
 * import { createProducer } from '@unfazed/queue';
 *
 * const queue = createProducer({ url: 'amqp://127.0.0.1', redis: new Redis() });
 * const job = await queue.enqueue({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hi' }] });
 * console.log(job.id, (await job.status())?.state); // '…', 'queued'
 * const answer = await job.result(); // a ChatCompletion, once a worker sent it
 */
export function createProducer(options: ProducerOptions): Producer {
  const o = readOptions('createProducer', options, schema);
  const names = namesOf(o.name, o.prefix ?? `unfazed:queue:${o.name}`);
  const store = new JobStore(o.redis, names, o.ttlMs);
  const events = new QueueEvents(o.name, o.clock, o.onEvent);
  const waiter = new ResultWaiter(o.redis, names.finished, store, o.clock, o.pollIntervalMs);
  const link = new AmqpLink({ url: o.url, names, maxLength: o.maxLength });
  let started: Promise<void> | undefined;
  let closed = false;

  const handle = (id: string): Job =>
    Object.freeze({
      id,
      status: () => store.read(id, o.clock.now()),
      async result(opts?: { signal?: AbortSignal }) {
        const final = await waiter.wait(id, opts?.signal);
        if (final.state === 'done') return final.result;
        throw new JobFailedError(id, final.failure);
      },
    });

  const enqueue = async (request: Record<string, unknown>, options?: EnqueueOptions): Promise<Job> => {
    if (closed) throw new Error('queue: the producer is closed');
    const e = readOptions('enqueue', options, enqueueSchema);
    const problem = requestProblem(request, e.endpoint);
    if (problem) throw new TypeError(`enqueue: ${problem}`);
    const now = o.clock.now();
    const job: JobMessage = {
      v: 1,
      id: e.jobId ?? randomUUID(),
      endpoint: e.endpoint,
      request,
      key: e.key,
      tags: e.tags ?? {},
      lane: e.priority,
      enqueuedAt: now,
      deadline: e.deadlineMs === undefined ? undefined : now + e.deadlineMs,
      clientRequestId: randomUUID(),
    };
    const scope = { key: job.key ?? String(request.model), tags: job.tags };
    started ??= link.start();
    await started;
    if ((await store.create(job)) === 'exists') return handle(job.id);
    const queue = names.lane(job.lane);
    try {
      await link.publish(
        queue,
        encodeJob(job),
        { messageId: job.id, contentType: 'application/json', headers: { 'x-unfazed-lane': job.lane } },
        o.publishTimeoutMs,
      );
    } catch (error) {
      if (!(error instanceof PublishRefused)) throw error;
      const full = new QueueFullError({ queue, lane: job.lane, jobId: job.id, maxLength: o.maxLength });
      const c = classify(full, { now: o.clock.now() });
      await store.refused(job.id, o.clock.now(), c);
      events.emit(scope, {
        type: 'queue.failed',
        source: o.source,
        jobId: job.id,
        lane: job.lane,
        why: 'queue-full',
        category: c.category,
        reason: c.reason,
        status: c.status,
        code: c.code,
        requestId: c.requestId,
      });
      throw full;
    }
    events.emit(scope, {
      type: 'queue.enqueued',
      source: o.source,
      jobId: job.id,
      lane: job.lane,
      queue,
      deadlineMs: e.deadlineMs,
    });
    await store.published(job.id);
    return handle(job.id);
  };

  return Object.freeze({
    enqueue,
    job: (id: string) => {
      const problem = idProblem(id);
      if (problem) throw new TypeError(`job: ${problem}, got ${JSON.stringify(id)}`);
      return handle(id);
    },
    status: (id: string) => store.read(id, o.clock.now()),
    on: (listener: EventListener) => events.on(listener),
    pipeline: events.pipeline,
    async close() {
      closed = true;
      await waiter.close();
      await link.close();
    },
  });
}
