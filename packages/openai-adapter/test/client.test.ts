import { ResilienceError, type ResilienceEvent } from '@unfazed/core';
import { type ChaosServer, type ChaosServerOptions, faultyFetch, startChaosServer } from '@unfazed/testing';
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createResilientClient,
  type ResilientClientOptions,
  resilienceOf,
  withCallTags,
} from '../src/index.ts';

let server: ChaosServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const KEY = 'sk-adapter-test-0123456789';
const hello = {
  model: 'gpt-4o-mini',
  messages: [{ role: 'user' as const, content: 'Hello!' }],
  max_tokens: 20,
};

async function start(chaos: ChaosServerOptions = {}, options: ResilientClientOptions = {}) {
  server = await startChaosServer(chaos);
  const events: ResilienceEvent[] = [];
  // Short waits: these tests are about behaviour, not about production-sized backoffs.
  const client = createResilientClient({
    apiKey: KEY,
    baseURL: server.url,
    retry: { baseDelayMs: 5, maxDelayMs: 20 },
    onEvent: (e) => events.push(e),
    ...options,
  });
  return { server, client, events };
}

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (e: unknown) => e,
  );

describe('createResilientClient: a drop-in for new OpenAI()', () => {
  it('is an OpenAI client whose calls go through the pipeline, with one client request id per call', async () => {
    const { client, events, server } = await start();
    expect(client).toBeInstanceOf(OpenAI);
    expect(client.maxRetries).toBe(0);
    const answer = await client.chat.completions.create(hello);
    expect(answer.choices[0]?.message.content).toBeTypeOf('string');
    const { requests } = server.stats();
    expect(requests).toHaveLength(1);
    expect(requests[0]?.clientRequestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(events.find((e) => e.type === 'openai.responded')).toMatchObject({
      status: 200,
      key: 'gpt-4o-mini',
      clientRequestId: requests[0]?.clientRequestId,
      requestId: requests[0]?.requestId,
    });
    expect(resilienceOf(client)?.stages).toHaveProperty('breaker');
  });

  it('retries 5xx itself (the SDK sends no retry of its own): one client request id for all attempts', async () => {
    const { client, server, events } = await start(
      { faults: [{ kind: 'status', status: 503, rate: 1, from: 0, to: 20 }] },
      { retry: { baseDelayMs: 25, jitter: 'none' } },
    );
    await expect(client.chat.completions.create(hello)).resolves.toBeDefined();
    const { requests } = server.stats();
    expect(requests.length).toBeGreaterThan(1);
    expect(new Set(requests.map((r) => r.clientRequestId)).size).toBe(1);
    expect(requests.at(-1)?.status).toBe(200);
    const ids = events
      .filter((e) => e.type === 'openai.responded')
      .map((e) => (e as { requestId?: string }).requestId);
    expect(ids).toEqual(requests.map((r) => r.requestId));
  });

  it("giving up, the user gets the SDK's own error class with the server's status, headers and requestID", async () => {
    const { client, server } = await start({ faults: [{ kind: 'status', status: 500, rate: 1 }] });
    const err = await failure(client.chat.completions.create(hello));
    expect(err).toBeInstanceOf(OpenAI.InternalServerError);
    const e = err as InstanceType<typeof OpenAI.InternalServerError>;
    expect(e.status).toBe(500);
    expect(e.requestID).toBe(server.stats().requests.at(-1)?.requestId);
    expect(e.headers?.get('x-request-id')).toBe(e.requestID);
    expect(server.stats().total).toBe(4); // our 3 retries, none of the SDK's
  });

  it('a bad API key or insufficient_quota: one attempt, answered at once, with the SDK error', async () => {
    const { client, server } = await start({ keys: ['sk-the-only-good-key'] });
    const started = performance.now();
    const auth = await failure(client.chat.completions.create(hello));
    expect(performance.now() - started).toBeLessThan(500);
    expect(auth).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(server.stats().total).toBe(1);
    await server.close();

    const quota = await start({ insufficientQuota: true });
    const err = await failure(quota.client.chat.completions.create(hello));
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    expect((err as { code?: string }).code).toBe('insufficient_quota');
    expect(quota.server.stats().total).toBe(1);
  });

  it('connection resets and hung attempts are retried until an answer comes', async () => {
    const { client, server } = await start(
      {
        faults: [
          { kind: 'reset', rate: 1, from: 0, to: 30 },
          { kind: 'hang', rate: 1, from: 30, to: 60 },
        ],
      },
      { timeout: { ms: 100 }, retry: { baseDelayMs: 40, jitter: 'none' } },
    );
    await expect(client.chat.completions.create(hello)).resolves.toBeDefined();
    const faults = server.stats().byFault;
    expect((faults.reset ?? 0) + (faults.hang ?? 0)).toBeGreaterThan(0);
  });

  it('an open circuit reaches the user wrapped by the SDK; ResilienceError.is finds it, with its code', async () => {
    const { client, server } = await start(
      { faults: [{ kind: 'status', status: 503, rate: 1 }] },
      { retry: false },
    );
    for (let i = 0; i < 5; i++) await failure(client.chat.completions.create(hello));
    const sent = server.stats().total;
    const err = await failure(client.chat.completions.create(hello));
    expect(err).toBeInstanceOf(OpenAI.APIConnectionError);
    expect(ResilienceError.is(err, 'CIRCUIT_OPEN')).toBe(true);
    expect(server.stats().total).toBe(sent); // refused without a request
  });

  it('honours the caller abort and the SDK timeout at every stage', async () => {
    const { client } = await start({ faults: [{ kind: 'hang', rate: 1 }] });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    await expect(client.chat.completions.create(hello, { signal: controller.signal })).rejects.toBeInstanceOf(
      OpenAI.APIUserAbortError,
    );
    const started = performance.now();
    await expect(client.chat.completions.create(hello, { timeout: 80 })).rejects.toBeInstanceOf(
      OpenAI.APIConnectionTimeoutError,
    );
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it('tags from withCallTags and x-unfazed-tag-* headers reach every event; the headers are not sent', async () => {
    const { client, events } = await start();
    await withCallTags({ feature: 'translate', user: 'u-1' }, () =>
      client.chat.completions.create(hello, { headers: { 'x-unfazed-tag-plan': 'pro' } }),
    );
    expect(events.find((e) => e.type === 'openai.responded')?.tags).toEqual({
      feature: 'translate',
      user: 'u-1',
      plan: 'pro',
    });
  });

  it('falls back to another model when the circuit of the asked one is open', async () => {
    const { client, events } = await start({}, { fallback: { models: { 'gpt-4o': ['gpt-4o-mini'] } } });
    resilienceOf(client)?.stages.breaker &&
      (resilienceOf(client)!.stages.breaker as unknown as { isolate(k: string): void }).isolate('gpt-4o');
    const answer = await client.chat.completions.create({ ...hello, model: 'gpt-4o' });
    expect(answer.model).toBe('gpt-4o-mini');
    expect(events.find((e) => e.type === 'openai.model-switched')).toMatchObject({
      from: 'gpt-4o',
      to: 'gpt-4o-mini',
      reason: 'circuit_open',
    });
  });

  it('falls back to a larger model on context_length_exceeded', async () => {
    server = await startChaosServer();
    const tooLong = {
      error: {
        message:
          "This model's maximum context length is 8192 tokens. However, your messages resulted in 9000 tokens.",
        type: 'invalid_request_error',
        param: 'messages',
        code: 'context_length_exceeded',
      },
    };
    const fetch = faultyFetch({ first: 1, rate: 0, faults: { kind: 'status', status: 400, body: tooLong } });
    const client = createResilientClient({
      apiKey: KEY,
      baseURL: server.url,
      fetch,
      fallback: { models: { 'gpt-4': ['gpt-4.1'] } },
    });
    const answer = await client.chat.completions.create({ ...hello, model: 'gpt-4' });
    expect(answer.model).toBe('gpt-4.1');
    expect(server.stats().requests.map((r) => r.model)).toEqual(['gpt-4.1']);
  });

  it('rejects options it does not know, near misses named, SDK options passed through', () => {
    expect(() => createResilientClient({ retries: {} } as never)).toThrow(
      /retries is not an option \(did you mean retry\?\)/,
    );
    expect(() => createResilientClient({ baseUrl: 'http://x' } as never)).toThrow(
      /baseUrl is not an option \(did you mean baseURL\?\)/,
    );
    expect(() => createResilientClient({ maxRetries: 2 } as never)).toThrow(/maxRetries must be 0/);
    expect(() => createResilientClient({ xyzzy: 1 } as never)).toThrow(
      'createResilientClient: xyzzy is not an option, got 1',
    );
    expect(() => createResilientClient({ apiKey: 5 } as never)).not.toThrow(TypeError); // the SDK's own checks
    expect(() => createResilientClient({ apiKey: 'sk-x', retry: 'yes' } as never)).toThrow(
      'createResilientClient: retry must be retry options, false, or a middleware, got "yes" (string)',
    );
    expect(() => createResilientClient({ apiKey: 'sk-x', timeout: { ms: 0 } })).toThrow(
      /timeout: ms must be/,
    );
    const client = createResilientClient({ apiKey: 'sk-x', timeout: 5_000, organization: 'org-1' });
    expect(client.timeout).toBe(5_000);
    expect(client.organization).toBe('org-1');
  });
});
