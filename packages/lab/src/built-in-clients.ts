import type { ClientEntry } from './client.ts';
import { exponentialBackoff } from './clients/exponential-backoff.ts';
import { fixedInterval } from './clients/fixed-interval.ts';
import { openaiSdk } from './clients/openai-sdk.ts';
import { unfazed } from './clients/unfazed.ts';

/**
 * The clients that need nothing but the chaos server, in table order. The list is data: a new
 * contender joins by adding its entry here. (The demo adds `@unfazed/queue` from
 * `demo/queue-client.ts` when RabbitMQ and Redis answer.)
 */
export const builtInClients: readonly ClientEntry[] = Object.freeze([
  fixedInterval,
  openaiSdk,
  exponentialBackoff,
  unfazed,
]);
