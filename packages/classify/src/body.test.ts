import { describe, expect, it } from 'vitest';
import { parseErrorBody } from './body.ts';
import { rateLimitDimension, retryAfterFromMessage, saysRequestTooLarge } from './message.ts';

describe('parseErrorBody', () => {
  it('reads parsed bodies, JSON text and SSE lines', () => {
    const error = { message: 'm', type: 't', code: 'c', param: 'p' };
    expect(parseErrorBody({ error })).toEqual(error);
    expect(parseErrorBody(JSON.stringify({ error }))).toEqual(error);
    expect(parseErrorBody(`data: ${JSON.stringify({ error })}`)).toEqual(error);
    expect(parseErrorBody(`data:${JSON.stringify({ error })}\r\n\r\n`)).toEqual(error);
    expect(parseErrorBody({ error: 'plain text' })).toEqual({ message: 'plain text' });
  });

  it('keeps numeric codes as strings and drops nulls', () => {
    expect(parseErrorBody({ error: { message: 'm', code: 429, type: null, param: null } })).toEqual({
      message: 'm',
      code: '429',
    });
  });

  it('reads Azure innererror codes', () => {
    const body = { error: { code: 'content_filter', innererror: { code: 'ResponsibleAIPolicyViolation' } } };
    expect(parseErrorBody(body)).toEqual({
      code: 'content_filter',
      innerCode: 'ResponsibleAIPolicyViolation',
    });
  });

  it('reads event: error blocks whose data is not wrapped in { error }', () => {
    expect(parseErrorBody('event: error\ndata: {"message":"boom","code":"server_error"}\n\n')).toEqual({
      message: 'boom',
      code: 'server_error',
    });
  });

  it('finds nothing in successes and garbage', () => {
    for (const body of [
      { id: 'x', error: null },
      { type: 'response.completed', response: { error: null } },
      'data: {"choices":[]}',
      'data: [DONE]',
      '{not json',
      '<html>502</html>',
      '',
      42,
      null,
      { error: {} },
    ]) {
      expect(parseErrorBody(body)).toBeUndefined();
    }
  });
});

describe('message hints', () => {
  it.each([
    ['Please try again in 20s. Visit https://...', 20_000],
    ['Please try again in 644ms.', 644],
    ['Please try again in 9.816s.', 9816],
    ['Please try again in 1m30.5s.', 90_500],
    ['Please try again in 6m0s', 360_000],
    ['Please retry after 86400 seconds. ...', 86_400_000],
    ['Try again in 59 seconds.', 59_000],
    ['Please retry after 1 second.', 1000],
    ['retry after 500 milliseconds', 500],
    ['Please try again in 2 minutes', 120_000],
  ])('%s → %d', (message, ms) => {
    expect(retryAfterFromMessage(message)).toBe(ms);
  });

  it.each(['no hint here', 'Please try again later.', 'try again in -5s', 'try again in 20 parsecs', ''])(
    '%j has no hint',
    (message) => {
      expect(retryAfterFromMessage(message)).toBeUndefined();
    },
  );

  it('tells a request larger than the limit from an ordinary rate limit', () => {
    expect(saysRequestTooLarge('on tokens per min (TPM): Limit 30000, Requested 50000.')).toBe(true);
    expect(saysRequestTooLarge('Request too large for gpt-4o')).toBe(true);
    expect(saysRequestTooLarge('on tokens per min (TPM): Limit 30000, Used 29600, Requested 700.')).toBe(
      false,
    );
    expect(saysRequestTooLarge('on tokens per min (TPM): Limit 30000, Used 100, Requested 30001.')).toBe(
      true,
    );
  });

  it('names the exhausted dimension', () => {
    expect(rateLimitDimension('on requests per min (RPM): Limit 3')).toBe('requests');
    expect(rateLimitDimension('on tokens per day (TPD): Limit 3')).toBe('tokens');
    expect(rateLimitDimension('have exceeded call rate limit of your current')).toBe('requests');
    expect(rateLimitDimension('have exceeded token rate limit of your current')).toBe('tokens');
    expect(rateLimitDimension('Too many requests')).toBeUndefined();
  });
});
