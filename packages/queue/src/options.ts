import { type Clock, type EventListener, realClock } from '@unfazed/core';
import { clockRule, duration, fn, integer, shape, string } from '@unfazed/core/internal';
import type { Redis } from 'ioredis';

/** Options every producer and worker of a queue takes; the two sides of one queue must agree on them. */
export interface QueueOptions {
  /**
   * RabbitMQ's URL (credentials included, never shown in errors or events).
   * @default 'amqp://guest:guest@127.0.0.1:5672'
   */
  url?: string;
  /** An ioredis client for the job states (yours: the queue never connects or quits it; it reconnects by itself). */
  redis: Redis;
  /** The queue's name: prefix of its RabbitMQ queues (`<name>.interactive`, …) and its events' `pipeline`. @default 'unfazed' */
  name?: string;
  /** Prefix of its Redis keys (job states, the shared limiter's buckets). @default `unfazed:queue:<name>` */
  prefix?: string;
  /**
   * Jobs each lane holds at most (ready, not yet delivered); publishing into a full lane fails with
   * `QueueFullError`. Producers and workers of one queue must use the same value (RabbitMQ refuses
   * to redeclare a queue with other arguments).
   * @default 10_000
   */
  maxLength?: number;
  /** How long a job's state (and its result) stays in Redis after its last change. @default 86_400_000 (24 h) */
  ttlMs?: number;
  /** Longest wait for RabbitMQ to confirm a publish (across a reconnect) before it fails. @default 10_000 */
  publishTimeoutMs?: number;
  /** Times of job states and events. @default realClock */
  clock?: Clock;
  /** The name in events' `source`. @default 'queue' */
  source?: string;
  /** Receives every event (the same as `.on(listener)`). */
  onEvent?: EventListener;
}

export const queueSchema = {
  url: string({ default: 'amqp://guest:guest@127.0.0.1:5672', secret: true }),
  redis: shape<Redis, { required: true }>(
    'an ioredis client',
    (v) =>
      typeof (v as Redis)?.evalsha === 'function' &&
      typeof (v as Redis).hgetall === 'function' &&
      typeof (v as Redis).duplicate === 'function',
    { required: true },
  ),
  name: string({ default: 'unfazed' }),
  prefix: string(),
  maxLength: integer({ min: 1, default: 10_000 }),
  ttlMs: duration({ above: 0, default: 86_400_000 }),
  publishTimeoutMs: duration({ above: 0, default: 10_000 }),
  clock: clockRule({ default: realClock }),
  source: string({ default: 'queue' }),
  onEvent: fn<EventListener>(),
};
