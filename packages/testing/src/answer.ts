import type { Answering } from './answering.ts';
import type { ResolvedFault } from './faults.ts';
import { embeddingInputs } from './http-helpers.ts';
import { chatCompletion, embeddingResponse, makeAnswer, responseObject } from './openai-payloads.ts';
import type { ServerState } from './server-state.ts';
import { outputLimit, type TokenCost } from './token-cost.ts';
import { writeStream } from './write-stream.ts';

/** A request the limiter admitted, and the fault (if any) that still hits its answer. */
export interface Admitted {
  readonly kind: 'chat' | 'embeddings' | 'responses';
  readonly body: Record<string, unknown>;
  readonly model: string;
  readonly cost: TokenCost;
  readonly streaming: boolean;
  /** `slow`, `stream-error` or `stall`: the faults that hit an admitted request. */
  readonly fault: ResolvedFault | undefined;
}

/** Answers an admitted request: JSON, or a stream; late (`slow`), broken or stalled when a fault says so. */
export async function answer(s: ServerState, a: Answering, r: Admitted): Promise<void> {
  const { o } = s;
  const { kind, body, model, cost, fault } = r;
  const delayMs = fault?.kind === 'slow' ? fault.delayMs : 0;
  const stallAt = fault?.kind === 'stall' ? fault.afterChunks : undefined;
  if (stallAt !== undefined && !r.streaming) {
    // The headers promise a JSON body that never comes: only the client's own limit ends the read.
    await a.begin();
    if (a.gone()) return;
    a.res.writeHead(200, { ...a.headers(), 'content-type': 'application/json' });
    a.res.flushHeaders();
    return;
  }
  if (kind === 'embeddings') {
    const asked = body.dimensions;
    const dimensions =
      Number.isInteger(asked) && (asked as number) > 0
        ? Math.min(asked as number, 4096)
        : o.embeddingDimensions;
    const payload = embeddingResponse({
      inputs: embeddingInputs(body.input),
      model,
      dimensions,
      base64: body.encoding_format === 'base64',
      promptTokens: cost.promptTokens,
    });
    return a.send(200, payload, {}, delayMs);
  }
  const made = makeAnswer(
    kind === 'chat' ? 'chatcmpl-' : 'resp_',
    model,
    cost.promptTokens,
    outputLimit(body),
  );
  if (!r.streaming) {
    return a.send(200, kind === 'chat' ? chatCompletion(made) : responseObject(made, body), {}, delayMs);
  }
  await a.begin(delayMs);
  return writeStream(a, {
    kind,
    answer: made,
    body,
    errorAt: fault?.kind === 'stream-error' ? fault.afterChunks : undefined,
    stallAt,
    pause: s.pause,
    chunkDelayMs: o.chunkDelayMs,
  });
}
