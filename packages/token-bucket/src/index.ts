export type { DimensionSpec } from './bucket.ts';
export { RateLimitStoreError, RateLimitWaitTooLongError, RequestTooLargeError } from './errors.ts';
export { type EstimateOptions, estimateTokens, outputTokens } from './estimate.ts';
export type {
  RateLimitCooldownEvent,
  RateLimitLimitsEvent,
  RateLimitReconcileEvent,
  RateLimitRejectEvent,
  RateLimitStoreFallbackEvent,
  RateLimitStoreRecoveredEvent,
  RateLimitWaitEvent,
} from './events.ts';
export { type MemoryStoreOptions, memoryStore } from './memory-store.ts';
export type { RateLimitOptions } from './options.ts';
export { rateLimit } from './rate-limit.ts';
export type { RedisClientLike } from './redis-script.ts';
export { type RedisStoreOptions, redisStore, type StoreErrorMode } from './redis-store.ts';
export type {
  AcquireInput,
  AcquireResult,
  BucketSpec,
  Cost,
  LimiterStore,
  SettleInput,
  StoreEvent,
  WaitReason,
} from './store.ts';
export { type TokenizerEstimatorOptions, tokenizerEstimator } from './tokenizer.ts';
