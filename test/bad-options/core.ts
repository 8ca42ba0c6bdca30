// @unfazed/core: pipeline(), .with(), .on(), execute options, defineMiddleware, VirtualClock.
import { defineMiddleware, pipeline, VirtualClock } from '../../packages/core/src/index.ts';
import { type Bad, hook, notAnOption, num, shape, str } from './kinds.ts';
import { argCases, type Case, optionCases, type Target } from './table.ts';

const clockLike = shape({ now: () => 0 }, { now: () => 0, sleep: () => Promise.resolve() });
const pass = defineMiddleware('pass', (ctx, next) => next(ctx));

const withTarget: Target = {
  factory: 'pipeline',
  call: (o) => pipeline(pass).with(o as never),
  show: (o) => `pipeline(pass).with(${o})`,
};

const ran = async () => 'ran';
// execute() checks its options per call: a bad one rejects before anything runs.
const executeTarget: Target = {
  factory: 'execute',
  call: (o) => pipeline(pass).execute(ran, o as never),
  show: (o) => `pipeline(pass).execute(fn, ${o})`,
};

const tags: Bad[] = [
  { value: 'x' },
  { value: 5 },
  { value: null },
  { value: [] },
  { value: { user: 1 }, at: 'tags.user', shown: '1' },
  { value: { user: null }, at: 'tags.user', shown: 'null' },
];

export function coreCases(): Case[] {
  return [
    ...argCases(
      'pipeline',
      'middleware at index 0',
      [{ value: 'x' }, { value: 5 }, { value: null }, { value: {} }, { value: [] }],
      (mw) => pipeline(mw as never),
      (v) => `pipeline(${v})`,
    ),
    ...optionCases(
      withTarget,
      { name: str(), clock: clockLike, keyBy: hook() },
      { near: 'nam', nearest: 'name', far: 'retries' },
    ),
    ...argCases(
      'on',
      'listener',
      hook(),
      (l) => pipeline(pass).on(l as never),
      (v) => `pipeline(pass).on(${v})`,
    ),
    ...optionCases(
      executeTarget,
      {
        key: str(),
        tags,
        signal: shape(new AbortController()),
        clock: clockLike,
        meta: [{ value: 5 }, { value: 'x' }, { value: {} }, { value: [5] }],
      },
      { near: 'ky', nearest: 'key', far: 'retries' },
      [null, 'x', 5, [], notAnOption],
    ),
    ...argCases(
      'execute',
      'fn',
      hook(),
      (fn) => pipeline(pass).execute(fn as never),
      (v) => `pipeline(pass).execute(${v})`,
    ),
    ...argCases(
      'defineMiddleware',
      'name',
      str(),
      (name) => defineMiddleware(name as never, (ctx, next) => next(ctx)),
      (v) => `defineMiddleware(${v}, (ctx, next) => next(ctx))`,
    ),
    ...argCases(
      'defineMiddleware',
      'fn',
      hook(),
      (fn) => defineMiddleware('m', fn as never),
      (v) => `defineMiddleware('m', ${v})`,
    ),
    ...argCases(
      'VirtualClock',
      'start',
      num(),
      (start) => new VirtualClock(start as never),
      (v) => `new VirtualClock(${v})`,
    ),
  ];
}
