import { describe, expect, it } from 'vitest';
import { breaker } from './breaker.ts';
import { bulkhead } from './bulkhead.ts';
import { fallback } from './fallback.ts';
import { fromCockatiel } from './from-cockatiel.ts';

const POLICY =
  '{ consecutive }, { ratio, windowMs?, minThroughput? } or both, a cockatiel breaker ({ state, success, failure }) or a function returning one';
const WHEN = 'a ResilienceError code, a classify reason or category, or an HTTP status "400".."599"';
const DURATION = 'a duration in ms >= 0 and <= 2147483647';

// Every bad option is a TypeError at construction: `<factory>: <option> must be <rule>, got <value>`.
const bad: [string, () => unknown, string][] = [
  ['breaker(null)', () => breaker(null as never), 'breaker: options must be an object, got null'],
  [
    'a typo',
    () => breaker({ halfOpenAfter: 5 } as never),
    'breaker: halfOpenAfter is not an option (did you mean halfOpenAfterMs?), got 5',
  ],
  [
    'the removed keyBy',
    () => breaker({ keyBy: () => 'x' } as never),
    "breaker: keyBy is not an option (a circuit's key is ctx.key: give execute({ key }) or pipeline(...).with({ keyBy })), got function keyBy",
  ],
  ['an empty name', () => breaker({ name: '' }), 'breaker: name must be a non-empty string, got "" (string)'],
  [
    'a negative duration',
    () => breaker({ halfOpenAfterMs: -1 }),
    `breaker: halfOpenAfterMs must be ${DURATION}, got -1`,
  ],
  [
    'a numeric string',
    () => breaker({ halfOpenAfterMs: '5' as never }),
    `breaker: halfOpenAfterMs must be ${DURATION}, got "5" (string)`,
  ],
  [
    'a duration no timer holds',
    () => breaker({ halfOpenAfterMs: 2 ** 31 }),
    `breaker: halfOpenAfterMs must be ${DURATION}, got 2147483648`,
  ],
  [
    'Infinity',
    () => breaker({ halfOpenAfterMs: Number.POSITIVE_INFINITY }),
    `breaker: halfOpenAfterMs must be ${DURATION}, got Infinity`,
  ],
  [
    'maxOpenMs below halfOpenAfterMs',
    () => breaker({ halfOpenAfterMs: 10_000, maxOpenMs: 5_000 }),
    'breaker: maxOpenMs must be a duration in ms >= halfOpenAfterMs (10000), got 5000',
  ],
  [
    'a truthy flag',
    () => breaker({ countRateLimits: 1 as never }),
    'breaker: countRateLimits must be true or false, got 1',
  ],
  [
    'a non-function hook',
    () => breaker({ isFailure: true as never }),
    'breaker: isFailure must be a function, got true',
  ],
  ['maxKeys 0', () => breaker({ maxKeys: 0 }), 'breaker: maxKeys must be an integer >= 1, got 0'],
  [
    'a fractional maxKeys',
    () => breaker({ maxKeys: 1.5 }),
    'breaker: maxKeys must be an integer >= 1, got 1.5',
  ],
  [
    'idleMs 0',
    () => breaker({ idleMs: 0 }),
    'breaker: idleMs must be a duration in ms > 0 and <= 2147483647 (or Infinity), got 0',
  ],
  [
    'a non-snapshot',
    () => breaker({ initialState: {} as never }),
    'breaker: initialState must be a snapshot from breaker().snapshot() ({ version: 1, circuits }), got {}',
  ],
  [
    'a bad snapshot entry',
    () => breaker({ initialState: { version: 1, circuits: { a: { state: 'opened' } } } as never }),
    'breaker: initialState.circuits["a"] must be a state of "closed", "open" or "isolated", got { state: "opened" }',
  ],
  [
    'an open entry without reopenAt',
    () => breaker({ initialState: { version: 1, circuits: { a: { state: 'open' } } } }),
    'breaker: initialState.circuits["a"] must be an open circuit with a finite reopenAt, got { state: "open" }',
  ],
  [
    'a non-function observer',
    () => breaker({ onStateChange: 'log' as never }),
    'breaker: onStateChange must be a function, got "log" (string)',
  ],
  [
    'a non-function classify',
    () => breaker({ classify: {} as never }),
    'breaker: classify must be a function, got {}',
  ],
  [
    'a non-clock',
    () => breaker({ clock: Date as never }),
    'breaker: clock must be a clock (an object with now, sleep and schedule), got function Date',
  ],
  ['an empty policy', () => breaker({ policy: {} }), `breaker: policy must be ${POLICY}, got {}`],
  [
    'policy.consecutive 0',
    () => breaker({ policy: { consecutive: 0 } }),
    'breaker: policy.consecutive must be an integer >= 1, got 0',
  ],
  [
    'a policy typo',
    () => breaker({ policy: { consecutiv: 5 } as never }),
    'breaker: policy.consecutiv is not an option (did you mean consecutive?), got 5',
  ],
  [
    'policy.ratio 1.5',
    () => breaker({ policy: { ratio: 1.5 } }),
    'breaker: policy.ratio must be a finite number > 0 and <= 1, got 1.5',
  ],
  [
    'policy.ratio 0',
    () => breaker({ policy: { ratio: 0 } }),
    'breaker: policy.ratio must be a finite number > 0 and <= 1, got 0',
  ],
  [
    'windowMs without ratio',
    () => breaker({ policy: { consecutive: 3, windowMs: 1_000 } }),
    'breaker: policy.windowMs must be left out without ratio, got 1000',
  ],
  [
    'minThroughput 0',
    () => breaker({ policy: { ratio: 0.5, minThroughput: 0 } }),
    'breaker: policy.minThroughput must be an integer >= 1, got 0',
  ],
  ['a number policy', () => breaker({ policy: 5 as never }), `breaker: policy must be ${POLICY}, got 5`],
  [
    'a factory returning no breaker',
    () => breaker({ policy: (() => 5) as never }),
    `breaker: policy must be ${POLICY}, got function policy (it returned 5)`,
  ],
  [
    'half a breaker',
    () => breaker({ policy: { success() {} } as never }),
    `breaker: policy must be ${POLICY}, got { success: function success }`,
  ],
  [
    'bulkhead()',
    () => bulkhead(undefined as never),
    'bulkhead: limit must be an integer >= 1, got undefined',
  ],
  ['limit 0', () => bulkhead({ limit: 0 }), 'bulkhead: limit must be an integer >= 1, got 0'],
  [
    'a string limit',
    () => bulkhead({ limit: '2' as never }),
    'bulkhead: limit must be an integer >= 1, got "2" (string)',
  ],
  [
    'queue -1',
    () => bulkhead({ limit: 1, queue: -1 }),
    'bulkhead: queue must be an integer >= 0 (or Infinity), got -1',
  ],
  [
    'a bulkhead typo',
    () => bulkhead({ limit: 1, queu: 3 } as never),
    'bulkhead: queu is not an option (did you mean queue?), got 3',
  ],
  [
    'a bulkhead name',
    () => bulkhead({ limit: 1, name: 7 as never }),
    'bulkhead: name must be a non-empty string, got 7',
  ],
  [
    'fallback({})',
    () => fallback({}),
    'fallback: options must be an object with exactly one of value and fn, got {}',
  ],
  [
    'value and fn',
    () => fallback({ value: 1, fn: () => 2 }),
    'fallback: options must be an object with exactly one of value and fn, got { value: 1, fn: function fn }',
  ],
  [
    'a non-function fn',
    () => fallback({ fn: 'x' as never }),
    'fallback: fn must be a function, got "x" (string)',
  ],
  [
    'a misspelt code',
    () => fallback({ value: 1, when: ['CIRCUT_OPEN'] }),
    `fallback: when[0] must be ${WHEN}, got "CIRCUT_OPEN" (string) (did you mean "CIRCUIT_OPEN"?)`,
  ],
  [
    'a misspelt reason',
    () => fallback({ value: 1, when: ['transient', 'rate_limit_token'] }),
    `fallback: when[1] must be ${WHEN}, got "rate_limit_token" (string) (did you mean "rate_limit_tokens"?)`,
  ],
  [
    'a number entry',
    () => fallback({ value: 1, when: [503] as never }),
    `fallback: when[0] must be ${WHEN}, got 503`,
  ],
  [
    'a status out of range',
    () => fallback({ value: 1, when: ['600'] }),
    `fallback: when[0] must be ${WHEN}, got "600" (string)`,
  ],
  [
    'an empty list',
    () => fallback({ value: 1, when: [] }),
    `fallback: when must be a non-empty array whose items are each ${WHEN}, got []`,
  ],
  [
    'a bare string',
    () => fallback({ value: 1, when: 'transient' as never }),
    `fallback: when must be a function, or a non-empty array whose items are each ${WHEN}, got "transient" (string)`,
  ],
  [
    'a fallback typo',
    () => fallback({ value: 1, clasify: () => 1 } as never),
    'fallback: clasify is not an option (did you mean classify?), got function clasify',
  ],
  [
    'no policy',
    () => fromCockatiel({} as never),
    'fromCockatiel: policy must be a cockatiel policy (an object with execute), got {}',
  ],
  [
    'a fromCockatiel typo',
    () => fromCockatiel({ execute: async () => 1 } as never, { nam: 'x' } as never),
    'fromCockatiel: nam is not an option (did you mean name?), got "x" (string)',
  ],
];

describe('options', () => {
  it.each(bad)('%s is a TypeError naming the option and the value', (_, make, message) => {
    expect(make).toThrow(new TypeError(message));
  });

  it('accepts every documented default written out', () => {
    expect(() =>
      breaker({
        name: 'breaker',
        policy: { consecutive: 5, ratio: 0.5, windowMs: 10_000 },
        halfOpenAfterMs: 30_000,
        maxOpenMs: 300_000,
        countRateLimits: false,
        maxKeys: 10_000,
        idleMs: 600_000,
      }),
    ).not.toThrow();
    expect(() => bulkhead({ name: 'bulkhead', limit: 1, queue: 0 })).not.toThrow();
    expect(() =>
      fallback({ name: 'fallback', value: 1, when: ['CIRCUIT_OPEN', 'circuit_open', 'rejected', '503'] }),
    ).not.toThrow();
  });
});
