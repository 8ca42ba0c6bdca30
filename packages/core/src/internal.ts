// The parts of @unfazed/core that other Unfazed packages (and authors of new policies) build on,
// kept off the main entry point, which holds what users call.
export { abortReason, onAbort, raceAbort, throwIfAborted } from './abort.ts';
export {
  type AttemptOutcome,
  type AttemptWatcher,
  isReplayable,
  markNotReplayable,
  sendAttempt,
  setGate,
  watchAttempt,
} from './attempt.ts';
export { sleepOn } from './clock.ts';
export { createContext, type EventSink, sinkOf } from './context.ts';
export { describeFailure, runHook, runObserver } from './hooks.ts';
export { KeyedMap, type KeyedMapOptions } from './keyed-map.ts';
export {
  boolean,
  clockRule,
  duration,
  fn,
  integer,
  list,
  MAX_DELAY_MS,
  type NumberBounds,
  nearest,
  number,
  object,
  oneOf,
  optionError,
  type Place,
  type Presence,
  type Resolved,
  type Rule,
  readOptions,
  rule,
  type Schema,
  shape,
  string,
} from './options.ts';
export { forgetResponse } from './response-info.ts';
export { showValue } from './show-value.ts';
