import { type Attributes, type Span, SpanStatusCode } from '@opentelemetry/api';
import type { Category, Reason } from '@unfazed/classify';
import { classifyFailure } from '@unfazed/classify/internal';
import type { CallContext } from '@unfazed/core';
import { hrTime, type SeenEvent, str } from './event-fields.ts';
import { GEN_AI, UNFAZED } from './names.ts';
import { redact } from './redact.ts';

/** What telemetry records of a failure: classify's verdict, and a redacted message. */
export interface Failure {
  readonly category: Category;
  readonly reason: Reason;
  readonly status: number | undefined;
  readonly code: string | undefined;
  readonly requestId: string | undefined;
  /** The error's class name (`HttpStatusError`, `CircuitOpenError`, `APIConnectionError`, …). */
  readonly name: string;
  /** Its message with anything shaped like a credential replaced, at most 300 characters. */
  readonly message: string | undefined;
}

/** classify's one verdict on `error` (the same every policy acted on). */
export function failureOf(ctx: CallContext, source: string, error: unknown): Failure {
  const c = classifyFailure(ctx, source, error);
  const text = c.message ?? (error instanceof Error ? error.message : undefined);
  return {
    category: c.category,
    reason: c.reason,
    status: c.status,
    code: c.code,
    requestId: c.requestId,
    name: error instanceof Error ? error.name : typeof error,
    message: text === undefined || text === '' ? undefined : redact(text),
  };
}

/**
 * A stream that answered 200 and then failed: the adapter's `openai.stream-failed` verdict when it
 * sent one, else classify's on the stream error itself.
 */
export function streamFailureOf(
  ctx: CallContext,
  source: string,
  event: SeenEvent | undefined,
  error: unknown,
): Failure {
  const own = failureOf(ctx, source, error);
  if (event === undefined) return own;
  return {
    ...own,
    category: (str(event.category) as Category | undefined) ?? own.category,
    reason: (str(event.reason) as Reason | undefined) ?? own.reason,
    status: typeof event.status === 'number' ? event.status : own.status,
    code: str(event.code) ?? own.code,
    requestId: str(event.requestId) ?? own.requestId,
  };
}

/** Marks `span` failed the way the conventions ask: `error.type`, an ERROR status, an exception event. */
export function failed(span: Span, failure: Failure, time: number): void {
  span.setAttribute(GEN_AI.errorType, failure.reason);
  span.setAttribute(UNFAZED.category, failure.category);
  span.setAttribute(UNFAZED.reason, failure.reason);
  if (failure.code !== undefined) span.setAttribute(UNFAZED.code, failure.code);
  span.setStatus({
    code: SpanStatusCode.ERROR,
    message: failure.status === undefined ? failure.reason : `${failure.reason} (HTTP ${failure.status})`,
  });
  const attributes: Attributes = { 'exception.type': failure.name };
  if (failure.message !== undefined) attributes['exception.message'] = failure.message;
  span.addEvent('exception', attributes, hrTime(time));
}
