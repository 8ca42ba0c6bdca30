import { classify } from '@unfazed/classify';
import { type CallContext, HttpStatusError, recordResponse } from '@unfazed/core';
import { markNotReplayable, onAbort } from '@unfazed/core/internal';
import { summarizeJson, watchStream } from './answer.ts';
import './events.ts';
import { parseJson } from './json.ts';
import type { OutgoingRequest } from './request.ts';

/** What one attempt needs beyond the request. */
export interface AttemptSettings {
  readonly fetch: typeof fetch;
  readonly source: string;
  readonly model: string | undefined;
  readonly firstChunkTimeoutMs: number;
  readonly idleTimeoutMs: number;
}

/** The answer body of error responses the adapter turned into `HttpStatusError`, to hand the SDK back. */
export const answered = new WeakMap<HttpStatusError, { text: string; statusText: string }>();

/**
 * Sends one attempt of `call`. The attempt's signal (timeouts, deadlines, the caller's abort) ends
 * it until its headers arrive; after that only the caller's own signal (the SDK's timeout and
 * abort) and the stream timeouts do, so a per-attempt timeout never cuts a stream that answered
 * in time. A non-2xx answer is read once and thrown as `HttpStatusError`, so every policy decides on
 * errors alone; a 2xx answer comes back with its body untouched (a stream passes through a watcher
 * that notes usage and times chunks), and `lastResponse(ctx).answer` settles once it has been read.
 */
export async function sendOnce(
  ctx: CallContext,
  call: OutgoingRequest,
  s: AttemptSettings,
): Promise<Response> {
  if (!call.replayable) markNotReplayable(ctx);
  const changed = call.json !== undefined && ctx.request !== call.json;
  const body = changed ? JSON.stringify(ctx.request) : (call.text ?? call.body);
  // The request's headers never change between attempts (readRequest already took out
  // content-length where the body was re-serialised), so they are sent as they are.
  const headers = call.headers;

  const controller = new AbortController();
  const abort = (reason: unknown) => controller.abort(reason);
  const stopAttempt = onAbort(ctx.signal, abort);
  const stopCaller = onAbort(call.signal, abort);
  const startedAt = ctx.clock.now();
  let response: Response;
  try {
    response = await s.fetch(call.url, {
      ...call.init,
      method: call.method,
      headers,
      body,
      signal: controller.signal,
    });
  } catch (error) {
    stopCaller();
    // Aborted by a policy (a TimeoutError) or the caller: that reason is the failure, not fetch's wrapper.
    throw controller.signal.aborted ? (controller.signal.reason ?? error) : error;
  } finally {
    stopAttempt();
  }
  const requestId = response.headers.get('x-request-id') ?? undefined;
  ctx.emit({
    type: 'openai.responded',
    source: s.source,
    status: response.status,
    requestId,
    clientRequestId: call.clientRequestId,
    model: s.model,
    stream: call.stream,
    durationMs: Math.max(0, ctx.clock.now() - startedAt),
  });

  if (!response.ok) {
    let text: string;
    try {
      text = await response.text();
    } finally {
      stopCaller();
    }
    recordResponse(ctx, { status: response.status, headers: response.headers });
    const error = new HttpStatusError({
      status: response.status,
      headers: response.headers,
      body: parseJson(text) ?? text,
    });
    answered.set(error, { text, statusText: response.statusText });
    throw error;
  }

  const isStream =
    call.stream &&
    response.body !== null &&
    (response.headers.get('content-type') ?? '').includes('event-stream');
  if (isStream) {
    const { stream, summary } = watchStream(response.body as ReadableStream<Uint8Array>, {
      clock: ctx.clock,
      startedAt,
      firstChunkTimeoutMs: s.firstChunkTimeoutMs,
      idleTimeoutMs: s.idleTimeoutMs,
      stripUsage: call.injectedUsage,
      abort,
      ended: stopCaller,
      failed: (why, error) => {
        const c = classify(error, { now: ctx.clock.now() });
        ctx.emit({
          type: 'openai.stream-failed',
          source: s.source,
          why,
          category: c.category,
          reason: c.reason,
          status: c.status,
          code: c.code,
          requestId: c.requestId ?? requestId,
        });
      },
    });
    recordResponse(ctx, { status: response.status, headers: response.headers, answer: summary });
    return new Response(stream, {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
  }
  const answer = summarizeJson(response.clone());
  answer.finally(stopCaller).catch(() => {});
  recordResponse(ctx, { status: response.status, headers: response.headers, answer });
  return response;
}
