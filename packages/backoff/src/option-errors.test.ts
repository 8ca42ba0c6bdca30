import { ConstantBackoff, ExponentialBackoff } from 'cockatiel';
import { describe, expect, it } from 'vitest';
import { retry } from './retry.ts';
import { createRetryBudget } from './retry-budget.ts';
import { timeout } from './timeout.ts';

const DURATION = 'a duration in ms >= 0 and <= 2147483647';
const POSITIVE = 'a duration in ms > 0 and <= 2147483647';
const CATEGORY = 'one of "transient", "client", "network", "cancelled", "rejected", "unknown"';
const FACTORY = "a backoff factory (an object with next(context), like cockatiel's ExponentialBackoff)";

/** [what is wrong, the call, the option as the message names it, the value as shown, the exact message] */
type Row = [string, () => unknown, string, string, string];

const retryRows: Row[] = [
  ['not an object', () => retry(5 as never), 'options', '5', 'retry: options must be an object, got 5'],
  [
    'maxRetries < 0',
    () => retry({ maxRetries: -1 }),
    'maxRetries',
    '-1',
    'retry: maxRetries must be an integer >= 0, got -1',
  ],
  [
    'maxRetries a numeric string',
    () => retry({ maxRetries: '3' as never }),
    'maxRetries',
    '"3" (string)',
    'retry: maxRetries must be an integer >= 0, got "3" (string)',
  ],
  [
    'maxRetries fractional',
    () => retry({ maxRetries: 1.5 }),
    'maxRetries',
    '1.5',
    'retry: maxRetries must be an integer >= 0, got 1.5',
  ],
  [
    'baseDelayMs < 0',
    () => retry({ baseDelayMs: -5 }),
    'baseDelayMs',
    '-5',
    `retry: baseDelayMs must be ${DURATION}, got -5`,
  ],
  [
    'baseDelayMs beyond a timer',
    () => retry({ baseDelayMs: 2 ** 31 }),
    'baseDelayMs',
    '2147483648',
    `retry: baseDelayMs must be ${DURATION}, got 2147483648`,
  ],
  [
    'factor < 1',
    () => retry({ factor: 0.5 }),
    'factor',
    '0.5',
    'retry: factor must be a finite number >= 1, got 0.5',
  ],
  [
    'factor NaN',
    () => retry({ factor: Number.NaN }),
    'factor',
    'NaN',
    'retry: factor must be a finite number >= 1, got NaN',
  ],
  [
    'maxDelayMs Infinity',
    () => retry({ maxDelayMs: Number.POSITIVE_INFINITY }),
    'maxDelayMs',
    'Infinity',
    `retry: maxDelayMs must be ${DURATION}, got Infinity`,
  ],
  [
    'jitter misspelt',
    () => retry({ jitter: 'ful' as never }),
    'jitter',
    '"ful" (string)',
    'retry: jitter must be one of "full", "equal", "decorrelated", "none", got "ful" (string) (did you mean "full"?)',
  ],
  [
    'backoff not a factory',
    () => retry({ backoff: {} as never }),
    'backoff',
    '{}',
    `retry: backoff must be ${FACTORY}, got {}`,
  ],
  [
    'backoff the class, not an instance',
    () => retry({ backoff: ExponentialBackoff as never }),
    'backoff',
    'function ExponentialBackoff',
    `retry: backoff must be ${FACTORY}, got function ExponentialBackoff (pass an instance: new …())`,
  ],
  [
    'backoff with baseDelayMs',
    () => retry({ backoff: new ConstantBackoff(10), baseDelayMs: 500 }),
    'baseDelayMs',
    '500',
    'retry: baseDelayMs must be left out when backoff is given, got 500',
  ],
  [
    'backoff with factor',
    () => retry({ backoff: new ConstantBackoff(10), factor: 3 }),
    'factor',
    '3',
    'retry: factor must be left out when backoff is given, got 3',
  ],
  [
    'backoff with maxDelayMs',
    () => retry({ backoff: new ConstantBackoff(10), maxDelayMs: 9 }),
    'maxDelayMs',
    '9',
    'retry: maxDelayMs must be left out when backoff is given, got 9',
  ],
  [
    'backoff with jitter',
    () => retry({ backoff: new ConstantBackoff(10), jitter: 'none' }),
    'jitter',
    '"none" (string)',
    'retry: jitter must be left out when backoff is given, got "none" (string)',
  ],
  [
    'retryOn an unknown category',
    () => retry({ retryOn: ['transient', 'sometimes' as never] }),
    'retryOn[1]',
    '"sometimes" (string)',
    `retry: retryOn[1] must be ${CATEGORY}, got "sometimes" (string)`,
  ],
  [
    'retryOn not an array',
    () => retry({ retryOn: 'transient' as never }),
    'retryOn',
    '"transient" (string)',
    `retry: retryOn must be an array whose items are each ${CATEGORY}, got "transient" (string)`,
  ],
  [
    'shouldRetry not a function',
    () => retry({ shouldRetry: true as never }),
    'shouldRetry',
    'true',
    'retry: shouldRetry must be a function, got true',
  ],
  [
    'onRetry not a function',
    () => retry({ onRetry: 5 as never }),
    'onRetry',
    '5',
    'retry: onRetry must be a function, got 5',
  ],
  [
    'onGiveUp not a function',
    () => retry({ onGiveUp: 'log' as never }),
    'onGiveUp',
    '"log" (string)',
    'retry: onGiveUp must be a function, got "log" (string)',
  ],
  [
    'random a number',
    () => retry({ random: 0.5 as never }),
    'random',
    '0.5',
    'retry: random must be a function, got 0.5',
  ],
  [
    'classify an object',
    () => retry({ classify: {} as never }),
    'classify',
    '{}',
    'retry: classify must be a function, got {}',
  ],
  [
    'maxRetryAfterMs < 0',
    () => retry({ maxRetryAfterMs: -1 }),
    'maxRetryAfterMs',
    '-1',
    `retry: maxRetryAfterMs must be ${DURATION} (or Infinity), got -1`,
  ],
  [
    'retryAfterSpread.ratio < 0',
    () => retry({ retryAfterSpread: { ratio: -0.1 } }),
    'retryAfterSpread.ratio',
    '-0.1',
    'retry: retryAfterSpread.ratio must be a finite number >= 0, got -0.1',
  ],
  [
    'retryAfterSpread.minMs a string',
    () => retry({ retryAfterSpread: { minMs: '250' as never } }),
    'retryAfterSpread.minMs',
    '"250" (string)',
    `retry: retryAfterSpread.minMs must be ${DURATION}, got "250" (string)`,
  ],
  [
    'retryAfterSpread unknown key',
    () => retry({ retryAfterSpread: { minMS: 100 } as never }),
    'retryAfterSpread.minMS',
    '100',
    'retry: retryAfterSpread.minMS is not an option (did you mean minMs?), got 100',
  ],
  [
    'retryAfterSpread not an object',
    () => retry({ retryAfterSpread: 5 as never }),
    'retryAfterSpread',
    '5',
    'retry: retryAfterSpread must be an object, got 5',
  ],
  [
    'deadlineMs 0',
    () => retry({ deadlineMs: 0 }),
    'deadlineMs',
    '0',
    `retry: deadlineMs must be ${POSITIVE}, got 0`,
  ],
  [
    'deadlineMs beyond a timer',
    () => retry({ deadlineMs: 3e9 }),
    'deadlineMs',
    '3000000000',
    `retry: deadlineMs must be ${POSITIVE}, got 3000000000`,
  ],
  [
    'budget a number',
    () => retry({ budget: 3 as never }),
    'budget',
    '3',
    'retry: budget must be a RetryBudget, budget options or false, got 3',
  ],
  [
    'budget true',
    () => retry({ budget: true as never }),
    'budget',
    'true',
    'retry: budget must be a RetryBudget, budget options or false, got true',
  ],
  [
    'budget options, bad',
    () => retry({ budget: { ratio: -1 } }),
    'budget.ratio',
    '-1',
    'retry: budget.ratio must be a finite number >= 0, got -1',
  ],
  [
    'budget options, unknown key',
    () => retry({ budget: { windowMS: 100 } as never }),
    'budget.windowMS',
    '100',
    'retry: budget.windowMS is not an option (did you mean windowMs?), got 100',
  ],
  [
    'an unknown option',
    () => retry({ maxRetires: 3 } as never),
    'maxRetires',
    '3',
    'retry: maxRetires is not an option (did you mean maxRetries?), got 3',
  ],
  [
    'a missing unit',
    () => retry({ baseDelay: 100 } as never),
    'baseDelay',
    '100',
    'retry: baseDelay is not an option (did you mean baseDelayMs?), got 100',
  ],
  [
    'name empty',
    () => retry({ name: '' }),
    'name',
    '"" (string)',
    'retry: name must be a non-empty string, got "" (string)',
  ],
];

const budgetRows: Row[] = [
  [
    'not an object',
    () => createRetryBudget('x' as never),
    'options',
    '"x" (string)',
    'createRetryBudget: options must be an object, got "x" (string)',
  ],
  [
    'ratio < 0',
    () => createRetryBudget({ ratio: -1 }),
    'ratio',
    '-1',
    'createRetryBudget: ratio must be a finite number >= 0, got -1',
  ],
  [
    'windowMs below ten slices',
    () => createRetryBudget({ windowMs: 5 }),
    'windowMs',
    '5',
    'createRetryBudget: windowMs must be a duration in ms >= 10 and <= 2147483647, got 5',
  ],
  [
    'windowMs a numeric string',
    () => createRetryBudget({ windowMs: '1000' as never }),
    'windowMs',
    '"1000" (string)',
    'createRetryBudget: windowMs must be a duration in ms >= 10 and <= 2147483647, got "1000" (string)',
  ],
  [
    'minRetriesPerSecond NaN',
    () => createRetryBudget({ minRetriesPerSecond: Number.NaN }),
    'minRetriesPerSecond',
    'NaN',
    'createRetryBudget: minRetriesPerSecond must be a finite number >= 0, got NaN',
  ],
  [
    'maxKeys fractional',
    () => createRetryBudget({ maxKeys: 1.5 }),
    'maxKeys',
    '1.5',
    'createRetryBudget: maxKeys must be an integer >= 1, got 1.5',
  ],
  [
    'maxKeys 0',
    () => createRetryBudget({ maxKeys: 0 }),
    'maxKeys',
    '0',
    'createRetryBudget: maxKeys must be an integer >= 1, got 0',
  ],
  [
    'idleMs 0',
    () => createRetryBudget({ idleMs: 0 }),
    'idleMs',
    '0',
    'createRetryBudget: idleMs must be a duration in ms > 0 and <= 2147483647 (or Infinity), got 0',
  ],
  [
    'idleMs beyond a timer',
    () => createRetryBudget({ idleMs: 2 ** 31 }),
    'idleMs',
    '2147483648',
    'createRetryBudget: idleMs must be a duration in ms > 0 and <= 2147483647 (or Infinity), got 2147483648',
  ],
  [
    'a missing unit',
    () => createRetryBudget({ window: 1_000 } as never),
    'window',
    '1000',
    'createRetryBudget: window is not an option (did you mean windowMs?), got 1000',
  ],
];

const timeoutRows: Row[] = [
  [
    'no options',
    () => (timeout as (o?: unknown) => unknown)(),
    'ms',
    'undefined',
    `timeout: ms must be ${POSITIVE}, got undefined`,
  ],
  [
    'ms left out',
    () => timeout({} as never),
    'ms',
    'undefined',
    `timeout: ms must be ${POSITIVE}, got undefined`,
  ],
  ['ms 0', () => timeout({ ms: 0 }), 'ms', '0', `timeout: ms must be ${POSITIVE}, got 0`],
  [
    'ms a numeric string',
    () => timeout({ ms: '100' as never }),
    'ms',
    '"100" (string)',
    `timeout: ms must be ${POSITIVE}, got "100" (string)`,
  ],
  [
    'ms Infinity',
    () => timeout({ ms: Number.POSITIVE_INFINITY }),
    'ms',
    'Infinity',
    `timeout: ms must be ${POSITIVE}, got Infinity`,
  ],
  [
    'ms beyond a timer',
    () => timeout({ ms: 2 ** 31 }),
    'ms',
    '2147483648',
    `timeout: ms must be ${POSITIVE}, got 2147483648`,
  ],
  [
    'precisionMs < 0',
    () => timeout({ ms: 10, precisionMs: -1 }),
    'precisionMs',
    '-1',
    `timeout: precisionMs must be ${DURATION}, got -1`,
  ],
  [
    'name a number',
    () => timeout({ ms: 10, name: 5 as never }),
    'name',
    '5',
    'timeout: name must be a non-empty string, got 5',
  ],
  [
    'a missing unit',
    () => timeout({ ms: 10, precision: 5 } as never),
    'precision',
    '5',
    'timeout: precision is not an option (did you mean precisionMs?), got 5',
  ],
];

describe.each([
  ['retry', retryRows],
  ['createRetryBudget', budgetRows],
  ['timeout', timeoutRows],
])('%s refuses bad options at construction', (factory, rows) => {
  it.each(rows)('%s', (_what, make, option, shown, message) => {
    let thrown: unknown;
    try {
      make();
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(TypeError);
    const text = (thrown as TypeError).message;
    expect(text).toBe(message);
    expect(text.startsWith(`${factory}: ${option} `)).toBe(true);
    expect(text).toMatch(/ (must be .+|is not an option.*), got /);
    expect(text).toContain(`got ${shown}`);
  });
});

describe('good options are taken as they are', () => {
  it('accepts the edges: no retries, no budget, no categories, an unlimited server wait', () => {
    expect(() =>
      retry({ maxRetries: 0, budget: false, retryOn: [], maxRetryAfterMs: Number.POSITIVE_INFINITY }),
    ).not.toThrow();
    expect(() => retry({ baseDelayMs: 0, maxDelayMs: 2 ** 31 - 1, deadlineMs: 2 ** 31 - 1 })).not.toThrow();
    expect(() => retry({ backoff: new ExponentialBackoff(), budget: createRetryBudget() })).not.toThrow();
    expect(() => timeout({ ms: 2 ** 31 - 1, precisionMs: 0 })).not.toThrow();
  });

  it('treats a key set to undefined as left out', () => {
    expect(() =>
      retry({ backoff: new ConstantBackoff(1), baseDelayMs: undefined, jitter: undefined }),
    ).not.toThrow();
    expect(createRetryBudget({ idleMs: undefined }).options.idleMs).toBe(60_000);
  });

  it('names each middleware by its name option (default retry, timeout)', () => {
    expect(retry().name).toBe('retry');
    expect(retry({ name: 'chat-retry' }).name).toBe('chat-retry');
    expect(timeout({ ms: 1 }).name).toBe('timeout');
    expect(timeout({ ms: 1, name: 'attempt-timeout' }).name).toBe('attempt-timeout');
  });
});
