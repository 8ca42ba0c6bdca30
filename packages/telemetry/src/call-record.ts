import { type Attributes, type Context, isSpanContextValid, type Span } from '@opentelemetry/api';
import type { CallContext } from '@unfazed/core';
import { type AttemptWatcher, createContext, sinkOf } from '@unfazed/core/internal';
import { attemptWatcher } from './attempt-watch.ts';
import type { CallDescription } from './describe-call.ts';
import type { SeenEvent } from './event-fields.ts';
import type { Instruments } from './instruments.ts';
import type { LogScope } from './log-bridge.ts';
import { GEN_AI, UNFAZED } from './names.ts';
import type { Recorder } from './recorder.ts';
import type { UserView } from './user-id.ts';

/**
 * One logical call as telemetry follows it: its span, what its events said (attempts, retries,
 * waits, fallbacks), and the context whose sink hears those events before the pipeline's
 * listeners do. Reacting to events lives in call-events.ts, the end of the call in call-finish.ts.
 */
export class CallRecord {
  readonly r: Recorder;
  readonly call: CallDescription;
  readonly span: Span;
  readonly recording: boolean;
  /** The OpenTelemetry context with the call's span in it: the parent of attempt spans. */
  readonly otel: Context;
  /** Undefined on the API's no-op meter: nothing to record. */
  readonly m: Instruments | undefined;
  readonly start: number;
  readonly feature: string | undefined;
  readonly user: UserView;
  /** The context the rest of the pipeline runs with: its events come through `observe`. */
  readonly ctx: CallContext;
  /** The model asked for now (a fallback switches it). */
  model: string;
  attempts = 0;
  sentAt: number;
  attemptSpan: Span | undefined;
  attemptRequestId: string | undefined;
  readonly requestIds: string[] = [];
  retries = 0;
  delaySource: string | undefined;
  retryDelayMs = 0;
  giveUp: SeenEvent | undefined;
  waitMs = 0;
  fallback: 'value' | 'model' | undefined;
  fallbackModel: string | undefined;
  streamFailure: SeenEvent | undefined;
  breakerState: string | undefined;
  ended = false;
  #scope: LogScope | undefined;

  constructor(
    r: Recorder,
    ctx: CallContext,
    call: CallDescription,
    span: Span,
    otel: Context,
    m: Instruments | undefined,
    start: number,
    observe: (record: CallRecord, event: SeenEvent) => void,
  ) {
    this.r = r;
    this.call = call;
    this.span = span;
    this.recording = span.isRecording();
    this.otel = otel;
    this.m = m;
    this.start = start;
    this.sentAt = start;
    this.model = call.model;
    this.feature = ctx.tags[r.o.featureTag];
    this.user = r.users(ctx.tags[r.o.userTag]);
    const parent = sinkOf(ctx);
    const { emit: _emit, ...fields } = ctx;
    this.ctx = createContext(fields, (event) => {
      try {
        observe(this, event as unknown as SeenEvent);
      } catch {
        // Recording an event must never change the call, nor keep it from other listeners.
      }
      parent(event);
    });
  }

  /** Dimensions every per-call metric shares: operation, provider, model, feature. */
  base(model = this.model): Attributes {
    const a: Attributes = {
      [GEN_AI.operationName]: this.call.operation,
      [GEN_AI.providerName]: this.call.provider,
      [GEN_AI.requestModel]: model,
    };
    if (this.feature !== undefined) a[UNFAZED.feature] = this.feature;
    return a;
  }

  /** What each log line says about the call (made at the first line). */
  scope(): LogScope {
    if (this.#scope !== undefined) return this.#scope;
    const sc = this.span.spanContext();
    const valid = isSpanContextValid(sc);
    const tags = this.r.o.spanTags;
    let labels: Record<string, string> | undefined;
    for (const name of tags) {
      const value = this.ctx.tags[name];
      if (value === undefined) continue;
      labels ??= {};
      labels[name] = value;
    }
    this.#scope = {
      operation: this.call.operation,
      provider: this.call.provider,
      model: this.call.model,
      key: this.ctx.key,
      feature: this.feature,
      user: this.user.log,
      labels,
      clientRequestId: this.call.clientRequestId,
      traceId: valid ? sc.traceId : undefined,
      spanId: valid ? sc.spanId : undefined,
    };
    return this.#scope;
  }

  /** Watches each attempt where it leaves the pipeline (attempt-watch.ts). */
  readonly watcher: AttemptWatcher = attemptWatcher(this);
}
