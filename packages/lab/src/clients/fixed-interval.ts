import { setTimeout as sleep } from 'node:timers/promises';
import type { ClientEntry } from '../client.ts';
import { compressedOpenAI } from '../compressed-openai.ts';

/** Retries the loop makes after the first attempt. */
const RETRIES = 3;
const INTERVAL_MS = 1_000;

/**
 * What many teams write first: on any error, wait a fixed second and try again, three times,
 * with the SDK's own retries turned off so the loop is the only retry policy.
 */
export const fixedInterval: ClientEntry = {
  id: 'fixed-interval',
  label: 'fixed 1 s × 3',
  description: 'A hand-written loop: on any error wait 1 s and try again, 3 times (SDK retries off).',
  create(ctx) {
    // Retries off; the SDK's 10-minute timeout in compressed time, as the plain SDK client has it.
    const client = compressedOpenAI(ctx, { maxRetries: 0 });
    return async function fixedIntervalCall(request) {
      for (let retry = 0; ; retry++) {
        try {
          return await client.chat.completions.create({ ...request, stream: false });
        } catch (err) {
          if (retry >= RETRIES) throw err;
          await sleep(INTERVAL_MS / ctx.timeScale);
        }
      }
    };
  },
};
