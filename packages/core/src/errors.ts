import type { ResilienceErrorCode } from './codes.ts';

const BRAND = Symbol.for('unfazed.ResilienceError');
const MAX_CAUSE_DEPTH = 16;

/** Options shared by every error the pipeline makes itself. */
export interface ResilienceErrorOptions {
  cause?: unknown;
}

/**
 * Base class of every failure a pipeline makes itself (circuit open, timeout, retry budget spent,
 * rate-limit wait too long, bulkhead full). Errors from the wrapped call pass through unchanged
 * and are never wrapped in this class.
 *
 * `instanceof` breaks when two copies of a package end up in one install, so recognition goes
 * through a `Symbol.for` brand instead: use {@link ResilienceError.is}.
 */
export class ResilienceError extends Error {
  /** A stable, machine-readable code such as `'CIRCUIT_OPEN'`; one of `RESILIENCE_ERROR_CODES`. */
  readonly code: ResilienceErrorCode;

  constructor(code: ResilienceErrorCode, message: string, options?: ResilienceErrorOptions) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.name = new.target.name;
    Object.defineProperty(this, BRAND, { value: true });
  }

  /**
   * Finds the first `ResilienceError` in `err` or its `cause` chain (an SDK may wrap ours, as the
   * openai SDK does with `APIConnectionError`). With `code`, only an error of that code matches.
   */
  static find(err: unknown, code?: ResilienceErrorCode): ResilienceError | undefined {
    let current: unknown = err;
    for (let depth = 0; depth < MAX_CAUSE_DEPTH && current != null; depth++) {
      if (typeof current === 'object' && (current as Record<symbol, unknown>)[BRAND] === true) {
        const found = current as ResilienceError;
        if (code === undefined || found.code === code) return found;
      }
      if (typeof current !== 'object') return undefined;
      current = (current as { cause?: unknown }).cause;
    }
    return undefined;
  }

  /** True when `err`, or an error in its `cause` chain, is a `ResilienceError` (of `code`, if given). */
  static is(err: unknown, code?: ResilienceErrorCode): err is Error {
    return ResilienceError.find(err, code) !== undefined;
  }
}

/** Init of {@link HttpStatusError}. */
export interface HttpStatusErrorInit {
  status: number;
  headers?: Headers | Record<string, string | readonly string[] | undefined>;
  /** The parsed JSON body, or its text when it was not JSON. */
  body?: unknown;
  /** The original response, kept so an adapter can hand it back with its body intact. */
  response?: Response;
  message?: string;
}

/**
 * A non-2xx HTTP response, thrown inside a pipeline so that every policy decides on errors alone.
 * It is the server's answer, not a failure of the pipeline, so it is not a `ResilienceError`.
 */
export class HttpStatusError extends Error {
  readonly status: number;
  readonly headers: Headers;
  readonly body: unknown;
  readonly response: Response | undefined;

  constructor(init: HttpStatusErrorInit) {
    super(init.message ?? `HTTP ${init.status}${describeBody(init.body)}`);
    this.name = 'HttpStatusError';
    this.status = init.status;
    this.headers = toHeaders(init.headers);
    this.body = init.body;
    this.response = init.response;
  }
}

function describeBody(body: unknown): string {
  const message = (body as { error?: { message?: unknown } } | undefined)?.error?.message;
  return typeof message === 'string' ? `: ${message}` : '';
}

function toHeaders(init: HttpStatusErrorInit['headers']): Headers {
  if (init instanceof Headers) return init;
  const headers = new Headers();
  for (const [name, value] of Object.entries(init ?? {})) {
    if (value === undefined) continue;
    try {
      if (typeof value === 'string') headers.append(name, value);
      else for (const v of value) headers.append(name, v);
    } catch {
      // A header name or value that Headers rejects is dropped rather than failing the call.
    }
  }
  return headers;
}
