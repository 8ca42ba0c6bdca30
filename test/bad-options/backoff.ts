// @unfazed/backoff: retry (with its nested retryAfterSpread and budget), timeout, createRetryBudget.
import { ConstantBackoff, ExponentialBackoff } from 'cockatiel';
import { createRetryBudget, retry, timeout } from '../../packages/backoff/src/index.ts';
import { type Bad, enumOf, hook, num, shape, str } from './kinds.ts';
import { type Case, caseOf, named, optionCases, type Target } from './table.ts';

const retryTarget: Target = { factory: 'retry', call: (o) => retry(o as never), show: (o) => `retry(${o})` };
const nested = (at: string): Target => ({
  factory: 'retry',
  at,
  call: (o) => retry({ [at]: o }),
  show: (o) => `retry({ ${at}: ${o} })`,
});

const budgetOptions = {
  ratio: num({ min: 0 }),
  windowMs: num({ dur: true, min: 10 }),
  minRetriesPerSecond: num({ min: 0 }),
  maxKeys: num({ int: true, min: 1 }),
  idleMs: num({ dur: true, above: 0, inf: true }),
};

const categories: Bad[] = [
  { value: 'transient' },
  { value: {} },
  { value: null },
  {
    value: ['transiant'],
    at: 'retryOn[0]',
    shown: '"transiant" (string)',
    hint: 'did you mean "transient"?',
  },
  { value: ['sometimes'], at: 'retryOn[0]', shown: '"sometimes" (string)' },
  { value: [5], at: 'retryOn[0]', shown: '5' },
];

export function backoffCases(): Case[] {
  const constant = named(new ConstantBackoff(10), 'new ConstantBackoff(10)');
  return [
    ...optionCases(
      retryTarget,
      {
        name: str(),
        maxRetries: num({ int: true, min: 0 }),
        baseDelayMs: num({ dur: true }),
        factor: num({ min: 1 }),
        maxDelayMs: num({ dur: true }),
        jitter: enumOf('ful', 'full', 'gaussian'),
        backoff: [...shape({ next: 5 }), { value: ExponentialBackoff, hint: 'pass an instance' }],
        retryOn: categories,
        shouldRetry: hook(),
        onRetry: hook(),
        onGiveUp: hook(),
        random: hook(),
        classify: hook(),
        maxRetryAfterMs: num({ dur: true, inf: true }),
        retryAfterSpread: [{ value: 'x' }, { value: 5 }, { value: [] }, { value: null }],
        deadlineMs: num({ dur: true, above: 0 }),
        budget: [{ value: 'x' }, { value: 5 }, { value: true }, { value: null }, { value: [] }],
      },
      { near: 'maxRetires', nearest: 'maxRetries' },
    ),
    ...optionCases(
      nested('retryAfterSpread'),
      { ratio: num({ min: 0 }), minMs: num({ dur: true }) },
      { near: 'rati', nearest: 'ratio' },
      [],
    ),
    ...optionCases(nested('budget'), budgetOptions, { near: 'window', nearest: 'windowMs' }, []),
    // A name that merely starts a longer one is not its near miss: `maxRetry` is not maxRetryAfterMs.
    caseOf(retryTarget, { maxRetry: 3 }, 'maxRetry', { value: 3, hint: 'did you mean maxRetries?' }),
    // A cockatiel backoff replaces the built-in shape: giving both is a mistake, not a preference.
    ...(['baseDelayMs', 'factor', 'maxDelayMs', 'jitter'] as const).map((key) => {
      const value = key === 'jitter' ? 'none' : 500;
      return caseOf(retryTarget, { backoff: constant, [key]: value }, key, { value });
    }),
    ...optionCases(
      {
        factory: 'timeout',
        call: (o) => timeout(o as never),
        show: (o) => `timeout(${o})`,
        base: { ms: 1_000 },
      },
      { ms: num({ dur: true, above: 0 }), precisionMs: num({ dur: true }), name: str() },
      { near: 'precision', nearest: 'precisionMs' },
    ),
    caseOf({ factory: 'timeout', call: (o) => timeout(o as never), show: (o) => `timeout(${o})` }, {}, 'ms', {
      value: undefined,
    }),
    ...optionCases(
      {
        factory: 'createRetryBudget',
        call: (o) => createRetryBudget(o as never),
        show: (o) => `createRetryBudget(${o})`,
      },
      budgetOptions,
      { near: 'window', nearest: 'windowMs' },
    ),
  ];
}
