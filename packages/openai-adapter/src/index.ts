export {
  createResilientClient,
  type Resilience,
  type ResilientClientOptions,
  resilienceOf,
  withResilience,
} from './client.ts';
export { StreamTimeoutError } from './errors.ts';
export type { OpenAIModelSwitchedEvent, OpenAIRespondedEvent, OpenAIStreamFailedEvent } from './events.ts';
export {
  type KeyByRequest,
  type ResilientFetchOptions,
  resilientFetch,
  type StreamTimeouts,
} from './fetch.ts';
export { type ModelFallbackOptions, modelFallback } from './model-fallback.ts';
export { resilientPipeline, type Stage, type StageOptions, type Stages } from './preset.ts';
export { withCallTags } from './tags.ts';
