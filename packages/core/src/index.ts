export { type Cancel, type Clock, realClock } from './clock.ts';
export { RESILIENCE_ERROR_CODES, type ResilienceErrorCode } from './codes.ts';
export { type CallContext, remainingTime, withContext } from './context.ts';
export {
  HttpStatusError,
  type HttpStatusErrorInit,
  ResilienceError,
  type ResilienceErrorOptions,
} from './errors.ts';
export type {
  EventBase,
  EventInput,
  EventListener,
  HookFailedEvent,
  ResilienceEvent,
  ResilienceEventMap,
} from './events.ts';
export {
  defineMiddleware,
  type ExecuteOptions,
  type KeyByArgs,
  type Middleware,
  type Next,
  type Pipeline,
  type PipelineOptions,
  pipeline,
} from './pipeline.ts';
export {
  type AnswerSummary,
  type CallInfo,
  callInfo,
  callInfoMeta,
  lastResponse,
  type ResponseInfo,
  recordResponse,
  type Usage,
} from './response-info.ts';
export { VirtualClock } from './virtual-clock.ts';
