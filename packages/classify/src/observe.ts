import { ResilienceError } from '@unfazed/core';
import { detailsOf, type ErrorDetails, parseErrorBody, prop } from './body.ts';
import { findTransportFailure, type TransportFailure } from './network.ts';

/** What classify could see in its input, before deciding anything. */
export interface Observation {
  kind: 'http' | 'stream' | 'transport' | 'resilience' | 'other';
  /** A real HTTP status (100..599). */
  status?: number;
  headers?: unknown;
  details?: ErrorDetails;
  /** The error's own message. */
  message?: string;
  /** A transport error code (`ECONNRESET`) or a `ResilienceError` code. */
  code?: string;
  failure?: TransportFailure;
  requestId?: string;
}

/** Messages are looked at only this far: the patterns classify needs sit at the start. */
const MAX_TEXT = 4096;

function stringOf(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value.slice(0, MAX_TEXT) : undefined;
}

function statusOf(value: unknown): number | undefined {
  const n = typeof value === 'string' && /^\d{3}$/.test(value) ? Number(value) : value;
  return typeof n === 'number' && Number.isInteger(n) && n >= 100 && n <= 599 ? n : undefined;
}

function has(value: object, key: string): boolean {
  try {
    return key in value;
  } catch {
    return false;
  }
}

function constructorName(value: object): string | undefined {
  return stringOf(prop(prop(value, 'constructor'), 'name'));
}

/** An error of the openai SDK: `APIError` and subclasses carry these four fields, even when undefined. */
function isSdkError(value: object): boolean {
  return has(value, 'status') && has(value, 'headers') && has(value, 'error') && has(value, 'requestID');
}

/** Looks at any input and says what it is, by duck typing. Never throws. */
export function observe(input: unknown): Observation {
  if (typeof input === 'string') {
    const details = parseErrorBody(input);
    return details ? { kind: 'stream', details } : { kind: 'other' };
  }
  if (input === null || typeof input !== 'object') return { kind: 'other' };

  let resilience: ResilienceError | undefined;
  try {
    resilience = ResilienceError.find(input);
  } catch {
    resilience = undefined;
  }
  if (resilience) {
    // What the server said before the pipeline gave up (a 429 behind RetryAfterTooLongError).
    const cause = prop(resilience, 'cause');
    const behind = cause !== undefined && cause !== input ? observeCause(cause) : undefined;
    return {
      kind: 'resilience',
      code: stringOf(prop(resilience, 'code')),
      message: stringOf(prop(resilience, 'message')),
      requestId: behind?.requestId ?? (behind?.headers ? requestIdOf(behind.headers) : undefined),
    };
  }

  const message = stringOf(prop(input, 'message'));
  if (isSdkError(input)) return observeSdkError(input, message);

  const status = statusOf(prop(input, 'status')) ?? statusOf(prop(input, 'statusCode'));
  if (status !== undefined) {
    const body = prop(input, 'body');
    // A body may also be the bare error object ({ message, code }) of a non-OpenAI gateway.
    const bare = status >= 400 && typeof body === 'object' ? detailsOf(body) : undefined;
    const details = parseErrorBody(body) ?? detailsOf(prop(input, 'error')) ?? bare;
    const requestId = stringOf(prop(input, 'requestID')) ?? stringOf(prop(input, 'requestId'));
    return { kind: 'http', status, headers: prop(input, 'headers'), details, message, requestId };
  }

  const details = parseErrorBody(input);
  if (details) return { kind: 'stream', details, headers: prop(input, 'headers') };

  const transport = findTransportFailure(input);
  if (transport) return { kind: 'transport', failure: transport.failure, code: transport.code, message };
  return { kind: 'other', message };
}

function observeCause(cause: unknown): Observation | undefined {
  try {
    if (ResilienceError.find(cause) !== undefined) return undefined;
    return observe(cause);
  } catch {
    return undefined;
  }
}

function requestIdOf(headers: unknown): string | undefined {
  const get = (name: string) => {
    const value =
      typeof (headers as Headers | null)?.get === 'function' ? (headers as Headers).get(name) : undefined;
    return typeof value === 'string' && value.length > 0 ? value : undefined;
  };
  try {
    return get('x-request-id') ?? get('apim-request-id');
  } catch {
    return undefined;
  }
}

function observeSdkError(error: object, message: string | undefined): Observation {
  const headers = prop(error, 'headers');
  const requestId = stringOf(prop(error, 'requestID'));
  const body = prop(error, 'error');
  // Usually the `error` object of the body; for stream events it may be the whole event.
  const details = parseErrorBody(body) ?? detailsOf(body);
  const status = statusOf(prop(error, 'status'));
  if (status !== undefined) return { kind: 'http', status, headers, details, message, requestId };

  const name = constructorName(error);
  if (name === 'APIUserAbortError' || (name === undefined && message === 'Request was aborted.')) {
    return { kind: 'transport', failure: 'aborted', message };
  }
  // An error event inside a 200 stream: the SDK throws `new APIError(undefined, data.error, ...)`.
  if (details) return { kind: 'stream', details, headers, message, requestId };

  const cause = findTransportFailure(prop(error, 'cause'));
  if (name === 'APIConnectionTimeoutError' || message === 'Request timed out.') {
    return { kind: 'transport', failure: 'timeout', code: cause?.code, message };
  }
  // APIConnectionError: the fetch failed; its cause says how, when it says anything.
  const failure = cause?.failure === 'timeout' ? 'timeout' : 'connection';
  return { kind: 'transport', failure, code: cause?.code, message };
}
