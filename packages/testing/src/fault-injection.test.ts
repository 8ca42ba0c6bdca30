import { HttpStatusError } from '@unfazed/core';
import OpenAI, { type APIError } from 'openai';
import { describe, expect, it } from 'vitest';
import { faultyFetch, injectFaults, networkError } from './index.ts';

/** A fetch that answers every call with a tiny chat completion, so no server is needed. */
const healthy: typeof fetch = async () =>
  Response.json({
    id: 'chatcmpl-1',
    object: 'chat.completion',
    created: 0,
    model: 'gpt-4o-mini',
    choices: [
      { index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop', logprobs: null },
    ],
  });

const clientWith = (fetch: typeof globalThis.fetch) =>
  new OpenAI({ apiKey: 'sk-test', baseURL: 'http://unused.invalid/v1', maxRetries: 0, fetch });

const ask = (client: OpenAI) =>
  client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hi' }] });

describe('faultyFetch', () => {
  it('throws network errors shaped like undici, which the SDK reports as connection errors', async () => {
    const fetch = faultyFetch({ fetch: healthy, first: 1, rate: 0 });
    const error = await ask(clientWith(fetch)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.APIConnectionError);
    const cause = (error as Error).cause as TypeError;
    expect(cause).toBeInstanceOf(TypeError);
    expect(cause.message).toBe('fetch failed');
    expect((cause.cause as NodeJS.ErrnoException).code).toBe('ECONNRESET');
    await expect(ask(clientWith(fetch))).resolves.toMatchObject({ id: 'chatcmpl-1' });
    expect(fetch.stats).toEqual({ calls: 2, failures: 1 });
  });

  it('answers status faults with a synthetic OpenAI error response', async () => {
    const fetch = faultyFetch({ fetch: healthy, faults: { kind: 'status', status: 503 } });
    const error = await ask(clientWith(fetch)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.InternalServerError);
    expect((error as APIError).status).toBe(503);
    expect((error as APIError).type).toBe('server_error');
    expect((error as APIError).requestID).toMatch(/^req_/);
    const limited = faultyFetch({
      fetch: healthy,
      faults: { kind: 'status', status: 429, headers: { 'retry-after': '2' } },
    });
    const rateLimited = (await ask(clientWith(limited)).catch((e: unknown) => e)) as APIError;
    expect(rateLimited).toBeInstanceOf(OpenAI.RateLimitError);
    expect(rateLimited.headers?.get('retry-after')).toBe('2');
    expect(rateLimited.code).toBe('rate_limit_exceeded');
  });

  it('fails a seeded, reproducible fraction of calls', async () => {
    const run = async (seed: number) => {
      const fetch = faultyFetch({
        fetch: healthy,
        rate: 0.3,
        seed,
        faults: [{ kind: 'network' }, { kind: 'status', status: 500 }],
      });
      const outcomes: string[] = [];
      for (let i = 0; i < 40; i++) {
        outcomes.push(
          await fetch('http://unused.invalid').then(
            (r) => String(r.status),
            (e: TypeError) => e.message,
          ),
        );
      }
      return { outcomes, stats: fetch.stats };
    };
    const a = await run(3);
    const b = await run(3);
    expect(b.outcomes).toEqual(a.outcomes);
    expect((await run(4)).outcomes).not.toEqual(a.outcomes);
    expect(a.stats.calls).toBe(40);
    expect(a.stats.failures).toBe(a.outcomes.filter((o) => o !== '200').length);
    expect(a.stats.failures).toBeGreaterThan(4);
    expect(a.stats.failures).toBeLessThan(24);
    expect(new Set(a.outcomes)).toEqual(new Set(['200', '500', 'fetch failed']));
  });
});

describe('injectFaults', () => {
  it('fails the first calls, then calls through with the same arguments', async () => {
    const double = injectFaults(async (x: number) => x * 2, {
      first: 2,
      rate: 0,
      faults: { kind: 'status', status: 503 },
    });
    const first = await double(1).catch((e: unknown) => e);
    expect(first).toBeInstanceOf(HttpStatusError);
    expect((first as HttpStatusError).status).toBe(503);
    expect((first as HttpStatusError).body).toMatchObject({ error: { type: 'server_error' } });
    await expect(double(2)).rejects.toBeInstanceOf(HttpStatusError);
    await expect(double(3)).resolves.toBe(6);
    expect(double.stats).toEqual({ calls: 3, failures: 2 });
  });

  it('throws network errors or errors of your choice', async () => {
    const boom = new Error('boom');
    const fn = injectFaults(() => 'fine', { faults: { kind: 'error', error: boom } });
    await expect(fn()).rejects.toBe(boom);
    const made = injectFaults(() => 'fine', {
      faults: { kind: 'error', error: () => new RangeError('fresh') },
    });
    await expect(made()).rejects.toThrow(RangeError);
    const net = injectFaults(() => 'fine', { faults: { kind: 'network', code: 'ECONNREFUSED' } });
    const error = (await net().catch((e: unknown) => e)) as TypeError;
    expect((error.cause as NodeJS.ErrnoException).code).toBe('ECONNREFUSED');
    expect(networkError().cause).toMatchObject({ code: 'ECONNRESET', message: 'read ECONNRESET' });
    await expect(injectFaults(() => 'fine', { rate: 0 })()).resolves.toBe('fine');
  });

  it('validates options', () => {
    expect(() => injectFaults(() => 1, { rate: 2 })).toThrow(
      new TypeError('injectFaults: rate must be a finite number >= 0 and <= 1, got 2'),
    );
    expect(() => faultyFetch({ faults: [] })).toThrow(/^faultyFetch: faults must be /);
    expect(() => faultyFetch({ faults: { kind: 'status', status: 42 } })).toThrow(
      new TypeError('faultyFetch: faults.status must be an integer >= 400 and <= 599, got 42'),
    );
  });
});
