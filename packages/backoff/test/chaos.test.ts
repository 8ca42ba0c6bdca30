import { pipeline, ResilienceError, type ResilienceEvent } from '@unfazed/core';
import { type ChaosServer, type ChaosServerOptions, startChaosServer } from '@unfazed/testing';
import { ConstantBackoff } from 'cockatiel';
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { RetryAfterTooLongError, retry, timeout } from '../src/index.ts';

let server: ChaosServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(options: ChaosServerOptions, apiKey = 'sk-test') {
  server = await startChaosServer(options);
  return { server, client: new OpenAI({ apiKey, baseURL: server.url, maxRetries: 0 }) };
}

const body = { model: 'gpt-4o-mini', messages: [{ role: 'user' as const, content: 'Hi' }], max_tokens: 5 };

describe('retry against the chaos server, through the real openai SDK', () => {
  it('absorbs a 20 % 503 schedule: 100 calls all succeed, every 503 was retried', async () => {
    const { server, client } = await start({
      faults: [{ kind: 'status', status: 503, rate: 0.2 }],
      seed: 42,
    });
    const p = pipeline(retry({ baseDelayMs: 5, maxDelayMs: 40 }), timeout({ ms: 5_000 }));
    const events: ResilienceEvent[] = [];
    p.on((e) => events.push(e));
    for (let i = 0; i < 100; i++) {
      const answer = await p.execute(({ signal }) => client.chat.completions.create(body, { signal }), {
        key: 'gpt-4o-mini',
      });
      expect(answer.object).toBe('chat.completion');
    }
    const stats = server.stats();
    const retries = events.filter((e) => e.type === 'retry.scheduled');
    expect(stats.byStatus[200]).toBe(100);
    expect(stats.byStatus[503]).toBeGreaterThan(5);
    expect(stats.byStatus[503]).toBe(retries.length);
    expect(stats.total).toBe(100 + retries.length);
    expect(events.filter((e) => e.type === 'retry.gave-up')).toEqual([]);
    // Request ids reach the events: the server sends x-request-id on its 503s.
    expect(
      retries.every((e) => e.type === 'retry.scheduled' && /^req_/.test(e.requestIds.at(-1) ?? '')),
    ).toBe(true);
  });

  it('an expired key (401) costs exactly one request, and the SDK error arrives unchanged', async () => {
    const { server, client } = await start({ keys: ['sk-live'] }, 'sk-expired');
    const p = pipeline(retry({ baseDelayMs: 5 }));
    const error = await p
      .execute(({ signal }) => client.chat.completions.create(body, { signal }))
      .catch((e) => e);
    expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(server.stats().total).toBe(1);
  });

  it('insufficient_quota costs one request', async () => {
    const { server, client } = await start({ insufficientQuota: true });
    const p = pipeline(retry({ baseDelayMs: 5 }));
    const error = await p
      .execute(({ signal }) => client.chat.completions.create(body, { signal }))
      .catch((e) => e);
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    expect((error as InstanceType<typeof OpenAI.RateLimitError>).code).toBe('insufficient_quota');
    expect(server.stats().total).toBe(1);
  });

  it('waits the retry-after-ms the server sends on a 429 (plus spread), then succeeds', async () => {
    const { server, client } = await start({ rpm: 1, windowMs: 300, retryAfter: 'ms' });
    const p = pipeline(retry({ baseDelayMs: 1, retryAfterSpread: { minMs: 20 } }));
    const events: ResilienceEvent[] = [];
    p.on((e) => events.push(e));
    await p.execute(({ signal }) => client.chat.completions.create(body, { signal }));
    const started = performance.now();
    await p.execute(({ signal }) => client.chat.completions.create(body, { signal }));
    const waited = performance.now() - started;
    const retryEvent = events.find((e) => e.type === 'retry.scheduled');
    expect(retryEvent).toMatchObject({ delaySource: 'retry-after', status: 429 });
    const delayMs = retryEvent?.type === 'retry.scheduled' ? retryEvent.delayMs : 0;
    expect(delayMs).toBeGreaterThan(100);
    expect(waited).toBeGreaterThanOrEqual(delayMs - 2);
    expect(server.stats().byStatus).toEqual({ 200: 2, 429: 1 });
  });

  it('gives up at once with RetryAfterTooLongError when the server asks for longer than allowed', async () => {
    const { server, client } = await start({ rpm: 1, retryAfter: 'both' });
    const p = pipeline(retry({ maxRetryAfterMs: 1_000 }));
    await p.execute(({ signal }) => client.chat.completions.create(body, { signal }));
    const started = performance.now();
    const error = await p
      .execute(({ signal }) => client.chat.completions.create(body, { signal }))
      .catch((e) => e);
    expect(performance.now() - started).toBeLessThan(500);
    expect(error).toBeInstanceOf(RetryAfterTooLongError);
    expect(ResilienceError.is(error, 'RETRY_AFTER_TOO_LONG')).toBe(true);
    expect((error as RetryAfterTooLongError).retryAfterMs).toBeGreaterThan(1_000);
    expect((error as Error).cause).toBeInstanceOf(OpenAI.RateLimitError);
    expect(server.stats().total).toBe(2);
  });

  it('takes a cockatiel backoff, and a throwing shouldRetry and onRetry change nothing', async () => {
    const { server, client } = await start({
      faults: [{ kind: 'status', status: 503, rate: 0.25 }],
      seed: 7,
    });
    const p = pipeline(
      retry({
        maxRetries: 8,
        backoff: new ConstantBackoff(2),
        shouldRetry: () => {
          throw new Error('shouldRetry bug');
        },
        onRetry: async () => {
          throw new Error('onRetry bug');
        },
      }),
    );
    const events: ResilienceEvent[] = [];
    p.on((e) => events.push(e));
    for (let i = 0; i < 20; i++) {
      const answer = await p.execute(({ signal }) => client.chat.completions.create(body, { signal }));
      expect(answer.object).toBe('chat.completion');
    }
    const retries = events.filter((e) => e.type === 'retry.scheduled');
    expect(retries.length).toBeGreaterThan(0);
    expect(retries.every((e) => e.type === 'retry.scheduled' && e.delayMs === 2 && e.status === 503)).toBe(
      true,
    );
    expect(server.stats().byStatus[503]).toBe(retries.length);
    const hooks = events.flatMap((e) => (e.type === 'hook.failed' ? [e.hook] : []));
    expect(hooks.filter((h) => h === 'onRetry')).toHaveLength(retries.length);
    expect(hooks.filter((h) => h === 'shouldRetry')).toHaveLength(retries.length);
  });

  it('a hanging onGiveUp cannot hold the SDK’s 401 past the deadline', async () => {
    const { server, client } = await start({ keys: ['sk-live'] }, 'sk-expired');
    const p = pipeline(retry({ deadlineMs: 100, onGiveUp: () => new Promise(() => {}) }));
    const started = performance.now();
    const error = await p
      .execute(({ signal }) => client.chat.completions.create(body, { signal }))
      .catch((e) => e);
    expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(server.stats().total).toBe(1);
  });
});
