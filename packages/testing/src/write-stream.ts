import type { Answering } from './answering.ts';
import type { Answer } from './openai-payloads.ts';
import { sseFrames } from './sse-frames.ts';

/** How a streamed answer goes: healthy, broken by an in-stream error, or stalled. */
export interface StreamPlan {
  readonly kind: 'chat' | 'responses';
  readonly answer: Answer;
  readonly body: Record<string, unknown>;
  /** Replace the rest with OpenAI's in-stream error after this many frames (`stream-error`). */
  readonly errorAt: number | undefined;
  /** Send nothing more after this many frames, never ending the answer (`stall`). */
  readonly stallAt: number | undefined;
  readonly chunkDelayMs: number;
  pause(ms: number): Promise<void>;
}

/**
 * Writes a streamed answer as SSE: every frame (for chat with `include_usage`, the usage chunk
 * last), then `data: [DONE]` for chat; a Responses stream just ends. A fault cuts it short.
 */
export async function writeStream(a: Answering, plan: StreamPlan): Promise<void> {
  if (a.gone()) return;
  const { res } = a;
  res.writeHead(200, {
    ...a.headers(),
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
  });
  res.flushHeaders();
  const { frames, errorFrame, end } = sseFrames(plan.kind, plan.answer, plan.body);
  const errorAt = plan.errorAt === undefined ? -1 : Math.min(plan.errorAt, frames.length);
  const stallAt = plan.stallAt === undefined ? -1 : Math.min(plan.stallAt, frames.length);
  for (let i = 0; i <= frames.length; i++) {
    if (i > 0 && plan.chunkDelayMs > 0) await plan.pause(plan.chunkDelayMs);
    if (a.gone()) return;
    // A stalled stream keeps its socket open and silent: only the client or close() ends it.
    if (i === stallAt) return;
    if (i === errorAt) {
      res.end(errorFrame);
      return;
    }
    if (i < frames.length) res.write(frames[i]);
  }
  res.end(end);
}
