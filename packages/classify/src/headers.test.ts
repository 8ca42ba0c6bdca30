import { describe, expect, it } from 'vitest';
import { getHeader, parseRateLimitHeaders, parseRetryAfter, parseRetryAfterMs } from './headers.ts';

describe('parseRetryAfter', () => {
  const now = Date.parse('Wed, 21 Oct 2015 07:28:00 GMT');

  it('reads seconds, fractional seconds and HTTP dates', () => {
    expect(parseRetryAfter('20')).toBe(20_000);
    expect(parseRetryAfter('0.5')).toBe(500);
    expect(parseRetryAfter(' 0 ')).toBe(0);
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Wednesday, 21-Oct-15 07:28:10 GMT', now)).toBe(10_000);
    expect(parseRetryAfter('Wed Oct 21 07:28:05 2015', now)).toBe(5_000);
  });

  it('gives 0 for a date in the past and undefined for garbage', () => {
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:00:00 GMT', now)).toBe(0);
    for (const bad of ['', '-1', 'soon', '1e3', 'Infinity', 'NaN', 'May 3', '0x10', '1,5', 'Sun, 1']) {
      expect(parseRetryAfter(bad, now)).toBeUndefined();
    }
    expect(parseRetryAfter('Wed, 99 Foo 2015 07:28:30 GMT', now)).toBeUndefined();
    expect(parseRetryAfter('99999999')).toBeUndefined();
    expect(parseRetryAfter(null)).toBeUndefined();
    expect(parseRetryAfter(undefined)).toBeUndefined();
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:30 GMT', Number.NaN)).toBe(0);
  });

  it('uses the current time when now is not given', () => {
    const inAMinute = new Date(Date.now() + 60_000).toUTCString();
    const ms = parseRetryAfter(inAMinute)!;
    expect(ms).toBeGreaterThan(55_000);
    expect(ms).toBeLessThanOrEqual(60_000);
  });
});

describe('parseRetryAfterMs', () => {
  it('reads milliseconds and rejects garbage', () => {
    expect(parseRetryAfterMs('1500')).toBe(1500);
    expect(parseRetryAfterMs('12.5')).toBe(12.5);
    expect(parseRetryAfterMs('-3')).toBeUndefined();
    expect(parseRetryAfterMs('3s')).toBeUndefined();
    expect(parseRetryAfterMs('')).toBeUndefined();
  });
});

describe('getHeader', () => {
  it('reads Headers, plain objects in any case, arrays, and nothing', () => {
    expect(getHeader(new Headers({ 'Retry-After': '3' }), 'retry-after')).toBe('3');
    expect(getHeader({ 'Retry-After': '3' }, 'retry-after')).toBe('3');
    expect(getHeader({ 'x-test': ['a', 'b'] }, 'X-Test')).toBe('a, b');
    expect(getHeader({ 'x-test': 4 }, 'x-test')).toBe('4');
    expect(getHeader(new Map([['x-test', 'm']]), 'x-test')).toBe('m');
    expect(getHeader(undefined, 'x')).toBeUndefined();
    expect(getHeader('x: 1', 'x')).toBeUndefined();
    const hostile = new Proxy(
      {},
      {
        ownKeys: () => {
          throw new Error('no');
        },
      },
    );
    expect(getHeader(hostile, 'x')).toBeUndefined();
  });
});

describe('parseRateLimitHeaders', () => {
  it('parses all six headers', () => {
    const headers = new Headers({
      'x-ratelimit-limit-requests': '10000',
      'x-ratelimit-limit-tokens': '2000000',
      'x-ratelimit-remaining-requests': '9999',
      'x-ratelimit-remaining-tokens': '1999985',
      'x-ratelimit-reset-requests': '6ms',
      'x-ratelimit-reset-tokens': '0s',
    });
    expect(parseRateLimitHeaders(headers)).toEqual({
      limitRequests: 10000,
      limitTokens: 2_000_000,
      remainingRequests: 9999,
      remainingTokens: 1_999_985,
      resetRequestsMs: 6,
      resetTokensMs: 0,
    });
  });

  it('leaves out missing and garbage values, and accepts any case', () => {
    expect(
      parseRateLimitHeaders({
        'X-RateLimit-Remaining-Requests': '3',
        'x-ratelimit-limit-tokens': 'lots',
        'x-ratelimit-remaining-tokens': '-1',
        'x-ratelimit-reset-tokens': 'soon',
      }),
    ).toEqual({ remainingRequests: 3 });
    expect(parseRateLimitHeaders(undefined)).toEqual({});
    expect(parseRateLimitHeaders(null)).toEqual({});
    expect(parseRateLimitHeaders({ 'x-ratelimit-limit-requests': '1'.repeat(30) })).toEqual({});
  });
});
