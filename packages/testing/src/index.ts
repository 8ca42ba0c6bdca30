export { VirtualClock } from '@unfazed/core';
export { type ChaosServer, startChaosServer } from './chaos-server.ts';
export {
  type FaultInjected,
  type FaultInjectionOptions,
  type FaultInjectionStats,
  type FaultyFetchOptions,
  faultyFetch,
  injectFaults,
} from './fault-injection.ts';
export type {
  FaultKind,
  FaultWindow,
  FaultWindowBase,
  HangFault,
  ResetFault,
  SlowFault,
  StallFault,
  StatusFault,
  StreamErrorFault,
} from './faults.ts';
export { type InjectedFault, networkError } from './injected-faults.ts';
export { maskKey } from './mask-key.ts';
export type { OpenAIErrorBody } from './openai-errors.ts';
export type { ChaosServerOptions } from './options.ts';
export { mulberry32 } from './prng.ts';
export type { ChaosCounts, ChaosRequestRecord, ChaosStats, ChaosTimelineBucket } from './stats.ts';
