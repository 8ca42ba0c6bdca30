import type { TimeoutOptions } from '@unfazed/backoff';
import type { Pipeline } from '@unfazed/core';
import { fn, object, optionError, readOptions, rule } from '@unfazed/core/internal';
import OpenAI, { type ClientOptions } from 'openai';
import { type KeyByRequest, resilientFetch, type StreamTimeouts, streamSchema } from './fetch.ts';
import { buildPipeline, type Stage, type StageOptions, type Stages, stageSchema } from './preset.ts';
import { modelOf } from './request.ts';

/** Options of {@link createResilientClient}: every `OpenAI` option, and one entry per stage. */
export interface ResilientClientOptions
  extends Omit<ClientOptions, 'maxRetries' | 'timeout'>,
    Omit<StageOptions, 'timeout'> {
  /** Retries happen in one layer only (the retry stage): `0`, or leave it out. @default 0 */
  maxRetries?: 0;
  /**
   * A number is the SDK's own `timeout`, as with `new OpenAI({ timeout })`: the whole call, every
   * attempt and wait included (the pipeline runs inside the SDK's one request). Anything else
   * configures the per-attempt timeout stage (options, `false`, or a middleware).
   * @default the SDK's 10 minutes for the call; 60 s per attempt until its headers
   */
  timeout?: number | Stage<TimeoutOptions>;
  /** Timeouts of a streamed answer once its headers arrived. */
  stream?: StreamTimeouts;
  /** The partition key of a call (its circuit, its limits). @default the model */
  keyBy?: (request: KeyByRequest) => string;
}

/** What {@link resilienceOf} tells about a resilient client. */
export interface Resilience {
  /** The pipeline every call goes through: `pipeline.on(listener)` sees every event. */
  readonly pipeline: Pipeline;
  /** The stages as built (`stages.breaker.stateOf('gpt-4o')`, `stages.rateLimit.state('gpt-4o')`). */
  readonly stages: Stages;
}

const registry = new WeakMap<object, Resilience>();
const anything = rule<unknown>('anything', (value) => value);

// Every option of the openai SDK's ClientOptions (v7): passed through. A key near one of these or
// of ours is a typo (`baseUrl`); a key far from all is an SDK option newer than this list.
const SDK_OPTIONS = [
  'apiKey',
  'adminAPIKey',
  'organization',
  'project',
  'webhookSecret',
  'baseURL',
  'dataResidency',
  'timeout',
  'fetchOptions',
  'fetch',
  'defaultHeaders',
  'defaultQuery',
  'dangerouslyAllowBrowser',
  'logLevel',
  'logger',
  'workloadIdentity',
  'credential',
  'provider',
];

const ownSchema = {
  ...stageSchema,
  stream: object(streamSchema),
  keyBy: fn<(request: KeyByRequest) => string>(),
};

// What createResilientClient reads: ours, the SDK's (passed through, checked by the SDK), the
// SDK's `timeout` as a number or our stage, and `maxRetries` only as 0. An option the SDK added
// after this list: pass a client you made to withResilience().
const clientSchema = {
  ...ownSchema,
  ...Object.fromEntries(SDK_OPTIONS.map((name) => [name, anything])),
  timeout: rule<unknown>(
    'a number (the SDK timeout, ms), timeout options, false, or a middleware',
    (value, place) => (typeof value === 'number' ? value : stageSchema.timeout.read(value, place)),
  ),
  maxRetries: rule<0>("0 (retries are the retry stage's: set retry.maxRetries)", (value, place) => {
    if (value !== 0)
      throw optionError(place, "0 (retries are the retry stage's: set retry.maxRetries)", value);
    return 0;
  }),
};

/**
 * The openai SDK's client, with the recommended resilience pipeline built in: replace
 * `new OpenAI()` with `createResilientClient()` and nothing else changes. Same type, every endpoint
 * (chat, responses, embeddings, streams, files); the SDK's own retries are off (one layer of
 * retries, ours); with no limits configured they are learned per model from the server's
 * `x-ratelimit-*` headers. Errors are the SDK's own classes; failures the pipeline made itself are
 * wrapped by the SDK, and `ResilienceError.is(err)` recognises them.
 *
 * @example
 * import { createResilientClient } from '@unfazed/openai-adapter';
 * const client = createResilientClient(); // reads OPENAI_API_KEY, as new OpenAI() does
 * const answer = await client.chat.completions.create({
 *   model: 'gpt-4o-mini',
 *   messages: [{ role: 'user', content: 'Hello!' }],
 * });
 */
export function createResilientClient(options?: ResilientClientOptions): OpenAI {
  const all = readOptions('createResilientClient', options, clientSchema);
  const sdk: Record<string, unknown> = {};
  const own: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(all)) {
    if (value === undefined) continue;
    if (key === 'timeout') (typeof value === 'number' ? sdk : own)[key] = value;
    else if (SDK_OPTIONS.includes(key)) sdk[key] = value;
    else if (key in ownSchema) own[key] = value;
  }
  const o = readOptions('createResilientClient', own, ownSchema);
  const keyOf = (request: Record<string, unknown>) => modelOf(request, '') ?? 'default';
  const { pipeline, stages } = buildPipeline(o, keyOf);
  const fetch = resilientFetch(pipeline, {
    fetch: sdk.fetch as typeof globalThis.fetch | undefined,
    keyBy: o.keyBy,
    stream: o.stream,
    name: o.name,
  });
  const client = new OpenAI({ ...(sdk as ClientOptions), fetch, maxRetries: 0 });
  registry.set(client, { pipeline, stages });
  return client;
}

/**
 * The same client (through `client.withOptions`, so `OpenAI` and `AzureOpenAI` alike) with every
 * call going through `pipelineOrOptions`: a pipeline of your own, or the stage options of the
 * recommended one. The SDK's retries are set to 0: its 2 retries times our 3 would multiply.
 *
 * @example
 * import { AzureOpenAI } from 'openai';
 * const azure = withResilience(new AzureOpenAI({ endpoint, apiVersion, deployment }), { breaker: { halfOpenAfterMs: 10_000 } });
 */
export function withResilience<C extends OpenAI>(
  client: C,
  pipelineOrOptions?:
    | Pipeline
    | (StageOptions & { stream?: StreamTimeouts; keyBy?: (request: KeyByRequest) => string }),
): C {
  if (!(client instanceof OpenAI)) {
    throw new TypeError(
      `withResilience: client must be an OpenAI (or AzureOpenAI) client, got ${String(client)}`,
    );
  }
  const isPipeline =
    typeof pipelineOrOptions === 'function' && typeof (pipelineOrOptions as Pipeline).execute === 'function';
  let resilience: Resilience;
  let fetchOptions: { stream?: StreamTimeouts; keyBy?: (request: KeyByRequest) => string; name?: string } =
    {};
  if (isPipeline) resilience = { pipeline: pipelineOrOptions as Pipeline, stages: {} };
  else {
    const o = readOptions('withResilience', pipelineOrOptions, ownSchema);
    resilience = buildPipeline(o, (request) => modelOf(request, '') ?? 'default');
    fetchOptions = { stream: o.stream, keyBy: o.keyBy, name: o.name };
  }
  const inner = (client as unknown as { fetch?: typeof globalThis.fetch }).fetch;
  const fetch = resilientFetch(resilience.pipeline, { ...fetchOptions, fetch: inner });
  const wrapped = client.withOptions({ fetch, maxRetries: 0 });
  registry.set(wrapped, resilience);
  return wrapped;
}

/**
 * The pipeline and stages of a client made by {@link createResilientClient} or
 * {@link withResilience}, to watch its events or look at its state.
 *
 * @example
 * resilienceOf(client)?.pipeline.on((event) => console.log(event.type));
 */
export function resilienceOf(client: object): Resilience | undefined {
  return registry.get(client);
}
