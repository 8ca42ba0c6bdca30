import { readOptions } from '@unfazed/core/internal';
import { connect } from 'amqplib';
import type { Redis } from 'ioredis';
import { namesOf } from './names.ts';
import { queueSchema } from './options.ts';

/** Options of {@link removeQueue}: the queue's `url`, `redis`, `name` and `prefix`. */
export interface RemoveQueueOptions {
  url?: string;
  redis: Redis;
  name?: string;
  prefix?: string;
}

/**
 * Deletes everything a queue made: its RabbitMQ queues (lanes, returned, dead letters, every delay
 * queue) with their messages, and its Redis keys (job states, the limiter's buckets). For tests and
 * for retiring a queue; stop its producers and workers first. Returns how many queue names it deleted (missing ones included) and Redis keys.
 *
 * @example
 * await removeQueue({ url, redis, name: `test-${runId}` });
 */
export async function removeQueue(options: RemoveQueueOptions): Promise<{ queues: number; keys: number }> {
  const { url, redis, name, prefix } = readOptions('removeQueue', options, {
    url: queueSchema.url,
    redis: queueSchema.redis,
    name: queueSchema.name,
    prefix: queueSchema.prefix,
  });
  const names = namesOf(name, prefix ?? `unfazed:queue:${name}`);
  const conn = await connect(url);
  let queues = 0;
  try {
    const ch = await conn.createChannel();
    // Deleting a queue that does not exist is no error in RabbitMQ: every possible name is deleted.
    for (const queue of names.all()) {
      const { messageCount } = await ch.deleteQueue(queue);
      queues += messageCount >= 0 ? 1 : 0;
    }
  } finally {
    await conn.close().catch(() => {});
  }
  let keys = 0;
  // Job states live under the prefix; the limiter's buckets under a hash tag of `<prefix>:rl`.
  for (const pattern of [`${names.prefix}:*`, `{${names.prefix}:rl:*`]) {
    let cursor = '0';
    do {
      const [next, found] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
      cursor = next;
      for (const key of found) keys += await redis.del(key);
    } while (cursor !== '0');
  }
  return { queues, keys };
}
