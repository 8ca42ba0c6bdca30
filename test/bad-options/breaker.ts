// @unfazed/breaker: breaker (with its nested policy), bulkhead, fallback, fromCockatiel.
import { ConsecutiveBreaker, retry as cockatielRetry, handleAll } from 'cockatiel';
import { breaker, bulkhead, fallback, fromCockatiel } from '../../packages/breaker/src/index.ts';
import { type Bad, flag, hook, num, shape, str } from './kinds.ts';
import { argCases, type Case, caseOf, named, optionCases, type Target } from './table.ts';

const breakerTarget: Target = {
  factory: 'breaker',
  call: (o) => breaker(o as never),
  show: (o) => `breaker(${o})`,
};
const policyTarget: Target = {
  factory: 'breaker',
  at: 'policy',
  base: { ratio: 0.5 },
  call: (o) => breaker({ policy: o as never }),
  show: (o) => `breaker({ policy: ${o} })`,
};

function noBreaker(): void {}

const policies: Bad[] = [
  ...shape(),
  { value: { success() {} } },
  { value: noBreaker, hint: 'it returned undefined' },
  { value: ConsecutiveBreaker, hint: 'it returned TypeError' },
];

const snapshots: Bad[] = [
  ...shape(),
  { value: { version: 2, circuits: {} } },
  { value: { version: 1, circuits: [] } },
  { value: { version: 1, circuits: { a: 5 } }, at: 'initialState.circuits["a"]', shown: '5' },
  {
    value: { version: 1, circuits: { a: { state: 'opened' } } },
    at: 'initialState.circuits["a"]',
    shown: '{ state: "opened" }',
  },
];

const whenLists: Bad[] = [
  { value: 'CIRCUIT_OPEN' },
  { value: 5 },
  { value: null },
  { value: {} },
  { value: [] },
  {
    value: ['CIRCUT_OPEN'],
    at: 'when[0]',
    shown: '"CIRCUT_OPEN" (string)',
    hint: 'did you mean "CIRCUIT_OPEN"?',
  },
  { value: ['200'], at: 'when[0]', shown: '"200" (string)' },
  { value: [503], at: 'when[0]', shown: '503' },
];

export function breakerCases(): Case[] {
  const policy = named(
    cockatielRetry(handleAll, { maxAttempts: 1 }),
    'cockatielRetry(handleAll, { maxAttempts: 1 })',
  );
  const fallbackTarget: Target = {
    factory: 'fallback',
    base: { value: 'cached' },
    call: (o) => fallback(o as never),
    show: (o) => `fallback(${o})`,
  };
  return [
    ...optionCases(
      breakerTarget,
      {
        name: str(),
        policy: policies,
        halfOpenAfterMs: num({ dur: true }),
        maxOpenMs: num({ dur: true }),
        countRateLimits: flag(),
        isFailure: hook(),
        maxKeys: num({ int: true, min: 1 }),
        idleMs: num({ dur: true, above: 0, inf: true }),
        initialState: snapshots,
        onStateChange: hook(),
        classify: hook(),
        clock: shape({ now: () => 0 }),
        // The partition key comes from ctx.key alone: the old option is named, not ignored.
        keyBy: [{ value: () => 'k' }],
      },
      { near: 'halfOpenAfter', nearest: 'halfOpenAfterMs' },
    ),
    ...optionCases(
      policyTarget,
      {
        consecutive: num({ int: true, min: 1 }),
        ratio: num({ above: 0, max: 1 }),
        windowMs: num({ dur: true, above: 0 }),
        minThroughput: num({ int: true, min: 1 }),
      },
      { near: 'consecutiv', nearest: 'consecutive' },
      [],
    ),
    caseOf(policyTarget, { consecutive: 5, windowMs: 1_000 }, 'policy.windowMs', { value: 1_000 }),
    caseOf(policyTarget, { consecutive: 5, minThroughput: 3 }, 'policy.minThroughput', { value: 3 }),
    caseOf(breakerTarget, { halfOpenAfterMs: 60_000, maxOpenMs: 1_000 }, 'maxOpenMs', { value: 1_000 }),
    ...optionCases(
      {
        factory: 'bulkhead',
        base: { limit: 2 },
        call: (o) => bulkhead(o as never),
        show: (o) => `bulkhead(${o})`,
      },
      { limit: num({ int: true, min: 1 }), queue: num({ int: true, min: 0, inf: true }), name: str() },
      { near: 'limt', nearest: 'limit' },
    ),
    caseOf(
      { factory: 'bulkhead', call: (o) => bulkhead(o as never), show: (o) => `bulkhead(${o})` },
      {},
      'limit',
      {
        value: undefined,
      },
    ),
    ...optionCases(
      fallbackTarget,
      { when: whenLists, fn: hook(), classify: hook(), name: str() },
      { near: 'valu', nearest: 'value' },
    ),
    // Exactly one of value and fn: both, or neither, is a mistake.
    caseOf({ ...fallbackTarget, base: {} }, { value: 1, fn: noBreaker }, 'options', {
      value: { value: 1, fn: noBreaker },
    }),
    caseOf({ ...fallbackTarget, base: {} }, {}, 'options', { value: {} }),
    ...optionCases(
      {
        factory: 'fromCockatiel',
        call: (o) => fromCockatiel(policy, o as never),
        show: (o) => `fromCockatiel(policy, ${o})`,
      },
      { name: str() },
      { near: 'nam', nearest: 'name' },
    ),
    ...argCases(
      'fromCockatiel',
      'policy',
      [...shape(), { value: { execute: 5 } }, { value: noBreaker }],
      (p) => fromCockatiel(p as never),
      (v) => `fromCockatiel(${v})`,
    ),
  ];
}
