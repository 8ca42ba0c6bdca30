import { SpanKind } from '@opentelemetry/api';
import { getHeader, parseRateLimitHeaders } from '@unfazed/classify';
import { type CallContext, lastResponse } from '@unfazed/core';
import type { AttemptOutcome, AttemptWatcher } from '@unfazed/core/internal';
import type { CallRecord } from './call-record.ts';
import { hrTime } from './event-fields.ts';
import { failed, failureOf } from './failure.ts';
import type { Instruments } from './instruments.ts';
import { GEN_AI, HTTP_STATUS, METRICS, UNFAZED } from './names.ts';

/**
 * What telemetry sees of each attempt, where it leaves the pipeline and where its call settles
 * (core's `watchAttempt`): a child span `unfazed.attempt`, the attempts counter by outcome and
 * status, and the remaining-quota gauges from the answer's `x-ratelimit-remaining-*` headers.
 */
export function attemptWatcher(rec: CallRecord): AttemptWatcher {
  return {
    sent(actx) {
      const now = actx.clock.now();
      rec.attempts++;
      rec.sentAt = now;
      rec.attemptRequestId = undefined;
      if (!rec.recording) return;
      rec.attemptSpan?.end(hrTime(now));
      rec.attemptSpan = rec.r.tracer.startSpan(
        'unfazed.attempt',
        {
          kind: SpanKind.INTERNAL,
          startTime: hrTime(now),
          attributes: { [UNFAZED.attempt]: actx.attempt, [GEN_AI.requestModel]: modelOf(actx) },
        },
        rec.otel,
      );
    },
    settled(actx, outcome) {
      const headers = headersOf(actx, outcome);
      const requestId = rec.attemptRequestId ?? (headers && getHeader(headers, 'x-request-id'));
      if (requestId !== undefined) rec.requestIds.push(requestId);
      const failure = outcome.ok ? undefined : failureOf(actx, rec.r.o.name, outcome.error);
      const status = outcome.ok ? statusOf(actx, outcome.value) : failure?.status;
      const m = rec.m;
      if (m !== undefined) {
        const a = rec.base(modelOf(actx));
        a[UNFAZED.outcome] = outcome.ok ? 'success' : 'failure';
        if (failure !== undefined) {
          a[UNFAZED.category] = failure.category;
          a[UNFAZED.reason] = failure.reason;
        }
        if (status !== undefined) a[UNFAZED.status] = String(status);
        m.add(METRICS.attempts, 1, a);
        if (headers !== undefined) remaining(m, actx.key, headers);
      }
      const span = rec.attemptSpan;
      if (span === undefined) return;
      rec.attemptSpan = undefined;
      if (status !== undefined) span.setAttribute(HTTP_STATUS, status);
      if (requestId !== undefined) span.setAttribute(UNFAZED.requestId, requestId);
      const end = actx.clock.now();
      if (failure !== undefined) failed(span, failure, end);
      span.end(hrTime(end));
    },
  };
}

function remaining(m: Instruments, key: string, headers: HeadersLike): void {
  const limits = parseRateLimitHeaders(headers);
  const a = { [UNFAZED.key]: key };
  if (limits.remainingRequests !== undefined) m.set(METRICS.remainingRequests, limits.remainingRequests, a);
  if (limits.remainingTokens !== undefined) m.set(METRICS.remainingTokens, limits.remainingTokens, a);
}

function modelOf(ctx: CallContext): string {
  const model = (ctx.request as { model?: unknown } | undefined)?.model;
  return typeof model === 'string' && model !== '' ? model : ctx.key;
}

type HeadersLike = Headers | Record<string, string>;

function headersOf(ctx: CallContext, outcome: AttemptOutcome): HeadersLike | undefined {
  if (outcome.ok) {
    if (outcome.value instanceof Response) return outcome.value.headers;
    return lastResponse(ctx)?.headers;
  }
  const headers = (outcome.error as { headers?: unknown } | null)?.headers;
  return headers instanceof Headers || (headers !== null && typeof headers === 'object')
    ? (headers as HeadersLike)
    : undefined;
}

function statusOf(ctx: CallContext, value: unknown): number | undefined {
  if (value instanceof Response) return value.status;
  return lastResponse(ctx)?.status;
}
