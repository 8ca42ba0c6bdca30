import type { CallContext } from './context.ts';

/** Token usage as the OpenAI API reports it (chat completions and embeddings, or the Responses API). */
export interface Usage {
  prompt_tokens?: number;
  completion_tokens?: number;
  input_tokens?: number;
  output_tokens?: number;
  total_tokens?: number;
  /** Chat completions: `cached_tokens` of the prompt. */
  prompt_tokens_details?: { cached_tokens?: number } | null;
  /** Chat completions: `reasoning_tokens` of the completion. */
  completion_tokens_details?: { reasoning_tokens?: number } | null;
  /** Responses API: `cached_tokens` of the input. */
  input_tokens_details?: { cached_tokens?: number } | null;
  /** Responses API: `reasoning_tokens` of the output. */
  output_tokens_details?: { reasoning_tokens?: number } | null;
}

/** What the whole answer said, once its body has been read (a JSON body parsed, or a stream ended). */
export interface AnswerSummary {
  usage?: Usage;
  /** The model that served it (`response.model`). */
  model?: string;
  /** The answer's id (`chatcmpl-…`, `resp_…`). */
  id?: string;
  /** For a stream: ms from the request leaving to its first chunk. */
  firstChunkMs?: number;
  /** For a stream: an error frame it carried, or how it broke off. */
  streamError?: unknown;
  /** Why each choice ended (`stop`, `length`, `tool_calls`, …), by choice index. */
  finishReasons?: string[];
  /** The tier that served it (`default`, `flex`, `priority`, …). */
  serviceTier?: string;
  /** The backend configuration that served it. */
  systemFingerprint?: string;
}

/** What the innermost layer learned from the server's answer to one attempt. */
export interface ResponseInfo {
  status?: number;
  headers?: Headers;
  /** Token usage, when known at once (an SDK call's parsed result). */
  usage?: Usage;
  /**
   * Settles when the answer's body has been read by whoever reads it (the SDK), never delaying
   * it: how the openai adapter reports usage of JSON bodies and streams. Policies that need it
   * (the limiter's reconciliation, telemetry) act on it when it settles, after the call returned.
   */
  answer?: Promise<AnswerSummary | undefined>;
}

const RESPONSE = Symbol('unfazed.response');

/**
 * Records what the server answered, for the middlewares outside to read once `next()` returns
 * (the rate limiter reconciles `usage` and learns from `x-ratelimit-*` headers). The openai
 * adapter does this for every response; code calling the SDK directly can do it itself.
 *
 * @example
 * const { data, response } = await client.chat.completions.create(body, { signal: ctx.signal }).withResponse();
 * recordResponse(ctx, { status: response.status, headers: response.headers, usage: data.usage });
 */
export function recordResponse(ctx: CallContext, info: ResponseInfo): void {
  ctx.meta.set(RESPONSE, info);
}

/** The latest {@link recordResponse} of this call, if any. */
export function lastResponse(ctx: CallContext): ResponseInfo | undefined {
  return ctx.meta.get(RESPONSE) as ResponseInfo | undefined;
}

/** Forgets what an earlier attempt recorded, so a policy reading it after `next()` sees this attempt's answer only. */
export function forgetResponse(ctx: CallContext): void {
  ctx.meta.delete(RESPONSE);
}

/** What a call is, as telemetry names it: the adapter describes every OpenAI request. */
export interface CallInfo {
  /** The GenAI operation: `chat`, `embeddings`, `text_completion`, … */
  readonly operation: string;
  /** The API flavour: `chat_completions`, `responses`, `embeddings`, … */
  readonly api?: string;
  /** `openai`, or `azure.ai.openai` for Azure. */
  readonly provider?: string;
  /** The request path, e.g. `/v1/chat/completions`. */
  readonly path?: string;
  /** The server's host name and port (telemetry's `server.address`, `server.port`). */
  readonly serverAddress?: string;
  readonly serverPort?: number;
  /** The model asked for. */
  readonly model?: string;
  readonly stream?: boolean;
  /** The `X-Client-Request-Id` every attempt of this call carries. */
  readonly clientRequestId?: string;
}

const CALL_INFO = Symbol('unfazed.call-info');

/** Seeds for `execute`'s `meta` that describe the call (see {@link CallInfo}). */
export function callInfoMeta(info: CallInfo): [symbol, unknown] {
  return [CALL_INFO, info];
}

/** What the caller (the openai adapter) said the call is, if it said. */
export function callInfo(ctx: CallContext): CallInfo | undefined {
  return ctx.meta.get(CALL_INFO) as CallInfo | undefined;
}
