/**
 * Real errors of the real openai SDK (no mocks): the client talks to the chaos server over HTTP and
 * whatever it throws goes through classify().
 */
import { type ChaosServer, type ChaosServerOptions, startChaosServer } from '@unfazed/testing';
import OpenAI, { type APIError } from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { classify } from './classify.ts';

let server: ChaosServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(
  options?: ChaosServerOptions,
  client?: Partial<ConstructorParameters<typeof OpenAI>[0]>,
) {
  server = await startChaosServer(options);
  return new OpenAI({ apiKey: 'sk-test', baseURL: server.url, maxRetries: 0, ...client });
}

const hello = {
  model: 'gpt-4o-mini',
  messages: [{ role: 'user' as const, content: 'Hello there!' }],
  max_tokens: 20,
};

/** The error a call rejects with (fails the test if it resolves). */
async function failure(call: () => Promise<unknown>): Promise<unknown> {
  try {
    await call();
  } catch (err) {
    return err;
  }
  throw new Error('the call succeeded, but a failure was expected');
}

describe('classify() on real openai SDK errors from the chaos server', () => {
  it('429 requests-per-minute: RateLimitError → transient rate_limit_requests, waits until one request fits', async () => {
    const client = await start({ rpm: 1 });
    await client.chat.completions.create(hello);
    const err = await failure(() => client.chat.completions.create(hello));
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    const c = classify(err);
    expect(c).toMatchObject({
      category: 'transient',
      retryable: true,
      reason: 'rate_limit_requests',
      status: 429,
      code: 'rate_limit_exceeded',
      type: 'requests',
      requestId: (err as APIError).requestID,
    });
    expect(['message', 'rate-limit-reset']).toContain(c.retryAfterSource);
    expect(c.requestId).toMatch(/^req_/);
    // One request per 60 s minute was just spent: it fits again in (almost) a minute.
    expect(c.retryAfterMs).toBeGreaterThan(55_000);
    expect(c.retryAfterMs).toBeLessThanOrEqual(60_000);
    expect(c.rateLimit).toMatchObject({ limitRequests: 1, remainingRequests: 0 });
  });

  it('429 with retry-after-ms and retry-after: the explicit hint wins', async () => {
    const client = await start({ rpm: 1, windowMs: 2_000, retryAfter: 'both' });
    await client.chat.completions.create(hello);
    const c = classify(await failure(() => client.chat.completions.create(hello)));
    expect(c).toMatchObject({ reason: 'rate_limit_requests', retryAfterSource: 'retry-after' });
    expect(c.retryAfterMs).toBeGreaterThan(1_000);
    expect(c.retryAfterMs).toBeLessThanOrEqual(2_000);
    expect(Number.isInteger(c.retryAfterMs)).toBe(true); // retry-after-ms, not the rounded-up seconds
  });

  it('429 tokens-per-minute → rate_limit_tokens; a request larger than the limit → client request_too_large', async () => {
    const client = await start({ tpm: 100 });
    let err: unknown;
    for (let i = 0; i < 10 && err === undefined; i++) {
      err = await client.chat.completions.create(hello).then(
        () => undefined,
        (e: unknown) => e,
      );
    }
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    expect(classify(err)).toMatchObject({
      category: 'transient',
      retryable: true,
      reason: 'rate_limit_tokens',
      type: 'tokens',
    });
    expect(['message', 'rate-limit-reset']).toContain(classify(err).retryAfterSource);

    const tooLarge = await failure(() => client.chat.completions.create({ ...hello, max_tokens: 5_000 }));
    expect(tooLarge).toBeInstanceOf(OpenAI.RateLimitError);
    expect(classify(tooLarge)).toMatchObject({
      category: 'client',
      retryable: false,
      reason: 'request_too_large',
      status: 429,
    });
  });

  it('401 bad key: AuthenticationError → client authentication', async () => {
    const client = await start({}, { apiKey: 'not-a-key' });
    const err = await failure(() => client.chat.completions.create(hello));
    expect(err).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(classify(err)).toMatchObject({
      category: 'client',
      retryable: false,
      reason: 'authentication',
      status: 401,
      code: 'invalid_api_key',
    });
  });

  it('429 insufficient_quota: RateLimitError, but client quota_exhausted, never retried', async () => {
    const client = await start({ insufficientQuota: true });
    const err = await failure(() => client.chat.completions.create(hello));
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    expect(classify(err)).toMatchObject({
      category: 'client',
      retryable: false,
      reason: 'quota_exhausted',
      status: 429,
      code: 'insufficient_quota',
    });
  });

  it('500 and 503 faults: InternalServerError → server_error / overloaded', async () => {
    const client = await start({ faults: [{ kind: 'status', status: 500 }] });
    const err500 = await failure(() => client.chat.completions.create(hello));
    expect(err500).toBeInstanceOf(OpenAI.InternalServerError);
    expect(classify(err500)).toMatchObject({
      category: 'transient',
      retryable: true,
      reason: 'server_error',
      status: 500,
    });
    server!.setFaults([{ kind: 'status', status: 503 }]);
    const err503 = await failure(() => client.chat.completions.create(hello));
    expect(classify(err503)).toMatchObject({ category: 'transient', reason: 'overloaded', status: 503 });
  });

  it('connection reset: APIConnectionError → network connection, with the socket error code', async () => {
    const client = await start({ faults: [{ kind: 'reset' }] });
    const err = await failure(() => client.chat.completions.create(hello));
    expect(err).toBeInstanceOf(OpenAI.APIConnectionError);
    expect(err).not.toBeInstanceOf(OpenAI.APIConnectionTimeoutError);
    const c = classify(err);
    expect(c).toMatchObject({ category: 'network', retryable: true, reason: 'connection' });
    expect(c.code).toMatch(/^(?:ECONNRESET|UND_ERR_SOCKET)$/);
  });

  it("timeout: the SDK's own timeout vs a hanging server → APIConnectionTimeoutError → network timeout", async () => {
    const client = await start({ faults: [{ kind: 'hang' }] }, { timeout: 150 });
    const err = await failure(() => client.chat.completions.create(hello));
    expect(err).toBeInstanceOf(OpenAI.APIConnectionTimeoutError);
    expect(classify(err)).toMatchObject({ category: 'network', retryable: true, reason: 'timeout' });
  });

  it('user abort: APIUserAbortError → cancelled, not retryable', async () => {
    const client = await start({ faults: [{ kind: 'hang' }] });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const err = await failure(() => client.chat.completions.create(hello, { signal: controller.signal }));
    expect(err).toBeInstanceOf(OpenAI.APIUserAbortError);
    expect(classify(err)).toMatchObject({ category: 'cancelled', retryable: false, reason: 'aborted' });
  });

  it('an error inside a 200 stream: APIError without status → transient server_error', async () => {
    const client = await start({ faults: [{ kind: 'stream-error', afterChunks: 1 }] });
    const stream = await client.chat.completions.create({ ...hello, stream: true });
    const err = await failure(async () => {
      for await (const _chunk of stream) {
        // drain until the error event
      }
    });
    expect(err).toBeInstanceOf(OpenAI.APIError);
    expect((err as APIError).status).toBeUndefined();
    expect(classify(err)).toMatchObject({
      category: 'transient',
      retryable: true,
      reason: 'server_error',
      type: 'server_error',
      message: 'The server experienced an error while processing your request.',
    });
  });
});
