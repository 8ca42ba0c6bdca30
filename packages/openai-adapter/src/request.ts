import { randomUUID } from 'node:crypto';
import { parseObject } from './json.ts';

/** One outgoing SDK request, read once per logical call. */
export interface OutgoingRequest {
  readonly url: string;
  readonly method: string;
  /** The headers to send: tag headers taken out, the client request id in. */
  readonly headers: Headers;
  /** The rest of the caller's RequestInit (duplex, keepalive, …), without signal, headers, body. */
  readonly init: RequestInit;
  /** The body to send as is when nothing changed it. */
  readonly body: BodyInit | null | undefined;
  /** The parsed JSON body, when it is JSON (becomes `ctx.request`). */
  readonly json: Record<string, unknown> | undefined;
  /** The JSON text to send for `json` (re-serialised once when the adapter changed it). */
  readonly text: string | undefined;
  /** False for a stream or form upload: it is sent once, never again. */
  readonly replayable: boolean;
  readonly path: string;
  readonly tags: Record<string, string>;
  readonly clientRequestId: string;
  readonly signal: AbortSignal | undefined;
  /** The caller asked for a stream. */
  readonly stream: boolean;
  /** `stream_options.include_usage` was added by the adapter (its usage chunk is taken out again). */
  readonly injectedUsage: boolean;
}

const TAG_PREFIX = 'x-unfazed-tag-';

/** Reads what the SDK hands `fetch`: a URL (or Request) and its init. */
export async function readRequest(
  input: RequestInfo | URL,
  init: RequestInit | undefined,
): Promise<OutgoingRequest> {
  const request = input instanceof Request ? input : undefined;
  const url = request ? request.url : input instanceof URL ? input.href : String(input);
  const method = (init?.method ?? request?.method ?? 'GET').toUpperCase();
  const headers = new Headers(init?.headers ?? request?.headers);
  const tags: Record<string, string> = {};
  for (const [name, value] of [...headers]) {
    if (!name.startsWith(TAG_PREFIX)) continue;
    tags[name.slice(TAG_PREFIX.length)] = value;
    headers.delete(name);
  }
  const clientRequestId = headers.get('x-client-request-id') ?? randomUUID();
  headers.set('x-client-request-id', clientRequestId);

  let body: BodyInit | null | undefined = init?.body ?? undefined;
  if (body === undefined && request?.body && method !== 'GET' && method !== 'HEAD') {
    body = isJson(headers) ? await request.text() : request.body;
  }
  const { signal: _s, headers: _h, body: _b, method: _m, ...rest } = init ?? {};
  let json: Record<string, unknown> | undefined;
  let text: string | undefined;
  if (typeof body === 'string' && (isJson(headers) || body.trimStart().startsWith('{'))) {
    json = parseObject(body);
    if (json !== undefined) text = body;
  }
  const stream = json?.stream === true;
  let injectedUsage = false;
  if (stream && json !== undefined && isChat(url)) {
    const options = json.stream_options as { include_usage?: unknown } | null | undefined;
    if (options?.include_usage !== true) {
      // Usage comes only with this, in the stream's last chunk; the caller never sees it.
      json = { ...json, stream_options: { ...(options ?? {}), include_usage: true } };
      text = JSON.stringify(json);
      injectedUsage = true;
    }
  }
  // A body re-serialised here or by a policy (the model fallback) has another length.
  if (json !== undefined) headers.delete('content-length');
  return {
    url,
    method,
    headers,
    init: rest,
    body,
    json,
    text,
    replayable: isReplayable(body),
    path: new URL(url, 'http://localhost').pathname,
    tags,
    clientRequestId,
    signal: init?.signal ?? request?.signal ?? undefined,
    stream,
    injectedUsage,
  };
}

function isJson(headers: Headers): boolean {
  return (headers.get('content-type') ?? '').includes('json');
}

function isChat(url: string): boolean {
  return /\/chat\/completions(?:$|\?)/.test(url);
}

// A stream is read once; a form upload may carry streamed files: both go exactly once.
function isReplayable(body: BodyInit | null | undefined): boolean {
  if (body === null || body === undefined || typeof body === 'string') return true;
  if (body instanceof FormData || body instanceof ReadableStream) return false;
  if (typeof body === 'object' && Symbol.asyncIterator in body) return false;
  return true;
}

/** What the OpenAI API call is, from its path: the GenAI operation and the API flavour. */
export function operationOf(path: string): { operation: string; api: string } {
  if (path.endsWith('/chat/completions')) return { operation: 'chat', api: 'chat_completions' };
  if (path.endsWith('/responses')) return { operation: 'chat', api: 'responses' };
  if (path.endsWith('/embeddings')) return { operation: 'embeddings', api: 'embeddings' };
  if (path.endsWith('/completions')) return { operation: 'text_completion', api: 'completions' };
  if (path.includes('/images/')) return { operation: 'generate_content', api: 'images' };
  const last = path.split('/').filter(Boolean).at(-1) ?? 'request';
  return { operation: last, api: last };
}

/** The model of a request: its body's `model`, or an Azure deployment from the path. */
export function modelOf(json: Record<string, unknown> | undefined, path: string): string | undefined {
  if (typeof json?.model === 'string' && json.model !== '') return json.model;
  return /\/deployments\/([^/]+)\//.exec(path)?.[1];
}

/** `azure.ai.openai` for Azure OpenAI endpoints, else `openai`. */
export function providerOf(url: string, path: string): string {
  return /\.openai\.azure\.com$/.test(new URL(url, 'http://localhost').hostname) ||
    path.includes('/openai/deployments/')
    ? 'azure.ai.openai'
    : 'openai';
}
