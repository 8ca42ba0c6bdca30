import { type ChaosServer, startChaosServer } from '@unfazed/testing';
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import type { ClientContext } from './client.ts';
import { compressedOpenAI, realTimeHints } from './compressed-openai.ts';
import { scaledClock } from './scaled-clock.ts';

let server: ChaosServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function contextFor(s: ChaosServer, scale: number): ClientContext {
  return {
    baseURL: s.url,
    apiKey: 'sk-test-0123456789',
    timeScale: scale,
    clock: scaledClock(scale),
    fetch: globalThis.fetch,
    onEvent: () => {},
    patienceMs: 180_000,
    onClose: () => {},
  };
}

const hello = { model: 'gpt-4o-mini', messages: [{ role: 'user' as const, content: 'Hi' }] };

describe('compressedOpenAI', () => {
  it('keeps the SDK’s own backoff, divided by the time scale', async () => {
    server = await startChaosServer({ faults: [{ kind: 'status', status: 503 }] });
    const client = compressedOpenAI(contextFor(server, 4));
    const started = performance.now();
    const err = await client.chat.completions.create(hello).catch((e: unknown) => e);
    const elapsed = performance.now() - started;
    expect(err).toBeInstanceOf(OpenAI.InternalServerError);
    // Two retries: 0.5 s and 1 s, each less up to 25 % jitter, so 1.125-1.5 s real, 281-375 ms at ×4.
    expect(server.stats().total).toBe(3);
    expect(elapsed).toBeGreaterThanOrEqual(270);
    expect(elapsed).toBeLessThan(1_000);
  });

  it('honours retry-after in compressed time, so the server on the same clock has the quota back', async () => {
    const clock = scaledClock(1_000);
    server = await startChaosServer({ rpm: 1, retryAfter: 'ms', now: () => clock.now() });
    const client = compressedOpenAI({ ...contextFor(server, 1_000), clock }, { maxRetries: 1 });
    await client.chat.completions.create(hello);
    const started = performance.now();
    const second = await client.chat.completions.create(hello);
    expect(second.object).toBe('chat.completion');
    // The server asked for up to a minute of its time: 60 ms of real time at ×1000.
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(server.stats().byStatus).toEqual({ 200: 2, 429: 1 });
  });

  it('compresses the SDK’s ten-minute request timeout', async () => {
    server = await startChaosServer({ faults: [{ kind: 'hang' }] });
    const client = compressedOpenAI(contextFor(server, 6_000), { maxRetries: 0 });
    const started = performance.now();
    await expect(client.chat.completions.create(hello)).rejects.toBeInstanceOf(
      OpenAI.APIConnectionTimeoutError,
    );
    expect(performance.now() - started).toBeGreaterThanOrEqual(95);
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});

describe('realTimeHints', () => {
  const answer = (headers: Record<string, string>) => async () =>
    new Response('{}', { status: 429, headers });

  it('divides the hints the SDK honours by the scale, and leaves the rest', async () => {
    const fetch = realTimeHints(
      answer({ 'retry-after': '20', 'retry-after-ms': '1500', 'x-request-id': 'req_1' }),
      10,
    );
    const response = await fetch('http://127.0.0.1/');
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('2');
    expect(response.headers.get('retry-after-ms')).toBe('150');
    expect(response.headers.get('x-request-id')).toBe('req_1');
  });

  it('keeps a hint the SDK would refuse (over a minute), so it still refuses it', async () => {
    const response = await realTimeHints(
      answer({ 'retry-after': '120', 'retry-after-ms': 'soon' }),
      10,
    )('http://x/');
    expect(response.headers.get('retry-after')).toBe('120');
    expect(response.headers.get('retry-after-ms')).toBe('soon');
  });
});
