import { classify } from '@unfazed/classify';
import { ResilienceError } from '@unfazed/core';
import { JobFailedError } from '@unfazed/queue';
import { startChaosServer } from '@unfazed/testing';
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { failureLabel } from './failure-label.ts';

const hello = { model: 'gpt-4o-mini', messages: [{ role: 'user' as const, content: 'Hi' }] };

async function failureOf(
  options: Parameters<typeof startChaosServer>[0],
  key = 'sk-test-0123456789',
  timeout?: number,
) {
  await using server = await startChaosServer(options);
  const client = new OpenAI({
    apiKey: key,
    baseURL: server.url,
    maxRetries: 0,
    ...(timeout ? { timeout } : {}),
  });
  await client.chat.completions.create(hello).catch(() => {});
  return await client.chat.completions.create(hello).then(
    () => 'no failure',
    (err: unknown) => failureLabel(err),
  );
}

describe('failureLabel', () => {
  it('names what the real SDK threw, in classify’s words', async () => {
    expect(await failureOf({ rpm: 1 })).toBe('429 rate_limit_requests');
    expect(await failureOf({ insufficientQuota: true })).toBe('429 quota_exhausted');
    expect(await failureOf({ keys: ['sk-another-key-000000'] })).toBe('401 authentication');
    expect(await failureOf({ faults: [{ kind: 'status', status: 503 }] })).toBe('503 overloaded');
    expect(await failureOf({ faults: [{ kind: 'reset' }] })).toBe('connection (ECONNRESET)');
    expect(await failureOf({ faults: [{ kind: 'hang' }] }, undefined, 30)).toBe('timeout');
  });

  it('names a failure the pipeline made itself, and falls back to the error’s name', () => {
    const open = new OpenAI.APIConnectionError({
      cause: new ResilienceError('CIRCUIT_OPEN', 'circuit open'),
    });
    expect(failureLabel(open)).toBe('circuit_open');
    class WeirdError extends Error {
      override name = 'WeirdError';
    }
    expect(failureLabel(new WeirdError('?'))).toBe('WeirdError');
  });

  it('names a failed job by the verdict it carries from its worker', async () => {
    await using server = await startChaosServer({ keys: ['sk-another-key-000000'] });
    const client = new OpenAI({ apiKey: 'sk-test-0123456789', baseURL: server.url, maxRetries: 0 });
    const refused = await client.chat.completions.create(hello).catch((err: unknown) => err);
    expect(failureLabel(new JobFailedError('job-1', classify(refused)))).toBe('401 authentication');
    const fake = Object.assign(new Error('x'), { failure: { reason: 42 } });
    expect(failureLabel(fake)).toBe('Error');
  });
});
