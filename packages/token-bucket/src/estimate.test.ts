import { describe, expect, it } from 'vitest';
import { estimateTokens, outputTokens } from './estimate.ts';
import { memoryStore } from './memory-store.ts';
import { tokenizerEstimator } from './tokenizer.ts';

describe('estimateTokens', () => {
  it('counts chat messages at ceil(chars / 4) plus max_tokens', () => {
    const body = {
      model: 'gpt-4o',
      messages: [
        { role: 'system', content: 'Be brief.' }, // 9
        { role: 'user', content: 'Hello there!' }, // 12
      ],
      max_tokens: 100,
    };
    expect(estimateTokens(body)).toBe(Math.ceil(21 / 4) + 100);
  });

  it('counts text parts, a fixed cost per image, tool calls and tool definitions', () => {
    const tools = [{ type: 'function', function: { name: 'f', parameters: {} } }];
    const body = {
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'abcd' },
            { type: 'image_url', image_url: { url: `data:image/png;base64,${'A'.repeat(10_000)}` } },
          ],
        },
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: 'c1', type: 'function', function: { name: 'get', arguments: '{"a":1}' } }],
        },
        { role: 'tool', tool_call_id: 'c1', content: 'result!!' },
      ],
      tools,
      max_completion_tokens: 10,
    };
    const chars = 4 + 3 + 7 + 8 + JSON.stringify(tools).length;
    expect(estimateTokens(body)).toBe(Math.ceil(chars / 4) + 765 + 10);
    expect(estimateTokens(body, { imageTokens: 85 })).toBe(Math.ceil(chars / 4) + 85 + 10);
  });

  it('counts Responses input (string, items, nested parts), instructions and max_output_tokens', () => {
    expect(estimateTokens({ input: 'x'.repeat(40), max_output_tokens: 5 })).toBe(15);
    const body = {
      instructions: 'abcd',
      input: [
        {
          role: 'user',
          content: [
            { type: 'input_text', text: 'efgh' },
            { type: 'input_image', image_url: 'https://x/y.png' },
          ],
        },
        { type: 'function_call', call_id: 'c', name: 'fn', arguments: '{}' },
        { type: 'function_call_output', call_id: 'c', output: 'okok' },
      ],
    };
    expect(estimateTokens(body)).toBe(Math.ceil((4 + 4 + 2 + 2 + 4) / 4) + 765);
  });

  it('counts embeddings input: strings, string arrays, token-id arrays', () => {
    expect(estimateTokens({ input: ['abcd', 'efgh'] })).toBe(2);
    expect(estimateTokens({ input: [1, 2, 3, 4, 5] })).toBe(5);
    expect(estimateTokens({ input: [[1, 2], [3]] })).toBe(3);
  });

  it('multiplies the output part by n, and falls back to defaultOutputTokens', () => {
    expect(estimateTokens({ messages: [{ role: 'user', content: 'abcd' }], max_tokens: 10, n: 3 })).toBe(
      1 + 30,
    );
    expect(
      estimateTokens({ messages: [{ role: 'user', content: 'abcd' }] }, { defaultOutputTokens: 50 }),
    ).toBe(51);
    expect(outputTokens({ max_completion_tokens: 7, max_tokens: 100 })).toBe(7);
  });

  it('copes with nothing, strings and odd values', () => {
    expect(estimateTokens(undefined)).toBe(0);
    expect(estimateTokens('abcdefgh')).toBe(2);
    expect(estimateTokens({ messages: 'not an array', max_tokens: -1 })).toBe(Math.ceil(12 / 4));
    const cyclic: Record<string, unknown> = { content: 'ab' };
    cyclic.input = cyclic;
    expect(estimateTokens({ input: cyclic })).toBeGreaterThan(0);
  });
});

describe('tokenizerEstimator', () => {
  it('counts the prompt with gpt-tokenizer, plus message overhead and max_tokens', async () => {
    const estimate = tokenizerEstimator();
    const { countTokens } = await import('gpt-tokenizer/encoding/o200k_base');
    const text = 'The quick brown fox jumps over the lazy dog.';
    const body = { messages: [{ role: 'user', content: text }], max_tokens: 20 };
    expect(await estimate(body)).toBe(countTokens(text) + 3 * 2 + 20);
    expect(countTokens(text)).toBeLessThan(text.length / 3);
  });

  it('rejects an unknown encoding', () => {
    expect(() => tokenizerEstimator({ encoding: 'p50k' as never })).toThrow(
      /tokenizerEstimator: encoding must be/,
    );
  });
});

describe('bounded state', () => {
  it('the memory store forgets a key once its buckets are full again, and bounds the key count', async () => {
    const store = memoryStore({ maxKeys: 2 });
    const spec = { requests: { limit: 2, capacity: 1, ratePerMs: 1 / 1_000 } };
    const cost = { requests: 1, tokens: 0 };
    const ask = (key: string) => store.acquire({ key, cost, spec, now: 0, maxWaitMs: 0 });
    expect((await ask('a')).admitted).toBe(true);
    expect((await ask('a')).admitted).toBe(false);
    await ask('b');
    await ask('c'); // evicts 'a' (least recently used)
    expect((await ask('a')).admitted).toBe(true);
    expect(() => memoryStore({ maxKeys: 0 })).toThrow(/memoryStore: maxKeys must be an integer >= 1, got 0/);
    // Once full again the key holds nothing: it is forgotten (one request refills in 1 s, two in 2 s).
    const idle = memoryStore();
    await idle.acquire({ key: 'x', cost, spec, now: 0, maxWaitMs: 0 });
    expect((await idle.inspect('x', spec, 1_000)).requests?.admitted).toBe(1);
    expect((await idle.inspect('x', spec, 2_001)).requests?.admitted).toBe(0);
  });
});
