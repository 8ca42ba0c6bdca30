import { type CallContext, callInfo } from '@unfazed/core';

/** What a call is, as its span and metrics name it. */
export interface CallDescription {
  readonly operation: string;
  readonly model: string;
  readonly provider: string;
  readonly api: string | undefined;
  readonly stream: boolean;
  readonly clientRequestId: string | undefined;
  readonly body: Record<string, unknown> | undefined;
}

/**
 * From `callInfo(ctx)` when the openai adapter described the call; otherwise from the request
 * body (`ctx.request`), the way a pipeline around the SDK sees it: `messages` is a chat, `input`
 * with `instructions` or no model-shaped embedding hints is a Responses call. The model falls back
 * to the key, which the adapter and most pipelines set to the model.
 */
export function describeCall(ctx: CallContext): CallDescription {
  const info = callInfo(ctx);
  const body = isObject(ctx.request) ? ctx.request : undefined;
  const bodyModel = typeof body?.model === 'string' && body.model !== '' ? body.model : undefined;
  const model = info?.model ?? bodyModel ?? ctx.key;
  if (info !== undefined) {
    return {
      operation: info.operation,
      model,
      provider: info.provider ?? 'openai',
      api: info.api,
      stream: info.stream === true,
      clientRequestId: info.clientRequestId,
      body,
    };
  }
  const [operation, api] = guessOperation(body);
  return {
    operation,
    model,
    provider: 'openai',
    api,
    stream: body?.stream === true,
    clientRequestId: undefined,
    body,
  };
}

function guessOperation(body: Record<string, unknown> | undefined): [string, string | undefined] {
  if (body === undefined) return ['chat', undefined];
  if (Array.isArray(body.messages)) return ['chat', 'chat_completions'];
  if (typeof body.prompt === 'string' || Array.isArray(body.prompt))
    return ['text_completion', 'completions'];
  if (body.input !== undefined && (body.encoding_format !== undefined || body.dimensions !== undefined)) {
    return ['embeddings', 'embeddings'];
  }
  if (body.input !== undefined) return ['chat', 'responses'];
  return ['chat', undefined];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
