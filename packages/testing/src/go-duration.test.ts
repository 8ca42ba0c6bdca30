import { describe, expect, it } from 'vitest';
import { formatGoDuration } from './go-duration.ts';
import { mulberry32 } from './prng.ts';
import { estimateTokenCost } from './token-cost.ts';

describe('formatGoDuration', () => {
  it.each([
    [0, '0s'],
    [-5, '0s'],
    [0.2, '1ms'],
    [120, '120ms'],
    [999.5, '1s'],
    [1_000, '1s'],
    [2_422, '2.422s'],
    [20_000, '20s'],
    [60_000, '1m0s'],
    [90_500, '1m30.5s'],
    [360_000, '6m0s'],
    [3_600_000, '1h0m0s'],
    [3_723_010, '1h2m3.01s'],
  ])('%s ms → %s', (ms, text) => {
    expect(formatGoDuration(ms)).toBe(text);
  });
});

describe('estimateTokenCost', () => {
  it('counts message text, content parts and the output limit', () => {
    const cost = estimateTokenCost('chat', {
      messages: [
        { role: 'system', content: 'abcd' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'efghi' },
            { type: 'image_url', image_url: { url: 'x' } },
          ],
        },
      ],
      max_completion_tokens: 7,
    });
    expect(cost).toEqual({ promptTokens: 3, outputTokens: 7, total: 10 }); // ceil(9 / 4) + 7
  });

  it('uses the default output estimate, and none for embeddings', () => {
    expect(estimateTokenCost('chat', { messages: [] }).outputTokens).toBe(16);
    expect(estimateTokenCost('chat', { messages: [] }, 4).outputTokens).toBe(4);
    expect(estimateTokenCost('embeddings', { input: ['abcd', [1, 2, 3]] })).toEqual({
      promptTokens: 4,
      outputTokens: 0,
      total: 4,
    });
  });

  it('counts Responses input items and instructions', () => {
    const cost = estimateTokenCost('responses', {
      instructions: 'abcd',
      input: [{ role: 'user', content: [{ type: 'input_text', text: 'abcd' }] }],
      max_output_tokens: 1,
    });
    expect(cost).toEqual({ promptTokens: 2, outputTokens: 1, total: 3 });
  });
});

describe('mulberry32', () => {
  it('repeats for a seed and stays in [0, 1)', () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const values = Array.from({ length: 1000 }, () => a());
    expect(Array.from({ length: 1000 }, () => b())).toEqual(values);
    expect(values.every((v) => v >= 0 && v < 1)).toBe(true);
    expect(mulberry32(43)()).not.toBe(values[0]);
  });
});
