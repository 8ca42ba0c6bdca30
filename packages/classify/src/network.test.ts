import { APIConnectionError, APIConnectionTimeoutError, APIUserAbortError } from 'openai';
import { describe, expect, it } from 'vitest';
import { classify } from './classify.ts';
import { fetchFailed, NETWORK_FIXTURES } from './fixtures.ts';

describe('classify: network errors', () => {
  for (const f of NETWORK_FIXTURES) {
    it(`${f.code} nested in TypeError('fetch failed') is network/${f.reason}, retryable`, () => {
      const err = fetchFailed(f.code, `${f.code} happened`, f.name);
      expect(classify(err)).toEqual({
        category: 'network',
        retryable: true,
        reason: f.reason,
        code: f.code,
        message: 'fetch failed',
      });
    });
    it(`${f.code} bare, and wrapped by the SDK as APIConnectionError`, () => {
      const bare = Object.assign(new Error(f.code), { code: f.code });
      expect(classify(bare)).toMatchObject({ category: 'network', reason: f.reason, code: f.code });
      const sdk = new APIConnectionError({ cause: fetchFailed(f.code) });
      expect(classify(sdk)).toMatchObject({
        category: 'network',
        retryable: true,
        reason: f.reason,
        code: f.code,
        message: 'Connection error.',
      });
    });
  }

  it("reads Node's AggregateError from a failed happy-eyeballs connect", () => {
    const v4 = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
    const v6 = Object.assign(new Error('connect ECONNREFUSED ::1:1'), { code: 'ECONNREFUSED' });
    const err = new TypeError('fetch failed', { cause: new AggregateError([v4, v6]) });
    expect(classify(err)).toMatchObject({ category: 'network', reason: 'connection', code: 'ECONNREFUSED' });
  });

  it('knows undici failures that come without a known code by their message', () => {
    expect(classify(new TypeError('fetch failed'))).toMatchObject({
      category: 'network',
      reason: 'connection',
    });
    expect(classify(new TypeError('terminated', { cause: new Error('other side closed') }))).toMatchObject({
      category: 'network',
      reason: 'connection',
    });
    expect(classify(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })).code).toBe(
      'ECONNRESET',
    );
  });

  it('treats an unknown UND_ERR_* code as a network failure, but not the ones that mean a bug', () => {
    expect(classify(fetchFailed('UND_ERR_SOMETHING_NEW'))).toMatchObject({
      category: 'network',
      reason: 'connection',
    });
    expect(classify(fetchFailed('UND_ERR_FUTURE_TIMEOUT'))).toMatchObject({ reason: 'timeout' });
    const bug = Object.assign(new Error('invalid arg'), { code: 'UND_ERR_INVALID_ARG' });
    expect(classify(bug)).toMatchObject({ category: 'unknown', retryable: false });
  });

  it('survives a cause cycle', () => {
    const a = new Error('a') as Error & { cause?: unknown };
    const b = new Error('b', { cause: a });
    a.cause = b;
    expect(classify(a)).toMatchObject({ category: 'unknown', retryable: false });
    const c = Object.assign(new Error('c'), { code: 'EPIPE' });
    (a as { cause?: unknown }).cause = new Error('d', { cause: c });
    expect(classify(b)).toMatchObject({ reason: 'connection', code: 'EPIPE' });
  });
});

describe('classify: aborts and timeouts', () => {
  it('AbortError is cancelled, never retried', () => {
    expect(classify(new DOMException('This operation was aborted', 'AbortError'))).toEqual({
      category: 'cancelled',
      retryable: false,
      reason: 'aborted',
      message: 'This operation was aborted',
    });
    const controller = new AbortController();
    controller.abort();
    expect(classify(controller.signal.reason)).toMatchObject({ category: 'cancelled', reason: 'aborted' });
  });

  it("AbortSignal.timeout()'s TimeoutError is the caller's deadline: cancelled, reason timeout", () => {
    expect(
      classify(new DOMException('The operation was aborted due to timeout', 'TimeoutError')),
    ).toMatchObject({
      category: 'cancelled',
      retryable: false,
      reason: 'timeout',
    });
  });

  it('x-should-retry cannot revive a cancelled call', () => {
    const err = Object.assign(new DOMException('aborted', 'AbortError'), {
      headers: { 'x-should-retry': 'true' },
    });
    expect(classify(err).retryable).toBe(false);
  });

  it("the SDK's APIUserAbortError is cancelled; APIConnectionTimeoutError is a retryable network timeout", () => {
    expect(classify(new APIUserAbortError())).toMatchObject({
      category: 'cancelled',
      retryable: false,
      reason: 'aborted',
    });
    expect(classify(new APIConnectionTimeoutError())).toMatchObject({
      category: 'network',
      retryable: true,
      reason: 'timeout',
      message: 'Request timed out.',
    });
    expect(classify(new APIConnectionError({ cause: new Error('mystery') }))).toMatchObject({
      category: 'network',
      reason: 'connection',
    });
  });

  it('recognises SDK errors by shape when class names are minified', () => {
    const shape = (message: string) =>
      Object.assign(Object.create(null), {
        status: undefined,
        headers: undefined,
        error: undefined,
        requestID: undefined,
        message,
      });
    expect(classify(shape('Request was aborted.'))).toMatchObject({ category: 'cancelled' });
    expect(classify(shape('Request timed out.'))).toMatchObject({ category: 'network', reason: 'timeout' });
    expect(classify(shape('Connection error.'))).toMatchObject({ category: 'network', reason: 'connection' });
  });

  it('an undici UND_ERR_ABORTED is cancelled', () => {
    expect(classify(Object.assign(new Error('Request aborted'), { code: 'UND_ERR_ABORTED' }))).toMatchObject({
      category: 'cancelled',
      reason: 'aborted',
    });
  });
});
