import { AsyncLocalStorage } from 'node:async_hooks';

/** The attempts of one logical call, counted by {@link countingFetch}. */
export interface CallScope {
  attempts: number;
}

const scope = new AsyncLocalStorage<CallScope>();

/** Runs `fn` as one logical call: every `countingFetch` inside it counts for `call`. */
export function inCallScope<T>(call: CallScope, fn: () => T): T {
  return scope.run(call, fn);
}

/**
 * A `fetch` that counts each request against the logical call it is made for. The call is found
 * through AsyncLocalStorage, so it works inside any SDK or pipeline that passes the `fetch` along,
 * however many retries and waits lie between the call and its attempts.
 */
export function countingFetch(base: typeof fetch = globalThis.fetch): typeof fetch {
  return function labFetch(input, init) {
    const call = scope.getStore();
    if (call) call.attempts += 1;
    return base(input, init);
  };
}
