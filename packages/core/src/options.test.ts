import { describe, expect, it } from 'vitest';
import {
  boolean,
  duration,
  fn,
  integer,
  list,
  MAX_DELAY_MS,
  nearest,
  number,
  object,
  oneOf,
  readOptions,
  string,
} from './options.ts';
import { showValue } from './show-value.ts';

const schema = {
  maxRetries: integer({ min: 0, default: 3 }),
  ratio: number({ above: 0, max: 1, default: 0.2 }),
  maxWaitMs: duration({ default: 30_000, infinity: true }),
  enabled: boolean({ default: true }),
  name: string({ default: 'retry' }),
  jitter: oneOf(['full', 'equal', 'none'] as const, { default: 'full' }),
  onRetry: fn<() => void>(),
  retryOn: list(oneOf(['transient', 'network'] as const), { default: ['transient'] }),
  spread: object({ ratio: number({ min: 0, default: 0.1 }) }),
};

const read = (input: unknown) => readOptions('retry', input, schema);

describe('readOptions', () => {
  it('fills in defaults and keeps what is given', () => {
    const o = read({ maxRetries: 5, spread: { ratio: 0.5 } });
    expect(o).toMatchObject({ maxRetries: 5, ratio: 0.2, maxWaitMs: 30_000, enabled: true, jitter: 'full' });
    expect(o.spread.ratio).toBe(0.5);
    expect(o.onRetry).toBeUndefined();
    expect(read(undefined).retryOn).toEqual(['transient']);
    expect(read({ maxRetries: undefined }).maxRetries).toBe(3);
    expect(read({ maxWaitMs: Number.POSITIVE_INFINITY }).maxWaitMs).toBe(Number.POSITIVE_INFINITY);
  });

  it.each([
    [null, 'retry: options must be an object, got null'],
    ['fast', 'retry: options must be an object, got "fast" (string)'],
    [[1], 'retry: options must be an object, got [1]'],
    [{ maxRetries: '5' }, 'retry: maxRetries must be an integer >= 0, got "5" (string)'],
    [{ maxRetries: 1.5 }, 'retry: maxRetries must be an integer >= 0, got 1.5'],
    [{ maxRetries: Number.NaN }, 'retry: maxRetries must be an integer >= 0, got NaN'],
    [{ ratio: 0 }, 'retry: ratio must be a finite number > 0 and <= 1, got 0'],
    [
      { maxWaitMs: 3e9 },
      `retry: maxWaitMs must be a duration in ms >= 0 and <= ${MAX_DELAY_MS} (or Infinity), got 3000000000`,
    ],
    [
      { maxWaitMs: -1 },
      `retry: maxWaitMs must be a duration in ms >= 0 and <= ${MAX_DELAY_MS} (or Infinity), got -1`,
    ],
    [{ enabled: 'no' }, 'retry: enabled must be true or false, got "no" (string)'],
    [{ enabled: 1 }, 'retry: enabled must be true or false, got 1'],
    [{ name: '' }, 'retry: name must be a non-empty string, got "" (string)'],
    [{ name: 42 }, 'retry: name must be a non-empty string, got 42'],
    [
      { jitter: 'ful' },
      'retry: jitter must be one of "full", "equal", "none", got "ful" (string) (did you mean "full"?)',
    ],
    [{ onRetry: 'x' }, 'retry: onRetry must be a function, got "x" (string)'],
    [
      { retryOn: ['transient', 'netwrk'] },
      'retry: retryOn[1] must be one of "transient", "network", got "netwrk" (string) (did you mean "network"?)',
    ],
    [
      { retryOn: 'transient' },
      'retry: retryOn must be an array whose items are each one of "transient", "network", got "transient" (string)',
    ],
    [{ spread: { ratio: -1 } }, 'retry: spread.ratio must be a finite number >= 0, got -1'],
    [{ spread: {}, maxWait: 0 }, 'retry: maxWait is not an option (did you mean maxWaitMs?), got 0'],
    [{ spread: { ratoi: 1 } }, 'retry: spread.ratoi is not an option (did you mean ratio?), got 1'],
    [{ colour: 'red' }, 'retry: colour is not an option, got "red" (string)'],
    [{ spread: null }, 'retry: spread must be an object, got null'],
  ])('rejects %j with one clear message', (input, message) => {
    expect(() => read(input)).toThrow(new TypeError(message));
  });

  it('says what is missing when an option is required', () => {
    expect(() => readOptions('timeout', {}, { ms: duration({ above: 0, required: true }) })).toThrow(
      new TypeError(`timeout: ms must be a duration in ms > 0 and <= ${MAX_DELAY_MS}, got undefined`),
    );
  });

  it('never shows a secret, even under an unknown key', () => {
    expect(() => readOptions('client', { apiKey: 'sk-secret-123' }, {})).toThrow(
      'client: apiKey is not an option, got a string (hidden)',
    );
    expect(() => readOptions('client', { apiKey: 12 }, { apiKey: string({ secret: true }) })).toThrow(
      'client: apiKey must be a non-empty string, got a number (hidden)',
    );
  });
});

describe('showValue', () => {
  it.each([
    ['5', '"5" (string)'],
    [5, '5'],
    [3e9, '3000000000'],
    [Number.NaN, 'NaN'],
    [-0, '-0'],
    [null, 'null'],
    [undefined, 'undefined'],
    [{}, '{}'],
    [[], '[]'],
    [{ a: 1, b: 'x', c: { d: 1 }, e: [1] }, '{ a: 1, b: "x", c: {…}, e: […] }'],
    [{ password: 'hunter2', host: 'h' }, '{ password: (hidden), host: "h" }'],
    [{ apiKey: 'sk-1', Authorization: 'Bearer x' }, '{ apiKey: (hidden), Authorization: (hidden) }'],
    [new Map(), 'Map {…}'],
    [new Error('boom'), 'Error("boom")'],
    [function named() {}, 'function named'],
    [Symbol('s'), 'Symbol(s)'],
    [10n, '10n'],
    ['x'.repeat(100), `"${'x'.repeat(60)}…" (string)`],
  ])('shows %s as %s', (value, shown) => {
    expect(showValue(value)).toBe(shown);
  });
});

describe('nearest', () => {
  it('finds a typo or a missing unit suffix, and nothing far off', () => {
    expect(nearest('maxWait', ['maxWaitMs', 'rpm', 'tpm'])).toBe('maxWaitMs');
    expect(nearest('tmp', ['maxWaitMs', 'rpm', 'tpm'])).toBe('tpm');
    expect(nearest('halfOpenAfter', ['halfOpenAfterMs', 'policy'])).toBe('halfOpenAfterMs');
    expect(nearest('colour', ['maxWaitMs', 'rpm'])).toBeUndefined();
  });
});
