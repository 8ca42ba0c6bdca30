import type { Attributes } from '@opentelemetry/api';
import type { AnswerSummary, ResponseInfo, Usage } from '@unfazed/core';
import type { CallRecord } from './call-record.ts';
import { hrTime, num, str } from './event-fields.ts';
import { type Failure, failed, failureOf, streamFailureOf } from './failure.ts';
import { GEN_AI, METRICS, UNFAZED } from './names.ts';

/** How the call ended, as far as telemetry can tell. */
export type Ending =
  | {
      readonly ok: true;
      readonly info: ResponseInfo | undefined;
      readonly summary: AnswerSummary | undefined;
      readonly unread?: boolean;
    }
  | { readonly ok: false; readonly error: unknown };

interface Tokens {
  input?: number;
  output?: number;
  cached?: number;
  reasoning?: number;
}

/**
 * Ends the call: its span (attributes of the answer, the outcome, the story of its attempts), its
 * metrics (duration, tokens, time to first chunk, the call counter) and, on failure, one error
 * log line. Runs once, when the answer is complete: for a stream, when it ended.
 */
export function finish(rec: CallRecord, ending: Ending): void {
  if (rec.ended) return;
  rec.ended = true;
  const { ctx, r, span, m } = rec;
  const end = ctx.clock.now();
  const summary = ending.ok ? ending.summary : undefined;
  let failure: Failure | undefined;
  if (!ending.ok) failure = failureOf(ctx, r.o.name, ending.error);
  else if (summary?.streamError !== undefined)
    failure = streamFailureOf(ctx, r.o.name, rec.streamFailure, summary.streamError);
  const outcome =
    failure === undefined
      ? rec.fallback === 'value'
        ? 'fallback'
        : 'success'
      : failure.category === 'cancelled'
        ? 'cancelled'
        : 'failure';
  const usage = summary?.usage ?? (ending.ok ? ending.info?.usage : undefined);
  const tokens = tokensOf(usage);
  const responseModel = summary?.model;
  const ttfc =
    rec.call.stream && summary?.firstChunkMs !== undefined
      ? (rec.sentAt - rec.start + summary.firstChunkMs) / 1_000
      : undefined;
  const requestId = rec.requestIds.at(-1) ?? failure?.requestId;

  if (rec.recording) {
    const a: Attributes = { [UNFAZED.outcome]: outcome, [UNFAZED.attempts]: rec.attempts };
    if (responseModel !== undefined) a[GEN_AI.responseModel] = responseModel;
    if (summary?.id !== undefined) a[GEN_AI.responseId] = summary.id;
    if (tokens.input !== undefined) a[GEN_AI.usageInputTokens] = tokens.input;
    if (tokens.output !== undefined) a[GEN_AI.usageOutputTokens] = tokens.output;
    if (tokens.cached !== undefined) a[GEN_AI.usageCacheReadInputTokens] = tokens.cached;
    if (tokens.reasoning !== undefined) a[GEN_AI.usageReasoningOutputTokens] = tokens.reasoning;
    if (ttfc !== undefined) a[GEN_AI.responseTimeToFirstChunk] = ttfc;
    if (rec.retries > 0) {
      a[UNFAZED.retries] = rec.retries;
      a[UNFAZED.retryDelayMs] = rec.retryDelayMs;
      if (rec.delaySource !== undefined) a[UNFAZED.retryDelaySource] = rec.delaySource;
    }
    const why = str(rec.giveUp?.why);
    if (why !== undefined) a[UNFAZED.retryWhy] = why;
    if (rec.waitMs > 0) a[UNFAZED.limiterWaitMs] = rec.waitMs;
    const breakerState = rec.breakerState ?? r.breakerStates.peek(ctx.key, end);
    if (breakerState !== undefined) a[UNFAZED.breakerState] = breakerState;
    if (rec.fallback !== undefined) a[UNFAZED.fallback] = rec.fallback;
    if (rec.fallbackModel !== undefined) a[UNFAZED.fallbackModel] = rec.fallbackModel;
    if (requestId !== undefined) a[UNFAZED.requestId] = requestId;
    if (rec.requestIds.length > 1) a[UNFAZED.requestIds] = rec.requestIds;
    const status =
      failure?.status ?? (ending.ok && rec.fallback !== 'value' ? ending.info?.status : undefined);
    if (status !== undefined) a[UNFAZED.status] = status;
    if (ending.ok) a[UNFAZED.answer] = ending.unread ? 'unread' : ending.info?.answer ? 'read' : 'returned';
    span.setAttributes(a);
    if (failure !== undefined) failed(span, failure, end);
    rec.attemptSpan?.end(hrTime(end));
    span.end(hrTime(end));
  }

  if (m !== undefined) {
    const base = rec.base(rec.call.model);
    const standard: Attributes = { ...base };
    if (responseModel !== undefined) standard[GEN_AI.responseModel] = responseModel;
    if (failure !== undefined) standard[GEN_AI.errorType] = failure.reason;
    m.record(METRICS.duration, (end - rec.start) / 1_000, standard);
    if (failure === undefined) {
      if (tokens.input !== undefined)
        m.record(METRICS.tokenUsage, tokens.input, { ...standard, [GEN_AI.tokenType]: 'input' });
      if (tokens.output !== undefined)
        m.record(METRICS.tokenUsage, tokens.output, { ...standard, [GEN_AI.tokenType]: 'output' });
    }
    if (ttfc !== undefined) m.record(METRICS.timeToFirstChunk, ttfc, standard);
    const calls: Attributes = { ...base, [UNFAZED.outcome]: outcome };
    if (failure !== undefined) {
      calls[UNFAZED.category] = failure.category;
      calls[UNFAZED.reason] = failure.reason;
    }
    if (rec.user.bucket !== undefined) calls[UNFAZED.userBucket] = rec.user.bucket;
    m.add(METRICS.calls, 1, calls);
  }

  if (failure !== undefined && outcome === 'failure') {
    const why = str(rec.giveUp?.why);
    rec.r.log.write(
      'error',
      rec.scope(),
      {
        action: 'call-failed',
        outcome: 'failure',
        durationMs: end - rec.start,
        errorType: failure.reason,
        errorCode: failure.code,
        errorMessage: failure.message,
        status: failure.status,
        unfazed: {
          category: failure.category,
          reason: failure.reason,
          attempts: rec.attempts,
          ...(why !== undefined && { why }),
          ...(requestId !== undefined && { request_id: requestId }),
          ...(rec.requestIds.length > 1 && { request_ids: rec.requestIds }),
          ...(rec.fallbackModel !== undefined && { fallback_model: rec.fallbackModel }),
          ...(num(rec.giveUp?.delayMs) !== undefined && { delay_ms: rec.giveUp?.delayMs }),
        },
      },
      `${rec.call.operation} ${rec.call.model} failed after ${rec.attempts} attempt${rec.attempts === 1 ? '' : 's'}: ${failure.reason}${failure.status === undefined ? '' : ` (HTTP ${failure.status})`}${why === undefined ? '' : `, ${why}`}`,
    );
  }

  for (const fold of r.takeFolds()) {
    ctx.emit({
      type: 'telemetry.attributes-folded',
      source: r.o.name,
      instrument: fold.instrument,
      limit: fold.limit,
    });
  }
}

/** Token counts of chat completions, embeddings and the Responses API, under the conventions' names. */
function tokensOf(usage: Usage | undefined): Tokens {
  if (usage === undefined || usage === null) return {};
  return {
    input: num(usage.prompt_tokens) ?? num(usage.input_tokens),
    output: num(usage.completion_tokens) ?? num(usage.output_tokens),
    cached: num(usage.prompt_tokens_details?.cached_tokens) ?? num(usage.input_tokens_details?.cached_tokens),
    reasoning:
      num(usage.completion_tokens_details?.reasoning_tokens) ??
      num(usage.output_tokens_details?.reasoning_tokens),
  };
}
