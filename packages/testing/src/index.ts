export { VirtualClock } from '@unfazed/core';
export { type ChaosServer, startChaosServer } from './chaos-server.ts';
export {
  type FaultInjected,
  type FaultInjectionOptions,
  type FaultInjectionStats,
  faultyFetch,
  type InjectedFault,
  injectFaults,
  networkError,
} from './fault-injection.ts';
export type {
  FaultKind,
  FaultWindow,
  FaultWindowBase,
  HangFault,
  ResetFault,
  SlowFault,
  StatusFault,
  StreamErrorFault,
} from './faults.ts';
export { formatGoDuration } from './go-duration.ts';
export type { OpenAIErrorBody } from './openai-errors.ts';
export type { ChaosServerOptions } from './options.ts';
export { mulberry32 } from './prng.ts';
export type { ChaosCounts, ChaosRequestRecord, ChaosStats, ChaosTimelineBucket } from './stats.ts';
export { DEFAULT_OUTPUT_ESTIMATE, estimateTokenCost, type TokenCost } from './token-cost.ts';
