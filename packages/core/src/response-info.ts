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

/** What the innermost layer learned from the server's answer to one attempt. */
export interface ResponseInfo {
  status?: number;
  headers?: Headers;
  usage?: Usage;
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
