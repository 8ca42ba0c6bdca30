import type { ClientEntry } from './client.ts';
import { exponentialBackoff } from './clients/exponential-backoff.ts';
import { fixedInterval } from './clients/fixed-interval.ts';
import { openaiSdk } from './clients/openai-sdk.ts';
import { unfazed } from './clients/unfazed.ts';

/**
 * The clients the demo compares, in table order. The list is data: a new contender (the queue
 * worker) joins by adding its entry here.
 */
export const builtInClients: readonly ClientEntry[] = Object.freeze([
  fixedInterval,
  openaiSdk,
  exponentialBackoff,
  unfazed,
]);
