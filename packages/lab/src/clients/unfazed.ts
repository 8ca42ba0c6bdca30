import { createResilientClient, resilienceOf } from '@unfazed/openai-adapter';
import type { ClientEntry } from '../client.ts';

/** `createResilientClient()` with its defaults: nothing tuned for the scenarios. */
export const unfazed: ClientEntry = {
  id: 'unfazed',
  label: 'createResilientClient',
  description:
    'createResilientClient() with its defaults: classified retries, a circuit breaker, limits learned from x-ratelimit-*.',
  create(ctx) {
    const client = createResilientClient({
      apiKey: ctx.apiKey,
      baseURL: ctx.baseURL,
      fetch: ctx.fetch,
      // The one clock every stage reads: the scenario's compressed time, which the server runs on too.
      clock: ctx.clock,
    });
    resilienceOf(client)?.pipeline.on(ctx.onEvent);
    return (request) => client.chat.completions.create({ ...request, stream: false });
  },
};
