import { describe, expect, it } from 'vitest';
import { HttpStatusError, ResilienceError } from './errors.ts';

class CircuitOpen extends ResilienceError {
  constructor(cause?: unknown) {
    super('CIRCUIT_OPEN', 'circuit is open', { cause });
  }
}

describe('ResilienceError', () => {
  it('carries code, cause and the subclass name', () => {
    const cause = new Error('503');
    const err = new CircuitOpen(cause);
    expect(err).toBeInstanceOf(ResilienceError);
    expect(err.name).toBe('CircuitOpen');
    expect(err.code).toBe('CIRCUIT_OPEN');
    expect(err.cause).toBe(cause);
  });

  it('is() recognises the brand without instanceof (two copies of the package)', () => {
    const foreign = Object.assign(new Error('from another copy'), { code: 'TIMEOUT' });
    Object.defineProperty(foreign, Symbol.for('unfazed.ResilienceError'), { value: true });
    expect(ResilienceError.is(foreign)).toBe(true);
    expect(ResilienceError.is(foreign, 'TIMEOUT')).toBe(true);
    expect(ResilienceError.is(foreign, 'CIRCUIT_OPEN')).toBe(false);
    expect(ResilienceError.is(new Error('plain'))).toBe(false);
    expect(ResilienceError.is(null)).toBe(false);
    expect(ResilienceError.is('string')).toBe(false);
  });

  it('is() and find() look through cause chains, as an SDK wraps our error', () => {
    const ours = new CircuitOpen();
    const wrapped = new Error('Connection error.', { cause: new TypeError('fetch failed', { cause: ours }) });
    expect(ResilienceError.is(wrapped, 'CIRCUIT_OPEN')).toBe(true);
    expect(ResilienceError.find(wrapped)).toBe(ours);
  });

  it('survives a cyclic cause chain', () => {
    const a = new Error('a') as Error & { cause?: unknown };
    const b = new Error('b', { cause: a });
    a.cause = b;
    expect(ResilienceError.is(a)).toBe(false);
  });
});

describe('HttpStatusError', () => {
  it('keeps status, headers and body, and names the server message', () => {
    const err = new HttpStatusError({
      status: 429,
      headers: { 'retry-after': '2', 'x-multi': ['a', 'b'], bad: undefined },
      body: { error: { message: 'Rate limit reached' } },
    });
    expect(err.message).toBe('HTTP 429: Rate limit reached');
    expect(err.headers.get('retry-after')).toBe('2');
    expect(err.headers.get('x-multi')).toBe('a, b');
    expect(ResilienceError.is(err)).toBe(false);
  });

  it('drops header values that Headers rejects instead of throwing', () => {
    const err = new HttpStatusError({ status: 500, headers: { 'bad\nname': 'x', ok: 'y' } });
    expect(err.headers.get('ok')).toBe('y');
  });
});
