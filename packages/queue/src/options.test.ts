import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { createProducer } from './producer.ts';
import { createWorker } from './worker.ts';

// Construction only: nothing connects.
const redis = new Redis({ lazyConnect: true, enableOfflineQueue: false });
afterAll(() => redis.disconnect());

describe('options are read once, at construction, in the one format', () => {
  it('createWorker and createProducer refuse bad options with a TypeError naming them', () => {
    expect(() => createWorker({} as never)).toThrow(
      'createWorker: redis must be an ioredis client, got undefined',
    );
    expect(() => createWorker({ redis, concurency: 2 } as never)).toThrow(
      'createWorker: concurency is not an option (did you mean concurrency?), got 2',
    );
    expect(() => createWorker({ redis, concurrency: '8' } as never)).toThrow(
      'createWorker: concurrency must be an integer >= 1, got "8"',
    );
    expect(() => createWorker({ redis, batchShare: 0 })).toThrow(
      'createWorker: batchShare must be a finite number > 0 and <= 1, got 0',
    );
    expect(() => createWorker({ redis, client: 'sk-x' } as never)).toThrow(
      'createWorker: client must be createResilientClient options',
    );
    expect(() => createProducer({ redis, maxLength: 0 })).toThrow(
      'createProducer: maxLength must be an integer >= 1, got 0',
    );
    expect(() => createProducer({ redis, url: 42 } as never)).toThrow(
      'createProducer: url must be a non-empty string, got a number (hidden)',
    );
  });

  it('enqueue refuses a bad request or bad options before anything is sent', async () => {
    const producer = createProducer({ redis });
    await expect(producer.enqueue({ messages: [] })).rejects.toThrow(
      'enqueue: request.model must be a non-empty string',
    );
    await expect(producer.enqueue({ model: 'm', messages: [], stream: true })).rejects.toThrow(
      /stream must not be true/,
    );
    await expect(
      producer.enqueue({ model: 'm', messages: [] }, { priority: 'urgent' } as never),
    ).rejects.toThrow('enqueue: priority must be one of "interactive", "batch", got "urgent"');
    await expect(producer.enqueue({ model: 'm', messages: [] }, { jobId: 'a b' })).rejects.toThrow(
      /enqueue: jobId must be/,
    );
    await expect(producer.enqueue({ model: 'm', messages: [] }, { deadlineMs: -1 })).rejects.toThrow(
      'enqueue: deadlineMs must be a duration in ms > 0',
    );
    await producer.close();
  });
});
