import { retry } from '@unfazed/backoff';
import { pipeline, ResilienceError, type ResilienceEvent } from '@unfazed/core';
import { type ChaosServer, type ChaosServerOptions, faultyFetch, startChaosServer } from '@unfazed/testing';
import type { RateLimitMiddleware } from '@unfazed/token-bucket';
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createResilientClient,
  type ResilientClientOptions,
  resilienceOf,
  resilientFetch,
} from '../src/index.ts';

let server: ChaosServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const KEY = 'sk-adapter-stream-0123456789';
const ask = {
  model: 'gpt-4o-mini',
  messages: [{ role: 'user' as const, content: 'Tell me a story' }],
  max_tokens: 30,
};

async function start(chaos: ChaosServerOptions = {}, options: ResilientClientOptions = {}) {
  server = await startChaosServer(chaos);
  const events: ResilienceEvent[] = [];
  const client = createResilientClient({
    apiKey: KEY,
    baseURL: server.url,
    retry: { baseDelayMs: 5, maxDelayMs: 10 },
    onEvent: (e) => events.push(e),
    ...options,
  });
  return { server, client, events };
}

async function chunksOf(stream: AsyncIterable<unknown>): Promise<unknown[]> {
  const chunks: unknown[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return chunks;
}

describe('streams through the adapter', () => {
  it('the caller sees exactly what the plain SDK sees, while the limiter gets the usage it asked for', async () => {
    const { client, server, events } = await start(
      {},
      { rateLimit: { tpm: 100_000, windowMs: 60_000, learnFromHeaders: false } },
    );
    const plain = new OpenAI({ apiKey: KEY, baseURL: server.url, maxRetries: 0 });
    const ours = await chunksOf(await client.chat.completions.create({ ...ask, stream: true }));
    const theirs = await chunksOf(await plain.chat.completions.create({ ...ask, stream: true }));
    const shape = (chunks: unknown[]) =>
      chunks.map((c) =>
        Object.keys(c as object)
          .sort()
          .join(','),
      );
    expect(shape(ours)).toEqual(shape(theirs));
    expect(ours.some((c) => 'usage' in (c as object))).toBe(false);
    // The server was asked for usage on our request (and only on ours).
    const sent = server.stats().requests;
    expect(sent).toHaveLength(2);
    // The reservation (prompt estimate + 30) was corrected from the stream's last chunk.
    const reconciled = events.find((e) => e.type === 'rate-limit.reconciled') as
      | { usedTokens?: number }
      | undefined;
    expect(reconciled?.usedTokens).toBeGreaterThan(0);
    const limiter = resilienceOf(client)?.stages.rateLimit as RateLimitMiddleware;
    expect((await limiter.state('gpt-4o-mini')).tokens?.admitted).toBeGreaterThan(0);
  });

  it('a caller that asked for usage itself keeps its usage chunk', async () => {
    const { client } = await start();
    const chunks = await chunksOf(
      await client.chat.completions.create({ ...ask, stream: true, stream_options: { include_usage: true } }),
    );
    expect((chunks.at(-1) as { usage?: unknown }).usage).toBeTruthy();
  });

  it('a 5xx before the headers is retried; an error frame inside a 200 stream is reported, never retried', async () => {
    server = await startChaosServer({ faults: [{ kind: 'stream-error', rate: 1, afterChunks: 2 }] });
    const events: ResilienceEvent[] = [];
    // The first attempt meets a 503 (answered in-process), the second reaches the server.
    const fetch = faultyFetch({ first: 1, rate: 0, faults: { kind: 'status', status: 503 } });
    const client = createResilientClient({
      apiKey: KEY,
      baseURL: server.url,
      fetch,
      retry: { baseDelayMs: 1 },
      onEvent: (e) => events.push(e),
    });
    const stream = await client.chat.completions.create({ ...ask, stream: true });
    const err = await chunksOf(stream).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(OpenAI.APIError);
    expect(fetch.stats).toEqual({ calls: 2, failures: 1 });
    expect(server.stats().total).toBe(1); // the broken stream was not sent again
    expect(events.filter((e) => e.type === 'retry.scheduled')).toHaveLength(1);
    // One failure: the torn-down connection after the frame is its consequence, not another.
    expect(events.filter((e) => e.type === 'openai.stream-failed')).toMatchObject([
      { why: 'error-frame', category: 'transient', reason: 'server_error' },
    ]);
  });

  it('a stream that stalls after its headers is ended by the idle timeout, and the connection closed', async () => {
    const { client, events } = await start(
      { faults: [{ kind: 'stall', rate: 1, afterChunks: 2 }] },
      { stream: { idleTimeoutMs: 100, firstChunkTimeoutMs: 1_000 } },
    );
    const started = performance.now();
    const stream = await client.chat.completions.create({ ...ask, stream: true });
    const err = await chunksOf(stream).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(ResilienceError.is(err, 'STREAM_TIMEOUT')).toBe(true);
    expect(events.find((e) => e.type === 'openai.stream-failed')).toMatchObject({
      why: 'idle-timeout',
      reason: 'timeout',
    });
  });

  it('a per-attempt timeout shorter than the stream never cuts a stream that answered in time', async () => {
    const { client } = await start({ chunkDelayMs: 40 }, { timeout: { ms: 100 } });
    const chunks = await chunksOf(await client.chat.completions.create({ ...ask, stream: true }));
    expect(chunks.length).toBeGreaterThan(4); // > 100 ms of chunks, 40 ms apart
  });

  it('reads usage, model and id of Responses API streams and of JSON bodies', async () => {
    const { client, events } = await start(
      {},
      { rateLimit: { tpm: 100_000, windowMs: 60_000, learnFromHeaders: false } },
    );
    const stream = await client.responses.create({
      model: 'gpt-4o-mini',
      input: 'Hi',
      max_output_tokens: 20,
      stream: true,
    });
    await chunksOf(stream);
    await client.embeddings.create({ model: 'text-embedding-3-small', input: ['a', 'b'] });
    const reconciled = events.filter((e) => e.type === 'rate-limit.reconciled') as unknown as {
      key: string;
      usedTokens?: number;
    }[];
    expect(reconciled.map((e) => e.key).sort()).toEqual(['gpt-4o-mini', 'text-embedding-3-small']);
    for (const e of reconciled) expect(e.usedTokens).toBeGreaterThan(0);
  });

  it('a body that cannot be replayed (a stream) is sent once, never retried', async () => {
    server = await startChaosServer({ faults: [{ kind: 'status', status: 503, rate: 1 }] });
    const fetch = resilientFetch(pipeline(retry({ baseDelayMs: 1 })));
    const body = new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(JSON.stringify(ask)));
        controller.close();
      },
    });
    const response = await fetch(`${server.url}/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
      body,
      duplex: 'half',
    } as RequestInit);
    expect(response.status).toBe(503);
    expect(server.stats().total).toBe(1);
  });
});
