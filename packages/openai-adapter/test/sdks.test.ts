import { createOpenAI } from '@ai-sdk/openai';
import type { ResilienceEvent } from '@unfazed/core';
import { type ChaosServer, startChaosServer } from '@unfazed/testing';
import { generateText, streamText } from 'ai';
import OpenAI, { AzureOpenAI } from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { resilienceOf, resilientFetch, resilientPipeline, withResilience } from '../src/index.ts';

let server: ChaosServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const KEY = 'sk-adapter-sdks-0123456789';

describe('withResilience: OpenAI and AzureOpenAI', () => {
  it('wraps an AzureOpenAI client: deployment paths, api-key auth, retries in one layer', async () => {
    server = await startChaosServer({ faults: [{ kind: 'status', status: 503, rate: 1, from: 0, to: 5 }] });
    const azure = new AzureOpenAI({
      apiKey: KEY,
      endpoint: server.origin,
      apiVersion: '2024-10-21',
      deployment: 'gpt-4o-prod',
      maxRetries: 2,
    });
    const events: ResilienceEvent[] = [];
    const client = withResilience(azure, {
      retry: { baseDelayMs: 10, jitter: 'none' },
      onEvent: (e) => events.push(e),
    });
    expect(client).toBeInstanceOf(AzureOpenAI);
    expect(client.maxRetries).toBe(0);
    const answer = await client.chat.completions.create({
      model: '',
      messages: [{ role: 'user', content: 'Hi' }],
    });
    expect(answer.choices).toHaveLength(1);
    const { requests } = server.stats();
    expect(requests.every((r) => r.path === '/openai/deployments/gpt-4o-prod/chat/completions')).toBe(true);
    expect(events.find((e) => e.type === 'openai.responded')?.key).toBe('gpt-4o-prod');
    expect(resilienceOf(client)?.pipeline).toBeDefined();
  });

  it('takes a pipeline of your own, and leaves the original client as it was', async () => {
    server = await startChaosServer();
    const original = new OpenAI({ apiKey: KEY, baseURL: server.url });
    const p = resilientPipeline({ name: 'mine' });
    const client = withResilience(original, p);
    expect(resilienceOf(client)?.pipeline).toBe(p);
    expect(original.maxRetries).toBe(2);
    await client.embeddings.create({ model: 'text-embedding-3-small', input: 'x' });
    expect(server.stats().total).toBe(1);
  });
});

describe('the Vercel AI SDK through resilientFetch', () => {
  it('generateText and streamText, chat and responses models, with 429s carried by our retries', async () => {
    server = await startChaosServer({ rpm: 2, windowMs: 200, retryAfter: 'ms' });
    const events: ResilienceEvent[] = [];
    const p = resilientPipeline({ onEvent: (e) => events.push(e), retry: { maxRetryAfterMs: 5_000 } });
    const openai = createOpenAI({ apiKey: KEY, baseURL: server.url, fetch: resilientFetch(p) });
    const chat = await generateText({ model: openai.chat('gpt-4o-mini'), prompt: 'Hi', maxRetries: 0 });
    expect(chat.text.length).toBeGreaterThan(0);
    const responses = await generateText({ model: openai('gpt-4o-mini'), prompt: 'Hi', maxRetries: 0 });
    expect(responses.text.length).toBeGreaterThan(0);
    // Two requests per 200 ms: the third waits for quota (learned from the headers) instead of failing.
    const streamed = streamText({ model: openai.chat('gpt-4o-mini'), prompt: 'Hi', maxRetries: 0 });
    let text = '';
    for await (const part of streamed.textStream) text += part;
    expect(text.length).toBeGreaterThan(0);
    expect((await streamed.usage).outputTokens).toBeGreaterThan(0);
    expect(server.stats().byStatus[200]).toBe(3);
    expect(events.some((e) => e.type === 'rate-limit.limits-learned')).toBe(true);
  });
});
