import type { AnswerSummary, Cancel, Clock, Usage } from '@unfazed/core';
import { StreamTimeoutError } from './errors.ts';
import { parseObject } from './json.ts';
import { type SseEvent, SseSplitter } from './sse.ts';

/** What reading a streamed answer reports on the way. */
export interface StreamWatch {
  readonly clock: Clock;
  /** When the attempt left (clock ms), for the time to first chunk. */
  readonly startedAt: number;
  readonly firstChunkTimeoutMs: number;
  readonly idleTimeoutMs: number;
  /** Take the usage-only last chunk (and `usage: null` of the others) out: the adapter asked for it. */
  readonly stripUsage: boolean;
  /** Ends the connection (the fetch's own controller). */
  readonly abort: (reason: unknown) => void;
  /** A failure the stream met, for the `openai.stream-failed` event. */
  readonly failed: (
    why: 'error-frame' | 'first-chunk-timeout' | 'idle-timeout' | 'broken',
    error: unknown,
  ) => void;
  /** The stream ended, one way or another. */
  readonly ended: () => void;
}

/**
 * Passes a streamed answer through to its reader (the SDK) event by event, unchanged but for the
 * usage chunk the adapter asked for, while it notes the usage, model and id, times the first chunk,
 * reports error frames, and ends the stream when it stalls. The summary settles when the stream
 * ends, is cancelled, or breaks.
 */
export function watchStream(
  body: ReadableStream<Uint8Array>,
  watch: StreamWatch,
): { stream: ReadableStream<Uint8Array>; summary: Promise<AnswerSummary> } {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const encoder = new TextEncoder();
  const splitter = new SseSplitter();
  const summary: AnswerSummary = {};
  let settle!: (s: AnswerSummary) => void;
  const done = new Promise<AnswerSummary>((resolve) => {
    settle = resolve;
  });
  let timer: Cancel | undefined;
  let out: ReadableStreamDefaultController<Uint8Array> | undefined;
  let finished = false;
  const finish = () => {
    if (finished) return;
    finished = true;
    timer?.();
    watch.ended();
    settle(summary);
  };
  const stall = (phase: 'first-chunk' | 'idle', ms: number) => {
    const error = new StreamTimeoutError(phase, ms);
    summary.streamError = error;
    watch.failed(phase === 'first-chunk' ? 'first-chunk-timeout' : 'idle-timeout', error);
    try {
      out?.error(error);
    } catch {
      // Already closed.
    }
    reader.cancel(error).catch(() => {});
    watch.abort(error);
    finish();
  };
  const arm = (phase: 'first-chunk' | 'idle') => {
    timer?.();
    const ms = phase === 'first-chunk' ? watch.firstChunkTimeoutMs : watch.idleTimeoutMs;
    timer = watch.clock.schedule(ms, () => stall(phase, ms));
  };

  const onEvent = (e: SseEvent): string => {
    if (e.data === undefined) return e.raw;
    if (summary.firstChunkMs === undefined)
      summary.firstChunkMs = Math.max(0, watch.clock.now() - watch.startedAt);
    if (e.data === '[DONE]') return e.raw;
    const payload = parseObject(e.data);
    if (payload === undefined) return e.raw;
    note(summary, payload);
    const error =
      e.event === 'error' ||
      payload.error !== undefined ||
      payload.type === 'error' ||
      payload.type === 'response.failed';
    if (error) {
      summary.streamError ??= payload;
      watch.failed('error-frame', e.event === 'error' ? { error: payload } : payload);
      return e.raw;
    }
    if (!watch.stripUsage || !('usage' in payload)) return e.raw;
    if (Array.isArray(payload.choices) && payload.choices.length === 0 && payload.usage) return '';
    const { usage: _usage, ...rest } = payload;
    return `data: ${JSON.stringify(rest)}${separatorOf(e.raw)}`;
  };

  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      out = controller;
      arm('first-chunk');
    },
    async pull(controller) {
      try {
        for (;;) {
          const { done: ended, value } = await reader.read();
          if (finished) return;
          if (ended) {
            const last = splitter.push(decoder.decode());
            const tail = splitter.flush();
            const text = [...last, ...(tail ? [tail] : [])].map(onEvent).join('');
            if (text) controller.enqueue(encoder.encode(text));
            finish();
            controller.close();
            return;
          }
          const events = splitter.push(decoder.decode(value, { stream: true }));
          if (events.length === 0) continue;
          arm('idle');
          const text = events.map(onEvent).join('');
          if (text) {
            controller.enqueue(encoder.encode(text));
            return;
          }
        }
      } catch (error) {
        if (finished) return;
        // After an error frame the reader (the SDK) stops and the connection is torn down: that is
        // the frame's consequence, not a second failure.
        if (summary.streamError === undefined) {
          summary.streamError = error;
          watch.failed('broken', error);
        }
        finish();
        throw error;
      }
    },
    cancel(reason) {
      finish();
      return reader.cancel(reason);
    },
  });
  return { stream, summary: done };
}

/** Bodies up to this size are parsed whole; larger ones (embeddings) are searched for what is needed. */
const PARSE_WHOLE = 64 * 1024;

/**
 * What a JSON answer says (`usage`, `model`, `id`), read from a copy of its body (the SDK reads
 * the original; a copy shares its chunks). A large body is not parsed a second time: `id` and
 * `model` are read from its start and `usage` from its last object.
 */
export async function summarizeJson(response: Response): Promise<AnswerSummary | undefined> {
  try {
    const text = await response.text();
    const summary: AnswerSummary = {};
    if (text.length <= PARSE_WHOLE) {
      const body = parseObject(text);
      if (body === undefined) return undefined;
      note(summary, body);
      return summary;
    }
    const head = text.slice(0, 4096);
    const id = /"id"\s*:\s*"([^"]{1,200})"/.exec(head)?.[1];
    const model =
      /"model"\s*:\s*"([^"]{1,200})"/.exec(text.slice(-4096))?.[1] ??
      /"model"\s*:\s*"([^"]{1,200})"/.exec(head)?.[1];
    if (id !== undefined) summary.id = id;
    if (model !== undefined) summary.model = model;
    const at = text.lastIndexOf('"usage"');
    const open = at === -1 ? -1 : text.indexOf('{', at);
    const usage = open === -1 ? undefined : parseBalanced(text, open);
    if (usage !== undefined) summary.usage = usage as Usage;
    return summary;
  } catch {
    return undefined;
  }
}

/** The JSON object starting at `open` (a `{`), found by counting braces outside strings. */
function parseBalanced(text: string, open: number): Record<string, unknown> | undefined {
  let depth = 0;
  let inString = false;
  for (let i = open; i < text.length && i < open + 4096; i++) {
    const ch = text[i];
    if (inString) {
      if (ch === '\\') i++;
      else if (ch === '"') inString = false;
    } else if (ch === '"') inString = true;
    else if (ch === '{') depth++;
    else if (ch === '}' && --depth === 0) return parseObject(text.slice(open, i + 1));
  }
  return undefined;
}

// Chat chunks carry id and model; Responses events carry them in `response` (response.completed
// has its usage); the usage-only last chat chunk has usage.
function note(summary: AnswerSummary, payload: Record<string, unknown>): void {
  const response = (payload.response ?? payload) as Record<string, unknown>;
  if (summary.id === undefined && typeof response.id === 'string') summary.id = response.id;
  if (typeof response.model === 'string') summary.model ??= response.model;
  if (typeof response.service_tier === 'string') summary.serviceTier = response.service_tier;
  if (typeof response.system_fingerprint === 'string')
    summary.systemFingerprint = response.system_fingerprint;
  const usage = response.usage;
  if (usage !== null && typeof usage === 'object') summary.usage = usage as Usage;
  // Chat: each choice's finish_reason (in its last chunk); Responses: the response's status.
  if (Array.isArray(response.choices)) {
    for (const choice of response.choices as { index?: unknown; finish_reason?: unknown }[]) {
      if (typeof choice?.finish_reason !== 'string') continue;
      summary.finishReasons ??= [];
      const reasons = summary.finishReasons;
      reasons[typeof choice.index === 'number' ? choice.index : reasons.length] = choice.finish_reason;
    }
  } else if (payload.type === 'response.completed' || payload.type === 'response.incomplete') {
    const status = response.status;
    if (typeof status === 'string') summary.finishReasons = [status];
  }
}

function separatorOf(raw: string): string {
  return /(\r\n\r\n|\n\n|\r\r)$/.exec(raw)?.[1] ?? '\n\n';
}
