import { type Attributes, context, isSpanContextValid, SpanKind, trace } from '@opentelemetry/api';
import { type CallContext, defineMiddleware, lastResponse, type Middleware, type Next } from '@unfazed/core';
import { watchAttempt } from '@unfazed/core/internal';
import { waitForAnswer } from './answer-wait.ts';
import { observe } from './call-events.ts';
import { finish } from './call-finish.ts';
import { CallRecord } from './call-record.ts';
import { type CallDescription, describeCall } from './describe-call.ts';
import { hrTime } from './event-fields.ts';
import './events.ts';
import { GEN_AI, UNFAZED } from './names.ts';
import { resolveTelemetryOptions, type TelemetryOptions } from './options.ts';
import { Recorder } from './recorder.ts';
import { redact } from './redact.ts';

/**
 * OpenTelemetry for every call through the pipeline: one CLIENT span per logical call, named
 * `{gen_ai.operation.name} {gen_ai.request.model}` with the GenAI semantic conventions' attributes
 * and a child span per attempt; the conventions' metrics and ours (outcomes, retries, breaker
 * states, limiter waits, remaining quota, fallbacks); and, with a `logger`, structured log lines
 * in Elastic Common Schema names. Everything comes from the call's context and the pipeline's
 * events; nothing changes the call. Put it outermost. With no OpenTelemetry SDK installed (the
 * API's no-op providers) and no logger, a call costs one no-op span.
 *
 * @example
 * import { createResilientClient } from '@unfazed/openai-adapter';
 * import { telemetry } from '@unfazed/telemetry';
 *
 * const client = createResilientClient({ telemetry: telemetry({ captureUser: 'hash', userSalt: process.env.USER_SALT }) });
 */
export function telemetry(options?: TelemetryOptions): Middleware {
  const o = resolveTelemetryOptions(options);
  const r = new Recorder(o);

  return defineMiddleware(o.name, async function telemetry<T>(ctx: CallContext, next: Next<T>): Promise<T> {
    const instruments = r.instruments();
    // No SDK installed and no logger: nothing could be recorded, so the call passes straight on.
    if (instruments.noop && !r.log.enabled && r.tracingOff()) return next(ctx);
    const call = describeCall(ctx);
    const start = ctx.clock.now();
    const parent = context.active();
    const span = r.tracer.startSpan(
      `${call.operation} ${call.model}`,
      {
        kind: SpanKind.CLIENT,
        startTime: hrTime(start),
        attributes: {
          [GEN_AI.providerName]: call.provider,
          [GEN_AI.operationName]: call.operation,
          [GEN_AI.requestModel]: call.model,
        },
      },
      parent,
    );
    const recording = span.isRecording();
    if (!recording && instruments.noop && !r.log.enabled) {
      // Nothing would be recorded: step aside, keeping a sampled-out parent's context flowing.
      if (!isSpanContextValid(span.spanContext())) return next(ctx);
      return context.with(trace.setSpan(parent, span), next, undefined, ctx);
    }
    if (recording) span.setAttributes(requestAttributes(ctx, call, r.o, r.users(ctx.tags[r.o.userTag]).span));
    const otel = trace.setSpan(parent, span);
    const rec = new CallRecord(
      r,
      ctx,
      call,
      span,
      otel,
      instruments.noop ? undefined : instruments,
      start,
      observe,
    );
    const inner = rec.ctx;
    watchAttempt(inner, r.owner, rec.watcher);
    let result: T;
    try {
      result = await context.with(otel, next, undefined, inner);
    } catch (error) {
      watchAttempt(inner, r.owner, undefined);
      finish(rec, { ok: false, error });
      throw error;
    }
    watchAttempt(inner, r.owner, undefined);
    const info = lastResponse(inner);
    if (info?.answer === undefined) finish(rec, { ok: true, info, summary: undefined });
    else {
      // The body is still being read (a stream): the call's span and duration end with it, in the
      // background, and the caller has its answer now.
      waitForAnswer(inner.clock, info.answer, o.answerTimeoutMs, (summary, unread) =>
        finish(rec, { ok: true, info, summary, unread }),
      );
    }
    return result;
  });
}

/** The request's attributes: the conventions' (model settings, stream, API) and ours (key, tags). */
function requestAttributes(
  ctx: CallContext,
  call: CallDescription,
  o: ReturnType<typeof resolveTelemetryOptions>,
  user: string | undefined,
): Attributes {
  const a: Attributes = { [UNFAZED.key]: ctx.key };
  if (call.stream) a[GEN_AI.requestStream] = true;
  // The conventions define `openai.api.type` on inference spans (chat completions, responses).
  if (call.api !== undefined && call.operation !== 'embeddings') a[GEN_AI.openaiApiType] = call.api;
  if (call.clientRequestId !== undefined) a[UNFAZED.clientRequestId] = call.clientRequestId;
  const b = call.body;
  if (b !== undefined) {
    const maxTokens = b.max_completion_tokens ?? b.max_tokens ?? b.max_output_tokens;
    if (typeof maxTokens === 'number') a[GEN_AI.requestMaxTokens] = maxTokens;
    if (typeof b.temperature === 'number') a[GEN_AI.requestTemperature] = b.temperature;
    if (typeof b.top_p === 'number') a[GEN_AI.requestTopP] = b.top_p;
    if (typeof b.seed === 'number') a[GEN_AI.requestSeed] = b.seed;
    if (typeof b.n === 'number' && b.n !== 1) a[GEN_AI.requestChoiceCount] = b.n;
    if (typeof b.service_tier === 'string' && b.service_tier !== 'auto')
      a[GEN_AI.openaiRequestServiceTier] = b.service_tier;
    if (o.recordContent) {
      const content = b.messages ?? b.input ?? b.prompt;
      if (content !== undefined) a[GEN_AI.inputMessages] = redact(safeJson(content), 65_536);
    }
  }
  const feature = ctx.tags[o.featureTag];
  if (feature !== undefined) a[UNFAZED.feature] = feature;
  if (user !== undefined) a[UNFAZED.user] = user;
  for (const name of o.spanTags) {
    const value = ctx.tags[name];
    if (value !== undefined) a[`${UNFAZED.tag}${name}`] = value;
  }
  return a;
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? '';
  } catch {
    return '';
  }
}
