import { setTimeout as sleep } from 'node:timers/promises';
import OpenAI from 'openai';
import type { ClientEntry } from '../client.ts';
import { compressedOpenAI } from '../compressed-openai.ts';

const RETRIES = 3;
const BASE_MS = 1_000;
const CAP_MS = 20_000;

/** What a careful hand-written loop retries: rate limits, server errors and lost connections. */
function retryable(err: unknown): boolean {
  if (err instanceof OpenAI.APIConnectionError) return true;
  const status = err instanceof OpenAI.APIError ? err.status : undefined;
  return status === 408 || status === 409 || status === 429 || (status !== undefined && status >= 500);
}

/**
 * Exponential backoff with full jitter, written by hand as the usual guides show it: the delay
 * before retry n is random(0, 1 s × 2^n), capped at 20 s, 3 retries, only for statuses worth
 * retrying. It reads no headers, so it cannot tell a quota error from a rate limit.
 */
export const exponentialBackoff: ClientEntry = {
  id: 'exponential-backoff',
  label: 'backoff + jitter',
  description:
    'Hand-written exponential backoff with full jitter (1 s base, ×2, 20 s cap, 3 retries) on 429/5xx/network.',
  create(ctx) {
    // Retries off; the SDK's 10-minute timeout in compressed time, as the plain SDK client has it.
    const client = compressedOpenAI(ctx, { maxRetries: 0 });
    return async function backoffCall(request) {
      for (let retry = 0; ; retry++) {
        try {
          return await client.chat.completions.create({ ...request, stream: false });
        } catch (err) {
          if (retry >= RETRIES || !retryable(err)) throw err;
          const delay = Math.random() * Math.min(CAP_MS, BASE_MS * 2 ** retry);
          await sleep(delay / ctx.timeScale);
        }
      }
    };
  },
};
