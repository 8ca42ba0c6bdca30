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

let server: ChaosServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(options?: ChaosServerOptions) {
  server = await startChaosServer(options);
  const client = new OpenAI({ apiKey: KEY, baseURL: server.url, maxRetries: 0 });
  return { server, client };
}

// 'Hi!' is 3 characters → 1 prompt token; the request costs 1 + max_tokens.
const ask = (client: OpenAI, maxTokens = 15) =>
  client.chat.completions.create({
    model: 'gpt-4o-mini',
    messages: [{ role: 'user', content: 'Hi!' }],
    max_tokens: maxTokens,
  });

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (error: unknown) => error as APIError,
  );

describe('RPM and TPM per API key', () => {
  it('answers the request over the RPM limit with OpenAI headers and body', async () => {
    const clock = new VirtualClock(1_000);
    const { client } = await start({
      rpm: 3,
      tpm: 10_000,
      now: () => clock.now(),
      retryAfter: 'both',
    });
    const remaining: (string | null)[] = [];
    for (let i = 0; i < 3; i++) {
      const { response } = await ask(client).withResponse();
      remaining.push(response.headers.get('x-ratelimit-remaining-requests'));
    }
    expect(remaining).toEqual(['2', '1', '0']);
    const error = await failure(ask(client));
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    expect(error.status).toBe(429);
    expect(error.error).toEqual({
      message:
        'Rate limit reached for gpt-4o-mini in organization org-chaos on requests per min (RPM): Limit 3, Used 3, Requested 1. Please try again in 20s. Visit https://platform.openai.com/account/rate-limits to learn more.',
      type: 'requests',
      param: null,
      code: 'rate_limit_exceeded',
    });
    const h = Object.fromEntries(
      [...error.headers!].filter(([name]) => /^(x-ratelimit|retry-after)/.test(name)),
    );
    expect(h).toEqual({
      'x-ratelimit-limit-requests': '3',
      'x-ratelimit-remaining-requests': '0',
      'x-ratelimit-reset-requests': '1m0s',
      'x-ratelimit-limit-tokens': '10000',
      'x-ratelimit-remaining-tokens': String(10_000 - 3 * 16),
      'x-ratelimit-reset-tokens': '288ms', // 48 tokens at 10000 per 60 s
      'retry-after': '20',
      'retry-after-ms': '20000',
    });
    expect(error.requestID).toMatch(/^req_/);
  });

  it('answers the request over the TPM limit with a tokens 429', async () => {
    const clock = new VirtualClock();
    const { client } = await start({ tpm: 100, now: () => clock.now() });
    await ask(client, 49); // 50 tokens
    await ask(client, 49);
    const error = await failure(ask(client, 49));
    expect(error.type).toBe('tokens');
    expect(error.code).toBe('rate_limit_exceeded');
    expect(error.message).toContain(
      'on tokens per min (TPM): Limit 100, Used 100, Requested 50. Please try again in 30s.',
    );
    expect(error.headers?.get('x-ratelimit-reset-tokens')).toBe('1m0s');
    expect(error.headers?.get('x-ratelimit-limit-requests')).toBeNull();
    expect(error.headers?.get('retry-after')).toBeNull();
  });

  it('refuses a request larger than the TPM limit outright', async () => {
    const { client, server } = await start({ tpm: 100 });
    const error = await failure(ask(client, 200));
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    expect(error.error).toEqual({
      message:
        'Request too large for gpt-4o-mini in organization org-chaos on tokens per min (TPM): Limit 100, Requested 201. The input or output tokens must be reduced in order to run successfully. Visit https://platform.openai.com/account/rate-limits to learn more.',
      type: 'tokens',
      param: null,
      code: 'rate_limit_exceeded',
    });
    expect(server.stats().requests[0]).toMatchObject({ status: 429, rateLimit: 'too-large', tokens: 201 });
    await expect(ask(client, 98)).resolves.toBeDefined(); // nothing was spent by the refusal
  });

  it('charges nothing for refused requests', async () => {
    const clock = new VirtualClock();
    const { client, server } = await start({ rpm: 2, tpm: 100, now: () => clock.now() });
    await ask(client, 79); // 80 tokens, 20 left
    expect((await failure(ask(client, 49))).type).toBe('tokens'); // 50 > 20
    await ask(client, 19); // exactly the 20 left; 0 requests left
    for (let i = 0; i < 3; i++) expect((await failure(ask(client, 0))).type).toBe('requests');
    await clock.advance(30_000); // one request and 50 tokens back
    await ask(client, 49);
    expect((await failure(ask(client, 0))).type).toBe('requests');
    const stats = server.stats();
    expect(stats.byStatus).toEqual({ 200: 3, 429: 5 });
    expect(stats.byKey[maskKey(KEY)]?.tokens).toBe(80 + 20 + 50);
  });

  it('keeps separate buckets per API key', async () => {
    const { client, server } = await start({ rpm: 1 });
    const otherKey = 'sk-other-0123456789abcdef';
    const other = new OpenAI({ apiKey: otherKey, baseURL: server.url, maxRetries: 0 });
    await ask(client);
    await expect(ask(other)).resolves.toBeDefined();
    await expect(ask(client)).rejects.toBeInstanceOf(OpenAI.RateLimitError);
    // Two keys that mask alike still get two buckets: the limiter keys on the raw key.
    const twin = new OpenAI({ apiKey: 'sk-te-different-key-cdef', baseURL: server.url, maxRetries: 0 });
    expect(maskKey('sk-te-different-key-cdef')).toBe(maskKey(KEY));
    await expect(ask(twin)).resolves.toBeDefined();
    expect(server.stats().byKey[maskKey(otherKey)]?.byStatus).toEqual({ 200: 1 });
    expect(server.stats().byKey[maskKey(KEY)]?.byStatus).toEqual({ 200: 2, 429: 1 });
  });

  it('refills continuously over a compressed minute (real time)', async () => {
    const { client } = await start({ rpm: 2, windowMs: 300 });
    await ask(client);
    await ask(client);
    const error = await failure(ask(client));
    // One request comes back every 150 ms; the hint says how long until it does.
    const hintMs = Number(/try again in (\d+)ms/.exec(error.message)?.[1]);
    expect(hintMs).toBeGreaterThan(0);
    expect(hintMs).toBeLessThanOrEqual(150);
    await new Promise((resolve) => setTimeout(resolve, hintMs + 20));
    await expect(ask(client)).resolves.toBeDefined();
    await expect(ask(client)).rejects.toBeInstanceOf(OpenAI.RateLimitError);
  });

  it('makes windowMs the length of the window the limits are per', async () => {
    const clock = new VirtualClock();
    const { client } = await start({ rpm: 2, windowMs: 10_000, now: () => clock.now() });
    const { response } = await ask(client).withResponse();
    expect(response.headers.get('x-ratelimit-reset-requests')).toBe('5s'); // one request back per 5 s
    await ask(client);
    const error = await failure(ask(client));
    expect(error.message).toContain('Limit 2, Used 2, Requested 1. Please try again in 5s.');
    expect(error.headers?.get('x-ratelimit-reset-requests')).toBe('10s');
    await clock.advance(4_999);
    expect((await failure(ask(client))).type).toBe('requests');
    await clock.advance(1);
    await expect(ask(client)).resolves.toBeDefined();
  });

  it('limits bursts to a fraction of the window limit', async () => {
    const clock = new VirtualClock();
    const { client } = await start({ rpm: 10, burst: 0.2, now: () => clock.now() });
    const { response } = await ask(client).withResponse();
    expect(response.headers.get('x-ratelimit-limit-requests')).toBe('10');
    expect(response.headers.get('x-ratelimit-remaining-requests')).toBe('1');
    await ask(client);
    const error = await failure(ask(client));
    expect(error.message).toContain('Limit 10, Used 2, Requested 1. Please try again in 6s.');
    await clock.advance(60_000); // a whole window refills only up to the burst capacity of 2
    await ask(client);
    await ask(client);
    await expect(ask(client)).rejects.toBeInstanceOf(OpenAI.RateLimitError);
  });

  it('answers insufficient_quota in quota mode until turned off', async () => {
    const { client, server } = await start({ insufficientQuota: true, rpm: 5 });
    const error = await failure(ask(client));
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    expect(error.code).toBe('insufficient_quota');
    expect(error.type).toBe('insufficient_quota');
    expect(error.message).toContain('You exceeded your current quota');
    expect(error.headers?.get('x-ratelimit-remaining-requests')).toBe('5');
    server.setInsufficientQuota(false);
    await expect(ask(client)).resolves.toBeDefined();
  });

  it('reset() refills buckets and clears stats', async () => {
    const { client, server } = await start({ rpm: 1 });
    await ask(client);
    await expect(ask(client)).rejects.toBeInstanceOf(OpenAI.RateLimitError);
    server.reset();
    expect(server.stats().total).toBe(0);
    await expect(ask(client)).resolves.toBeDefined();
    expect(server.stats().total).toBe(1);
  });
});
