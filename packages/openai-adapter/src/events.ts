import type { Category, Reason } from '@unfazed/classify';
import type { EventBase } from '@unfazed/core';

declare module '@unfazed/core' {
  interface ResilienceEventMap {
    'openai.responded': OpenAIRespondedEvent;
    'openai.stream-failed': OpenAIStreamFailedEvent;
    'openai.model-switched': OpenAIModelSwitchedEvent;
  }
}

/** An attempt got an answer (its headers): one per attempt, success or not. */
export interface OpenAIRespondedEvent extends EventBase {
  readonly type: 'openai.responded';
  readonly status: number;
  /** The server's `x-request-id` for this attempt: quote it to support. */
  readonly requestId: string | undefined;
  /** The `X-Client-Request-Id` every attempt of the call carries. */
  readonly clientRequestId: string;
  readonly model: string | undefined;
  readonly stream: boolean;
  /** From the attempt leaving to its headers, in ms. */
  readonly durationMs: number;
}

/** A stream that had answered 200 failed on the way: an error frame, a stall, or a broken connection. */
export interface OpenAIStreamFailedEvent extends EventBase {
  readonly type: 'openai.stream-failed';
  readonly why: 'error-frame' | 'first-chunk-timeout' | 'idle-timeout' | 'broken';
  readonly category: Category;
  readonly reason: Reason;
  readonly status: number | undefined;
  readonly code: string | undefined;
  readonly requestId: string | undefined;
}

/** The fallback stage sent the call to another model. */
export interface OpenAIModelSwitchedEvent extends EventBase {
  readonly type: 'openai.model-switched';
  readonly from: string;
  readonly to: string;
  readonly category: Category;
  readonly reason: Reason;
  readonly status: number | undefined;
  readonly code: string | undefined;
  readonly requestId: string | undefined;
}
