import { AsyncLocalStorage } from 'node:async_hooks';
import { createResilientClient, type ResilientClientOptions, withCallTags } from '@unfazed/openai-adapter';
import { redisStore } from '@unfazed/token-bucket';
import type { Redis } from 'ioredis';
import type OpenAI from 'openai';
import type { JobMessage } from './job-message.ts';

/** What the client sees of the job a call belongs to (found through AsyncLocalStorage). */
export interface CallScope {
  readonly job: JobMessage;
  /** The call is waiting for quota (its state says `waiting`); the next attempt to leave says `running`. */
  waiting: boolean;
  /** The last answer's `x-request-id`. */
  requestId: string | undefined;
  /** An attempt left (the server may have seen the job). */
  sent: boolean;
}

const scope = new AsyncLocalStorage<CallScope>();

/** The job of the call running now, if it runs for a job. */
export function currentCall(): CallScope | undefined {
  return scope.getStore();
}

/** Runs `fn` as the call of `call`'s job. */
export function inCall<T>(call: CallScope, fn: () => T): T {
  return scope.run(call, fn);
}

/**
 * The worker's OpenAI client: `createResilientClient` with the queue's defaults. Retries are the
 * queue's (a job that failed waits in a delay queue, holding no slot), so the client's own retry
 * stage is off unless given; the limiter shares its buckets through Redis (`<prefix>:rl`), so every
 * worker process of the queue together stays under the account's RPM and TPM and uses all of it.
 * Each call's key is the job's `key` (else the model), its tags the job's, and its
 * `X-Client-Request-Id` the job's own, the same for every attempt in every worker.
 */
export function workerClient(
  options: ResilientClientOptions,
  redis: Redis,
  prefix: string,
  onSent: (call: CallScope) => void,
): OpenAI {
  const baseFetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const rateLimit =
    options.rateLimit === undefined
      ? { store: redisStore({ client: redis, prefix: `${prefix}:rl` }) }
      : typeof options.rateLimit === 'object' && options.rateLimit.store === undefined
        ? { ...options.rateLimit, store: redisStore({ client: redis, prefix: `${prefix}:rl` }) }
        : options.rateLimit;
  const userKeyBy = options.keyBy;
  return createResilientClient({
    ...options,
    retry: options.retry ?? false,
    rateLimit,
    keyBy: (request) =>
      currentCall()?.job.key ?? (userKeyBy ? userKeyBy(request) : (request.model ?? request.path)),
    fetch: (input, init) => {
      const call = currentCall();
      if (call) onSent(call);
      return baseFetch(input, init);
    },
  });
}

/** Sends the job's request to its endpoint, as its tags and with its client request id. */
export function sendJob(client: OpenAI, job: JobMessage, signal: AbortSignal): Promise<unknown> {
  const opts = { signal, headers: { 'x-client-request-id': job.clientRequestId } };
  return withCallTags({ ...job.tags }, () => {
    const body = job.request as never;
    switch (job.endpoint) {
      case 'chat':
        return client.chat.completions.create(body, opts);
      case 'responses':
        return client.responses.create(body, opts);
      case 'embeddings':
        return client.embeddings.create(body, opts);
    }
  });
}
