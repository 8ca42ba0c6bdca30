export type { DimensionSpec } from './bucket.ts';
export { RateLimitStoreError, RateLimitWaitTooLongError, RequestTooLargeError } from './errors.ts';
export { type EstimateOptions, estimateTokens } from './estimate.ts';
export type {
  RateLimitCooldownStartedEvent,
  RateLimitLimitsLearnedEvent,
  RateLimitQueuedEvent,
  RateLimitReconciledEvent,
  RateLimitRejectedEvent,
  RateLimitStoreFailedEvent,
  RateLimitStoreRecoveredEvent,
} from './events.ts';
export { type MemoryStoreOptions, memoryStore } from './memory-store.ts';
export type { RateLimitOptions } from './options.ts';
export { type RateLimitMiddleware, type RateLimitState, rateLimit } from './rate-limit.ts';
export type { RedisClientLike } from './redis-script.ts';
export { type RedisStoreOptions, redisStore, type StoreErrorMode } from './redis-store.ts';
export type {
  AcquireInput,
  AcquireResult,
  Admission,
  BucketSpec,
  Cost,
  DimensionView,
  KeyView,
  LimiterStore,
  SettleInput,
  StoreEvent,
  WaitReason,
} from './store.ts';
export { type TokenizerEstimatorOptions, tokenizerEstimator } from './tokenizer.ts';
