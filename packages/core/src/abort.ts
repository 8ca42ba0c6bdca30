/** The reason a signal was aborted with, or a standard `AbortError` when it has none. */
export function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('This operation was aborted', 'AbortError');
}

/** Throws the signal's abort reason when it is already aborted. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw abortReason(signal);
}

/** The callbacks waiting on one signal, behind the single listener that signal gets. */
const hubs = new WeakMap<AbortSignal, Set<() => void>>();

/**
 * Runs `onAbort` once when `signal` aborts and returns a function that removes it. Every wait in
 * Unfazed goes through this, so no callback outlives the wait that added it.
 *
 * A signal gets one real listener however many waits use it: `addEventListener` searches the
 * signal's whole list for duplicates (and removal searches it too), so 100 000 waiters on one
 * caller's signal would cost O(n²) to queue and to leave. Here adding and removing are O(1).
 */
export function onAbort(signal: AbortSignal | undefined, onAbort: (reason: unknown) => void): () => void {
  if (!signal || signal.aborted) return noop;
  let hub = hubs.get(signal);
  if (hub === undefined) {
    const waiting = new Set<() => void>();
    hub = waiting;
    hubs.set(signal, waiting);
    signal.addEventListener(
      'abort',
      () => {
        hubs.delete(signal);
        for (const callback of waiting) callback();
        waiting.clear();
      },
      { once: true },
    );
  }
  let done = false;
  const callback = () => {
    if (done) return;
    done = true;
    onAbort(abortReason(signal));
  };
  hub.add(callback);
  const waiting = hub;
  return () => {
    done = true;
    waiting.delete(callback);
  };
}

/**
 * Settles with `work`, or rejects with the signal's reason as soon as it aborts (the work itself
 * is left to finish on its own). What every hook and store round trip is raced against, so a
 * hook that never settles cannot outlive the call's abort.
 */
export function raceAbort<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return work;
  if (signal.aborted) {
    work.catch(noop);
    return Promise.reject(abortReason(signal));
  }
  return new Promise<T>((resolve, reject) => {
    const remove = onAbort(signal, (reason) => {
      work.catch(noop);
      reject(reason);
    });
    work.then(
      (value) => {
        remove();
        resolve(value);
      },
      (err: unknown) => {
        remove();
        reject(err);
      },
    );
  });
}

function noop(): void {}
