import { HttpStatusError, RESILIENCE_ERROR_CODES, ResilienceError } from '@unfazed/core';
import { APIError } from 'openai';
import { describe, expect, it } from 'vitest';
import { classify, isRetryable } from './classify.ts';
import { FIXTURE_NOW, HTTP_FIXTURES, STREAM_FIXTURES } from './fixtures.ts';

function parsed(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return body;
  }
}

/** The error the openai SDK builds from such a response (same arguments as its makeStatusError). */
function sdkError(status: number, headers: Record<string, string>, body: string): APIError {
  const json = parsed(body);
  const isJson = typeof json === 'object';
  return APIError.generate(
    status,
    isJson ? (json as object) : undefined,
    isJson ? undefined : body,
    new Headers(headers),
  );
}

describe('classify: HTTP error corpus', () => {
  const options = { now: FIXTURE_NOW };
  for (const f of HTTP_FIXTURES) {
    describe(f.name, () => {
      it('from { status, headers, body } with the raw body text', () => {
        const c = classify({ status: f.status, headers: f.headers, body: f.body }, options);
        expect(c).toMatchObject({ ...f.expect, status: f.status });
      });
      it('from core HttpStatusError with Headers and the parsed body', () => {
        const err = new HttpStatusError({ status: f.status, headers: f.headers, body: parsed(f.body) });
        expect(classify(err, options)).toMatchObject({ ...f.expect, status: f.status });
      });
      it('from the openai SDK error built from the same response', () => {
        const err = sdkError(f.status, f.headers, f.body);
        expect(classify(err, options)).toMatchObject({ ...f.expect, status: f.status });
      });
    });
  }

  it('copies message, type and code of the body and the parsed rate-limit headers', () => {
    const rpm = HTTP_FIXTURES[0]!;
    const c = classify({ status: rpm.status, headers: rpm.headers, body: rpm.body });
    expect(c.message).toMatch(/^Rate limit reached for gpt-4o-mini/);
    expect(c.rateLimit).toEqual({
      limitRequests: 3,
      remainingRequests: 0,
      resetRequestsMs: 60_000,
      limitTokens: 30000,
      remainingTokens: 29990,
      resetTokensMs: 20,
    });
  });

  it('reads the status of a Response (its body cannot be read synchronously)', () => {
    const res = new Response('{}', {
      status: 503,
      headers: { 'retry-after-ms': '250', 'x-request-id': 'r1' },
    });
    expect(classify(res)).toEqual({
      category: 'transient',
      retryable: true,
      reason: 'overloaded',
      status: 503,
      retryAfterMs: 250,
      retryAfterSource: 'retry-after',
      requestId: 'r1',
    });
  });

  it('treats other 4xx as client errors and other 5xx as server errors', () => {
    expect(classify({ status: 418 })).toMatchObject({
      category: 'client',
      reason: 'bad_request',
      retryable: false,
    });
    expect(classify({ status: 413 })).toMatchObject({ category: 'client', reason: 'request_too_large' });
    expect(classify({ status: 507 })).toMatchObject({ category: 'transient', reason: 'server_error' });
    expect(classify({ status: 529 })).toMatchObject({ category: 'transient', reason: 'overloaded' });
    expect(classify({ statusCode: 502 })).toMatchObject({ reason: 'server_error', status: 502 });
  });

  it('says nothing definite about a success without an error body', () => {
    expect(classify({ status: 200, headers: {}, body: { id: 'chatcmpl-1' } })).toEqual({
      category: 'unknown',
      retryable: false,
      reason: 'unknown',
      status: 200,
    });
  });

  it('uses the exhausted dimension of a 429 without a type for the reset hint', () => {
    const headers = {
      'x-ratelimit-remaining-requests': '10',
      'x-ratelimit-reset-requests': '2s',
      'x-ratelimit-remaining-tokens': '0',
      'x-ratelimit-reset-tokens': '6m0s',
    };
    expect(classify({ status: 429, headers })).toMatchObject({
      reason: 'rate_limit_tokens',
      retryAfterMs: 360_000,
      retryAfterSource: 'rate-limit-reset',
    });
    const both = { 'x-ratelimit-reset-requests': '2s', 'x-ratelimit-reset-tokens': '1m30.5s' };
    expect(classify({ status: 429, headers: both })).toMatchObject({
      reason: 'rate_limit',
      retryAfterMs: 90_500,
    });
  });

  it('does not take x-ratelimit-reset as a wait hint outside a 429', () => {
    const c = classify({ status: 500, headers: { 'x-ratelimit-reset-requests': '2s' } });
    expect(c.retryAfterMs).toBeUndefined();
    expect(c.rateLimit).toEqual({ resetRequestsMs: 2000 });
  });

  it('prefers retry-after-ms over retry-after over x-ratelimit-reset over the message', () => {
    const body = {
      error: { message: 'Please try again in 9.816s.', type: 'tokens', code: 'rate_limit_exceeded' },
    };
    const all = { 'retry-after-ms': '100', 'retry-after': '2', 'x-ratelimit-reset-tokens': '3s' };
    const at = (headers: Record<string, string>) => classify({ status: 429, headers, body }).retryAfterMs;
    expect(at(all)).toBe(100);
    expect(at({ 'retry-after': '2', 'x-ratelimit-reset-tokens': '3s' })).toBe(2000);
    expect(at({ 'x-ratelimit-reset-tokens': '3s' })).toBe(3000);
    expect(at({})).toBe(9816);
    expect(at({ 'retry-after-ms': '-5', 'retry-after': 'soon', 'x-ratelimit-reset-tokens': 'NaN' })).toBe(
      9816,
    );
  });

  it('ignores an x-should-retry value other than true/false', () => {
    expect(classify({ status: 500, headers: { 'x-should-retry': 'maybe' } }).retryable).toBe(true);
    expect(classify({ status: 401, headers: { 'x-should-retry': ' TRUE ' } }).retryable).toBe(true);
  });
});

describe('classify: errors inside a 200 stream', () => {
  for (const f of STREAM_FIXTURES) {
    it(`${f.name}: as SSE text, as the parsed payload, and as the SDK's stream APIError`, () => {
      expect(classify(f.chunk)).toMatchObject(f.expect);
      const data = f.chunk.split('\n').find((line) => line.startsWith('data:'))!;
      const payload = JSON.parse(data.slice(5));
      expect(classify(payload)).toMatchObject(f.expect);
      // openai's Stream throws `new APIError(undefined, data.error ?? data, undefined, response.headers)`.
      const err = new APIError(
        undefined,
        payload.error ?? payload,
        undefined,
        new Headers({ 'x-request-id': 's1' }),
      );
      expect(classify(err)).toMatchObject({ ...f.expect, requestId: 's1' });
      expect(classify(err).status).toBeUndefined();
    });
  }

  it('classifies the exact stream line from the issue as a transient server error', () => {
    const c = classify(STREAM_FIXTURES[0]!.chunk);
    expect(c).toEqual({
      category: 'transient',
      retryable: true,
      reason: 'server_error',
      type: 'server_error',
      message: 'The server experienced an error while processing your request.',
    });
  });

  it('reads a stream body reported with status 200', () => {
    const c = classify({
      status: 200,
      headers: { 'x-request-id': 'req_s' },
      body: STREAM_FIXTURES[0]!.chunk,
    });
    expect(c).toMatchObject({ status: 200, reason: 'server_error', retryable: true, requestId: 'req_s' });
  });

  it('finds the error line among ordinary chunks and ignores [DONE]', () => {
    const text = `data: {"id":"c1","choices":[]}\n\n${STREAM_FIXTURES[0]!.chunk}\n\ndata: [DONE]\n\n`;
    expect(classify(text).reason).toBe('server_error');
    expect(classify('data: {"id":"c1","choices":[]}\n\ndata: [DONE]')).toMatchObject({ reason: 'unknown' });
  });
});

describe('classify: other inputs', () => {
  it('gives the one verdict on every failure a pipeline makes itself, even wrapped', () => {
    const own = new ResilienceError('CIRCUIT_OPEN', 'circuit open');
    expect(classify(own)).toEqual({
      category: 'rejected',
      retryable: false,
      reason: 'circuit_open',
      code: 'CIRCUIT_OPEN',
      message: 'circuit open',
    });
    // The openai SDK wraps a failed fetch in APIConnectionError, with our error as its cause.
    const wrapped = new TypeError('fetch failed', { cause: own });
    expect(classify(wrapped)).toMatchObject({ category: 'rejected', code: 'CIRCUIT_OPEN', retryable: false });
    const verdicts = RESILIENCE_ERROR_CODES.map((code) => {
      const c = classify(new ResilienceError(code, code));
      return [code, c.category, c.reason, c.retryable];
    });
    expect(verdicts).toEqual([
      ['TIMEOUT', 'network', 'timeout', true],
      ['STREAM_TIMEOUT', 'network', 'timeout', true],
      ['DEADLINE_EXCEEDED', 'cancelled', 'deadline_exceeded', false],
      ['RETRY_AFTER_TOO_LONG', 'rejected', 'retry_after_too_long', false],
      ['CIRCUIT_OPEN', 'rejected', 'circuit_open', false],
      ['BULKHEAD_FULL', 'rejected', 'bulkhead_full', false],
      ['RATE_LIMIT_WAIT', 'rejected', 'rate_limit_wait', false],
      ['REQUEST_TOO_LARGE', 'client', 'request_too_large', false],
      ['RATE_LIMIT_STORE', 'rejected', 'rate_limit_store', false],
      ['QUEUE_FULL', 'rejected', 'queue_full', false],
    ]);
    // The request id of the server's answer behind a refusal stays findable.
    const behind = new HttpStatusError({ status: 429, headers: { 'x-request-id': 'req_behind' } });
    expect(
      classify(new ResilienceError('RETRY_AFTER_TOO_LONG', 'too long', { cause: behind })),
    ).toMatchObject({
      requestId: 'req_behind',
    });
  });

  it('gives unknown for what it does not recognise', () => {
    for (const input of [undefined, null, 0, 'oops', {}, [], new Error('boom'), Symbol('x'), () => 1]) {
      expect(classify(input)).toMatchObject({ category: 'unknown', retryable: false, reason: 'unknown' });
    }
    expect(classify(new Error('Please try again in 5s')).retryAfterMs).toBeUndefined();
  });

  it('isRetryable is classify().retryable', () => {
    expect(isRetryable({ status: 429, body: HTTP_FIXTURES[0]!.body })).toBe(true);
    expect(
      isRetryable({ status: 429, body: HTTP_FIXTURES.find((f) => f.name.includes('insufficient'))!.body }),
    ).toBe(false);
    expect(isRetryable(new DOMException('aborted', 'AbortError'))).toBe(false);
  });

  it('cuts very long messages', () => {
    const c = classify({ status: 500, body: { error: { message: 'x'.repeat(5000) } } });
    expect(c.message).toHaveLength(1000);
  });
});

describe('classify: loose shapes', () => {
  it('accepts a status given as a string and rate-limit types of other providers', () => {
    expect(classify({ status: '503' })).toMatchObject({ status: 503, reason: 'overloaded' });
    expect(classify({ status: 'x503' })).toMatchObject({ reason: 'unknown' });
    const anthropicStyle = {
      type: 'error',
      error: {
        type: 'rate_limit_error',
        message: 'Number of request tokens has exceeded your per-minute rate limit',
      },
    };
    expect(classify(anthropicStyle)).toMatchObject({ category: 'transient', reason: 'rate_limit' });
    const usageBased = {
      error: { type: 'tokens_usage_based', code: 'rate_limit_exceeded', message: 'Rate limit reached' },
    };
    expect(classify({ status: 429, body: usageBased })).toMatchObject({ reason: 'rate_limit_tokens' });
  });
});

describe('classify: bare error bodies', () => {
  it('reads a body that is the error object itself on an error status, but not on a success', () => {
    const body = {
      message: 'Rate limit reached on tokens per min (TPM). Please try again in 2s.',
      code: 'x',
    };
    expect(classify({ status: 429, body })).toMatchObject({
      reason: 'rate_limit_tokens',
      retryAfterMs: 2000,
    });
    expect(classify({ status: 200, body })).toMatchObject({ reason: 'unknown', category: 'unknown' });
  });
});

describe('classify: bounded work on hostile inputs', () => {
  // How long these take is measured by `pnpm bench classify`; here, that only a bounded part is read.
  it('reads only the first 64 KiB of a body: an error frame after 10 MB of stream is not searched for', () => {
    const chunk = 'data: {"id":"c","choices":[{"delta":{"content":"x"}}]}\n\n';
    const filler = chunk.repeat(Math.ceil(10_000_000 / chunk.length));
    const late = `${filler}data: {"error":{"message":"boom","type":"server_error","code":null}}\n\n`;
    expect(classify(late)).toMatchObject({ reason: 'unknown' });
    const early = `data: {"error":{"message":"boom","type":"server_error","code":null}}\n\n${filler}`;
    expect(classify(early)).toMatchObject({ reason: 'server_error', category: 'transient' });
  });

  it('searches at most 256 fields of a plain header object, but always the exact lower-case name', () => {
    const headers: Record<string, string> = {};
    for (let i = 0; i < 100_000; i++) headers[`x-filler-${i}`] = 'x';
    headers['Retry-After-Ms'] = '50';
    expect(classify({ status: 503, headers }).retryAfterMs).toBeUndefined();
    headers['retry-after-ms'] = '50';
    expect(classify({ status: 503, headers }).retryAfterMs).toBe(50);
  });

  it('reads at most 4 KiB of a message', () => {
    const message = `${'x'.repeat(1_000_000)} Please try again in 5s`;
    const c = classify({ status: 429, body: { error: { message, type: 'requests' } } });
    expect(c.retryAfterMs).toBeUndefined();
    expect(c.message).toHaveLength(1000);
  });
});
