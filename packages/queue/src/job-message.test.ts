import { describe, expect, it } from 'vitest';
import { InvalidJobError } from './errors.ts';
import { decodeJob, encodeJob, type JobMessage } from './job-message.ts';

const job: JobMessage = {
  v: 1,
  id: 'job-1',
  endpoint: 'chat',
  request: { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hi' }] },
  key: undefined,
  tags: { feature: 'x' },
  lane: 'batch',
  enqueuedAt: 1_000,
  deadline: undefined,
  clientRequestId: 'c0ffee',
};
const bytes = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value));

describe('decodeJob', () => {
  it('reads back what encodeJob wrote', () => {
    expect(decodeJob(encodeJob(job))).toEqual(JSON.parse(JSON.stringify(job)));
  });

  it.each([
    ['{nope', /^not JSON/],
    ['[1]', /not a JSON object/],
    [{ ...job, v: 2 }, /unknown message version 2/],
    [{ ...job, id: 'has space' }, /jobId must be/],
    [{ ...job, endpoint: 'images' }, /endpoint must be one of chat, responses, embeddings, got "images"/],
    [{ ...job, request: { messages: [] } }, /request.model must be a non-empty string/],
    [{ ...job, request: { model: 'm', messages: [], stream: true } }, /request.stream must not be true/],
    [{ ...job, endpoint: 'embeddings', request: { model: 'm' } }, /request.input is required/],
    [{ ...job, lane: 'vip' }, /lane must be one of interactive, batch/],
    [{ ...job, tags: { n: 1 } }, /tags must be an object of strings/],
    [{ ...job, enqueuedAt: 'now' }, /enqueuedAt must be a finite number/],
    [{ ...job, clientRequestId: '' }, /clientRequestId must be a non-empty string/],
  ])('refuses %j with a reason', (value, reason) => {
    expect(() => decodeJob(bytes(value))).toThrow(InvalidJobError);
    expect(() => decodeJob(bytes(value))).toThrow(reason);
  });
});
