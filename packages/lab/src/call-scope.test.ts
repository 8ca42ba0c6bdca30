import { setTimeout as sleep } from 'node:timers/promises';
import { startChaosServer } from '@unfazed/testing';
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { type CallScope, countingFetch, inCallScope } from './call-scope.ts';

describe('countingFetch', () => {
  it('counts each request for the call it belongs to, across retries, waits and concurrent calls', async () => {
    await using server = await startChaosServer({
      faults: [{ kind: 'status', status: 500, rate: 0.5 }],
      seed: 3,
    });
    const client = new OpenAI({
      apiKey: 'sk-test',
      baseURL: server.url,
      maxRetries: 0,
      fetch: countingFetch(),
    });
    const send = () => client.embeddings.create({ model: 'text-embedding-3-small', input: 'Hi' });
    const untilDone = async () => {
      for (;;) {
        try {
          return await send();
        } catch {
          await sleep(1);
        }
      }
    };
    const calls: CallScope[] = Array.from({ length: 8 }, () => ({ attempts: 0 }));
    await Promise.all(calls.map((call) => inCallScope(call, untilDone)));
    // Each call counted only its own requests, and together they are every request the server saw.
    expect(calls.every((c) => c.attempts >= 1)).toBe(true);
    expect(calls.some((c) => c.attempts > 1)).toBe(true);
    expect(calls.reduce((n, c) => n + c.attempts, 0)).toBe(server.stats().total);
    // Outside any call nothing is counted.
    await send().catch(() => {});
    expect(calls.reduce((n, c) => n + c.attempts, 0)).toBe(server.stats().total - 1);
  });
});
