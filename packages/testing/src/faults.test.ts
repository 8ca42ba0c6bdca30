import OpenAI, { type APIError } from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type ChaosServer,
  type ChaosServerOptions,
  maskKey,
  startChaosServer,
  VirtualClock,
} from './index.ts';

const KEY = 'sk-test-0123456789abcdef';

const servers: ChaosServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function start(
  options?: ChaosServerOptions,
  clientOptions: Partial<ConstructorParameters<typeof OpenAI>[0]> = {},
) {
  const server = await startChaosServer(options);
  servers.push(server);
  const client = new OpenAI({ apiKey: KEY, baseURL: server.url, maxRetries: 0, ...clientOptions });
  return { server, client };
}

const ask = (client: OpenAI) =>
  client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hi!' }] });

const outcome = (promise: Promise<unknown>) =>
  promise.then(
    () => 200,
    (error: unknown) => (error instanceof OpenAI.APIError && error.status ? error.status : String(error)),
  );

describe('fault schedule', () => {
  it('answers 500/502/503 windows with OpenAI-like bodies and rate-limit headers', async () => {
    const clock = new VirtualClock();
    const { client, server } = await start({
      rpm: 10,
      now: () => clock.now(),
      faults: [
        { kind: 'status', status: 503, from: 0, to: 100 },
        { kind: 'status', status: 500, from: 100, to: 200 },
        { kind: 'status', status: 502, from: 200, to: 300 },
      ],
    });
    const error = (await ask(client).catch((e: unknown) => e)) as APIError;
    expect(error).toBeInstanceOf(OpenAI.InternalServerError);
    expect(error.status).toBe(503);
    expect(error.error).toEqual({
      message: 'The engine is currently overloaded, please try again later.',
      type: 'server_error',
      param: null,
      code: null,
    });
    expect(error.headers?.get('x-ratelimit-remaining-requests')).toBe('10'); // faults spend no quota
    await clock.advance(100);
    expect(await outcome(ask(client))).toBe(500);
    await clock.advance(100);
    expect(await outcome(ask(client))).toBe(502);
    await clock.advance(100);
    expect(await outcome(ask(client))).toBe(200);
    expect(server.stats().byStatus).toEqual({ 200: 1, 500: 1, 502: 1, 503: 1 });
  });

  it('hits a seeded, reproducible fraction of requests', async () => {
    const faults = [{ kind: 'status' as const, status: 503, rate: 0.5 }];
    const run = async (seed: number) => {
      const { client } = await start({ faults, seed });
      const results: (number | string)[] = [];
      for (let i = 0; i < 24; i++) results.push(await outcome(ask(client)));
      return results;
    };
    const first = await run(7);
    const second = await run(7);
    const other = await run(8);
    expect(second).toEqual(first);
    expect(other).not.toEqual(first);
    const failures = first.filter((s) => s === 503).length;
    expect(failures).toBeGreaterThan(4);
    expect(failures).toBeLessThan(20);
    expect(first.every((s) => s === 200 || s === 503)).toBe(true);
  });

  it('resets the socket: the SDK reports a connection error', async () => {
    const { client, server } = await start({ faults: [{ kind: 'reset' }] });
    const error = await ask(client).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.APIConnectionError);
    expect(error).not.toBeInstanceOf(OpenAI.APIConnectionTimeoutError);
    expect(server.stats().byFault).toEqual({ reset: 1 });
    expect(server.stats().requests[0]?.status).toBe(0);
  });

  it('hangs until the client times out', async () => {
    const { client, server } = await start({ faults: [{ kind: 'hang' }] }, { timeout: 150 });
    const started = performance.now();
    const error = await ask(client).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.APIConnectionTimeoutError);
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
    expect(server.stats().byFault).toEqual({ hang: 1 });
  });

  it('close() ends hanging requests instead of waiting for them', async () => {
    const { client, server } = await start({ faults: [{ kind: 'hang' }] });
    const pending = ask(client).catch((e: unknown) => e);
    while (server.stats().total === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    const started = performance.now();
    await server.close();
    expect(await pending).toBeInstanceOf(OpenAI.APIConnectionError);
    expect(performance.now() - started).toBeLessThan(1000);
    await server.close(); // idempotent
  });

  it('delays slow responses, and adds fixed latency to every answer', async () => {
    const { client } = await start({
      latencyMs: 40,
      faults: [{ kind: 'slow', delayMs: 120, rate: 1, from: 0, to: 60_000 }],
    });
    let started = performance.now();
    const { response } = await ask(client).withResponse();
    expect(performance.now() - started).toBeGreaterThanOrEqual(155);
    expect(Number(response.headers.get('openai-processing-ms'))).toBeGreaterThanOrEqual(155);
    const { client: plain } = await start({ latencyMs: 40 });
    started = performance.now();
    await ask(plain);
    const took = performance.now() - started;
    expect(took).toBeGreaterThanOrEqual(35);
    expect(took).toBeLessThan(155);
  });

  it('fails a stream mid-way with the in-stream server_error line', async () => {
    const { client, server } = await start({ faults: [{ kind: 'stream-error', afterChunks: 3 }] });
    const received: string[] = [];
    const stream = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Hi!' }],
      stream: true,
    });
    const error = await (async () => {
      for await (const chunk of stream) received.push(chunk.choices[0]?.delta.content ?? '');
    })().catch((e: unknown) => e);
    expect(received).toHaveLength(3);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect((error as APIError).message).toContain(
      'The server experienced an error while processing your request.',
    );
    expect((error as APIError).type).toBe('server_error');
    // A non-streaming request is not hit by a stream-error window.
    await expect(ask(client)).resolves.toBeDefined();
    expect(server.stats().byFault).toEqual({ 'stream-error': 1 });
    expect(server.stats().byStatus).toEqual({ 200: 2 });
  });

  it('fails a Responses stream with an error event', async () => {
    const { client } = await start({ faults: [{ kind: 'stream-error', afterChunks: 1 }] });
    const stream = await client.responses.create({ model: 'gpt-4o-mini', input: 'Hi', stream: true });
    const types: string[] = [];
    const error = await (async () => {
      for await (const event of stream) types.push(event.type);
    })().catch((e: unknown) => e);
    expect(types).toEqual(['response.created']);
    expect(error).toBeInstanceOf(OpenAI.APIError);
  });

  it('stalls a stream after afterChunks chunks, until the client gives up', async () => {
    // The SDK's own timeout does not cover a stream's body: only the caller's signal ends it.
    const { client, server } = await start({ rpm: 10, faults: [{ kind: 'stall' }] }, { timeout: 50 });
    const controller = new AbortController();
    const stream = await client.chat.completions.create(
      { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hi!' }], stream: true },
      { signal: controller.signal },
    );
    const received: OpenAI.ChatCompletionChunk[] = [];
    let abortedAt = Number.POSITIVE_INFINITY;
    for await (const chunk of stream) {
      received.push(chunk);
      setTimeout(() => {
        abortedAt = performance.now();
        controller.abort();
      }, 80);
    }
    // The SDK ends an aborted stream's iteration quietly; it ended only once the caller aborted.
    expect(performance.now()).toBeGreaterThanOrEqual(abortedAt);
    expect(received).toHaveLength(1);
    expect(received[0]?.choices[0]?.delta.role).toBe('assistant');
    expect(server.stats().requests[0]).toMatchObject({ status: 200, fault: 'stall', stream: true });
  });

  it('stalls a stream after more chunks; close() ends it with an error, never a clean end', async () => {
    const { client, server } = await start({ faults: [{ kind: 'stall', afterChunks: 3 }] });
    const stream = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Hi!' }],
      stream: true,
    });
    let received = 0;
    const ended = (async () => {
      for await (const _chunk of stream) if (++received === 3) setTimeout(() => server.close(), 20);
    })().then(
      () => 'ended',
      () => 'failed',
    );
    expect(await ended).toBe('failed');
    expect(received).toBe(3);
  });

  it('stalls a JSON answer after its headers; the quota is spent', async () => {
    const { client, server } = await start(
      { rpm: 10, faults: [{ kind: 'stall', paths: ['/v1/embeddings'] }] },
      { timeout: 60 },
    );
    const embed = () => client.embeddings.create({ model: 'text-embedding-3-small', input: 'x' });
    const response = await embed().asResponse();
    expect(response.status).toBe(200);
    expect(response.headers.get('x-ratelimit-remaining-requests')).toBe('9');
    expect(response.headers.get('x-request-id')).toMatch(/^req_/);
    // The SDK's timeout covers a JSON body: it fires while the body stalls.
    const error = await embed().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.APIConnectionTimeoutError);
    const body = response.text().then(
      () => 'ended',
      () => 'failed',
    );
    await server.close();
    expect(await body).toBe('failed');
    expect(server.stats().byFault).toEqual({ stall: 2 });
    expect(server.stats().byStatus).toEqual({ 200: 2 });
  });

  it('setFaults() replaces the schedule and limits it to paths', async () => {
    const { client, server } = await start();
    expect(await outcome(ask(client))).toBe(200);
    server.setFaults([{ kind: 'status', status: 500, paths: ['/v1/embeddings'] }]);
    expect(await outcome(ask(client))).toBe(200);
    expect(await outcome(client.embeddings.create({ model: 'text-embedding-3-small', input: 'x' }))).toBe(
      500,
    );
    server.setFaults([]);
    expect(await outcome(client.embeddings.create({ model: 'text-embedding-3-small', input: 'x' }))).toBe(
      200,
    );
    expect(() => server.setFaults([{ kind: 'slow', delayMs: -1 }])).toThrow(
      'setFaults: faults[0].delayMs must be a duration in ms >= 0 and <= 2147483647, got -1',
    );
  });
});

describe('stats', () => {
  it('counts by status, key and path, with a timeline and a request log', async () => {
    const clock = new VirtualClock();
    const { client, server } = await start({
      rpm: 2,
      windowMs: 1_000,
      now: () => clock.now(),
      statsIntervalMs: 1_000,
    });
    await ask(client);
    await ask(client);
    await ask(client).catch(() => undefined); // 429
    await clock.advance(2_500);
    await client.embeddings.create({ model: 'text-embedding-3-small', input: 'abcdefgh' });
    const stats = server.stats();
    expect(stats.total).toBe(4);
    expect(stats.byStatus).toEqual({ 200: 3, 429: 1 });
    expect(stats.byPath['/v1/chat/completions']?.byStatus).toEqual({ 200: 2, 429: 1 });
    expect(stats.byPath['/v1/embeddings']?.total).toBe(1);
    expect(stats.byKey[maskKey(KEY)]?.total).toBe(4);
    expect(stats.tokens).toBe(17 + 17 + 2);
    expect(stats.timeline.map((b) => [b.from, b.to, b.total])).toEqual([
      [0, 1000, 3],
      [1000, 2000, 0],
      [2000, 3000, 1],
    ]);
    expect(stats.timeline[0]?.byStatus).toEqual({ 200: 2, 429: 1 });
    expect(server.stats({ intervalMs: 5_000 }).timeline.map((b) => b.total)).toEqual([4]);
    expect(stats.requests.map((r) => [r.time, r.status, r.path, r.tokens])).toEqual([
      [0, 200, '/v1/chat/completions', 17],
      [0, 200, '/v1/chat/completions', 17],
      [0, 429, '/v1/chat/completions', 17],
      [2500, 200, '/v1/embeddings', 2],
    ]);
    expect(stats.requests[3]?.key).toBe(`sk-te${'*'.repeat(15)}cdef`);
    expect(stats.requests[3]?.rateLimit).toBeUndefined();
    expect(new Set(stats.requests.map((r) => r.requestId)).size).toBe(4);
    expect(stats.requests[2]?.rateLimit).toBe('requests');
  });
});
