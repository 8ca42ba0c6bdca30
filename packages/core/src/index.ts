export { abortReason, onAbort, throwIfAborted } from './abort.ts';
export { type Cancel, type Clock, realClock, sleepOn } from './clock.ts';
export {
  type CallContext,
  createContext,
  type EventSink,
  remainingTime,
  sinkOf,
  withContext,
} from './context.ts';
export {
  HttpStatusError,
  type HttpStatusErrorInit,
  ResilienceError,
  type ResilienceErrorOptions,
} from './errors.ts';
export type { EventBase, EventInput, EventListener, ResilienceEvent, ResilienceEventMap } from './events.ts';
export { KeyedMap, type KeyedMapOptions } from './keyed-map.ts';
export {
  defineMiddleware,
  type ExecuteOptions,
  type Middleware,
  type Next,
  type Pipeline,
  type PipelineOptions,
  pipeline,
} from './pipeline.ts';
export { lastResponse, type ResponseInfo, recordResponse, type Usage } from './response-info.ts';
export { VirtualClock } from './virtual-clock.ts';
