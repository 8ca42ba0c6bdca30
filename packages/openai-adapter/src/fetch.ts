import { callInfoMeta, HttpStatusError, type Pipeline } from '@unfazed/core';
import { duration, fn, object, readOptions, string } from '@unfazed/core/internal';
import { answered, sendOnce } from './attempt.ts';
import { modelOf, operationOf, providerOf, readRequest } from './request.ts';
import { currentTags } from './tags.ts';

/** What `keyBy` sees of a request. */
export interface KeyByRequest {
  /** The model in the body (or the Azure deployment in the path). */
  readonly model: string | undefined;
  /** The request path, e.g. `/v1/chat/completions`. */
  readonly path: string;
  /** The parsed JSON body, when it is JSON. */
  readonly body: unknown;
}

/** Timeouts of a streamed answer once its headers arrived (the SDK's own `timeout` stops there). */
export interface StreamTimeouts {
  /** From the headers to the first chunk. @default 120_000 */
  firstChunkTimeoutMs?: number;
  /** Between two chunks. @default 60_000 */
  idleTimeoutMs?: number;
}

/** Options of {@link resilientFetch}. */
export interface ResilientFetchOptions {
  /** The fetch that sends each attempt. @default globalThis.fetch */
  fetch?: typeof fetch;
  /** The partition key of a call (breakers, limits, budgets). @default the model, else the path */
  keyBy?: (request: KeyByRequest) => string;
  stream?: StreamTimeouts;
  /** Name in the adapter's own events. @default 'openai' */
  name?: string;
}

export const streamSchema = {
  firstChunkTimeoutMs: duration({ above: 0, default: 120_000 }),
  idleTimeoutMs: duration({ above: 0, default: 60_000 }),
};

const schema = {
  fetch: fn<typeof fetch>(),
  keyBy: fn<(request: KeyByRequest) => string>(),
  stream: object(streamSchema),
  name: string({ default: 'openai' }),
};

/**
 * A `fetch` that sends every request through `pipeline`: for any SDK that takes a fetch (the
 * openai SDK, the Vercel AI SDK's `createOpenAI({ fetch })`, LangChain's OpenAI classes). Each SDK
 * request is one logical call (`pipeline.execute`) and each attempt one real fetch. Its context
 * carries the parsed body (`ctx.request`), the model as key, tags from `withCallTags()` and
 * `x-unfazed-tag-*` headers, and `callInfo(ctx)`. One `X-Client-Request-Id` goes with every attempt.
 * When the pipeline gives up on a server's answer, the SDK gets that answer back (so it throws its
 * own `RateLimitError`, `AuthenticationError`, … with `status`, `headers` and `requestID`); a
 * failure the pipeline made itself is thrown, and the SDK wraps it (`ResilienceError.is(err)` finds it).
 *
 * @example
 * import OpenAI from 'openai';
 * import { pipeline } from '@unfazed/core';
 * import { retry } from '@unfazed/backoff';
 * const client = new OpenAI({ fetch: resilientFetch(pipeline(retry())), maxRetries: 0 });
 */
export function resilientFetch(p: Pipeline, options?: ResilientFetchOptions): typeof fetch {
  const o = readOptions('resilientFetch', options, schema);
  const send = o.fetch ?? ((input, init) => globalThis.fetch(input, init));
  return async function resilientFetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
    const call = await readRequest(input, init);
    const model = modelOf(call.json, call.path);
    const { operation, api } = operationOf(call.path);
    let key = model ?? call.path;
    if (o.keyBy !== undefined) {
      try {
        const chosen: unknown = o.keyBy({ model, path: call.path, body: call.json });
        if (typeof chosen === 'string' && chosen !== '') key = chosen;
      } catch {
        // A keyBy that throws keeps the default key: it never fails the call.
      }
    }
    const url = new URL(call.url, 'http://localhost');
    const info = {
      operation,
      api,
      provider: providerOf(call.url, call.path),
      path: call.path,
      serverAddress: url.hostname,
      serverPort: url.port === '' ? (url.protocol === 'http:' ? 80 : 443) : Number(url.port),
      model,
      stream: call.stream,
      clientRequestId: call.clientRequestId,
    };
    const settings = { fetch: send, source: o.name, model, ...o.stream };
    let result: unknown;
    try {
      result = await p.execute((ctx) => sendOnce(ctx, call, settings), {
        signal: call.signal,
        key,
        tags: { ...currentTags(), ...call.tags },
        request: call.json,
        meta: [callInfoMeta(info)],
      });
    } catch (error) {
      // The server's own answer, given up on: the SDK turns it into its own error, as without us.
      const body = error instanceof HttpStatusError ? answered.get(error) : undefined;
      if (body === undefined || !(error instanceof HttpStatusError)) throw error;
      return new Response(body.text, {
        status: error.status,
        statusText: body.statusText,
        headers: error.headers,
      });
    }
    if (result instanceof Response) return result;
    // A fallback's stand-in answer (a cached completion): the SDK reads it as the server's.
    return new Response(JSON.stringify(result), {
      status: 200,
      headers: { 'content-type': 'application/json' },
    });
  };
}
