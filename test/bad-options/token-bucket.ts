// @unfazed/token-bucket: rateLimit, memoryStore, redisStore, tokenizerEstimator.
import type { Redis } from 'ioredis';
import {
  memoryStore,
  rateLimit,
  redisStore,
  tokenizerEstimator,
} from '../../packages/token-bucket/src/index.ts';
import { enumOf, flag, hook, num, shape, str } from './kinds.ts';
import { type Case, caseOf, optionCases, type Target } from './table.ts';

/** `client` is a real ioredis client that never connects (`lazyConnect`): construction only. */
export function tokenBucketCases(client: Redis): Case[] {
  const rateTarget: Target = {
    factory: 'rateLimit',
    call: (o) => rateLimit(o as never),
    show: (o) => `rateLimit(${o})`,
  };
  const redisTarget: Target = {
    factory: 'redisStore',
    base: { client },
    call: (o) => redisStore(o as never),
    show: (o) => `redisStore(${o})`,
  };
  return [
    ...optionCases(
      rateTarget,
      {
        rpm: num({ above: 0 }),
        tpm: num({ above: 0 }),
        windowMs: num({ dur: true, above: 0 }),
        burst: num({ above: 0, below: 1 }),
        maxWaitMs: num({ dur: true, inf: true }),
        store: shape({ acquire: () => undefined }),
        estimate: hook(),
        cooldownMs: num({ dur: true }),
        learnFromHeaders: flag(),
        classify: hook(),
        clock: shape({ now: () => 0 }),
        name: str(),
      },
      { near: 'maxWait', nearest: 'maxWaitMs' },
    ),
    // Nothing to limit by: no configured limits and none to learn.
    caseOf(rateTarget, { learnFromHeaders: false }, 'rpm', { value: undefined }),
    ...optionCases(
      { factory: 'memoryStore', call: (o) => memoryStore(o as never), show: (o) => `memoryStore(${o})` },
      { maxKeys: num({ int: true, min: 1 }) },
      { near: 'maxKey', nearest: 'maxKeys' },
    ),
    ...optionCases(
      redisTarget,
      {
        client: shape({ eval: () => undefined }),
        prefix: str(),
        timeoutMs: num({ dur: true, above: 0 }),
        onStoreError: enumOf('loca', 'local', 'fail'),
        probeIntervalMs: num({ dur: true, above: 0 }),
        heartbeatMs: num({ dur: true, above: 0 }),
        maxKeys: num({ int: true, min: 1 }),
      },
      { near: 'timeout', nearest: 'timeoutMs' },
    ),
    caseOf({ ...redisTarget, base: {} }, {}, 'client', { value: undefined }),
    ...optionCases(
      {
        factory: 'tokenizerEstimator',
        call: (o) => tokenizerEstimator(o as never),
        show: (o) => `tokenizerEstimator(${o})`,
      },
      {
        encoding: enumOf('o200k', 'o200k_base', 'gpt2'),
        imageTokens: num({ min: 0 }),
        defaultOutputTokens: num({ min: 0 }),
      },
      { near: 'encodng', nearest: 'encoding' },
    ),
  ];
}
