import { RateLimitStoreError } from './errors.ts';
import type {
  AcquireInput,
  AcquireResult,
  BucketSpec,
  LimiterStore,
  SettleInput,
  StoreEvent,
} from './store.ts';

/** Decides, per operation, between the shared store and the local stand-in while it is down. */
export interface StoreFallback {
  /**
   * The shared store's answer while it is up (`remote` is called, and its promise returned as it
   * is: no extra promise on the hot path), the local stand-in's while it is down.
   */
  acquire(input: AcquireInput, remote: () => Promise<AcquireResult>): Promise<AcquireResult>;
  /** The shared store failed `input`'s acquire with `err`: answer it locally (or per the mode). */
  recover(input: AcquireInput, err: unknown): Promise<AcquireResult>;
  settle(input: SettleInput, remote: () => Promise<void>): Promise<void>;
}

interface FallbackOptions {
  mode: 'local' | 'open' | 'closed';
  probeIntervalMs: number;
  local: LimiterStore;
  /** Processes recently seen on a key; the local bucket gets 1/n of the limit. */
  processesFor: (key: string, now: number) => number;
  /** A harmless round trip to the shared store (it must not charge anything). */
  probe: () => Promise<void>;
}

/**
 * Fails over to a local bucket when the shared store errs or times out, and back when it answers.
 * While down, every call is served locally at once, and at most one probe per `probeIntervalMs`
 * (started lazily by a call, never awaited by it, no timer of its own) checks whether the store
 * is back. So a dead store costs a call at most one timeout, when it first fails.
 */
export function storeFallback(options: FallbackOptions): StoreFallback {
  let downSince: number | undefined;
  let nextProbeAt = 0;
  let lastError: unknown;

  const fail = (err: unknown, input: AcquireInput | SettleInput) => {
    lastError = err;
    nextProbeAt = input.now + options.probeIntervalMs;
    if (downSince !== undefined) return;
    downSince = input.now;
    const processes = options.processesFor(input.key, input.now);
    input.onEvent?.({ type: 'fallback', mode: options.mode, error: err, processes });
  };

  const maybeProbe = (now: number, onEvent: ((event: StoreEvent) => void) | undefined) => {
    if (now < nextProbeAt) return;
    nextProbeAt = now + options.probeIntervalMs;
    options.probe().then(
      () => {
        if (downSince === undefined) return;
        onEvent?.({ type: 'recovered', downMs: Math.max(0, now - downSince) });
        downSince = undefined;
        started.clear();
      },
      (err: unknown) => {
        lastError = err;
      },
    );
  };

  /** Keys whose local bucket was started empty during this outage. */
  const started = new Set<string>();
  const local = async (input: AcquireInput, err: unknown): Promise<AcquireResult> => {
    if (options.mode === 'open') return { admitted: true, waitMs: 0 };
    if (options.mode === 'closed') throw new RateLimitStoreError({ key: input.key, cause: err });
    const share = Math.max(1, options.processesFor(input.key, input.now));
    const spec = scale(input.spec, share);
    if (!started.has(input.key)) {
      // What the shared store admitted lately is unknown here: start empty, not full, so the
      // switch cannot add a burst on top of it. (Bounded: forgotten after 10_000 keys.)
      if (started.size >= 10_000) started.clear();
      started.add(input.key);
      const empty = { requests: 0, tokens: 0 };
      await options.local.settle({ key: input.key, spec, now: input.now, refund: empty, remaining: empty });
    }
    return options.local.acquire({ ...input, spec });
  };

  return {
    acquire(input, remote) {
      if (downSince === undefined) return remote();
      maybeProbe(input.now, input.onEvent);
      return local(input, lastError);
    },
    recover(input, err) {
      fail(err, input);
      return local(input, err);
    },
    async settle(input, remote) {
      if (downSince !== undefined) {
        if (options.mode !== 'local') return;
        const share = Math.max(1, options.processesFor(input.key, input.now));
        const r = input.remaining;
        const remaining = r && {
          requests: r.requests === undefined ? undefined : r.requests / share,
          tokens: r.tokens === undefined ? undefined : r.tokens / share,
        };
        return options.local.settle({ ...input, spec: scale(input.spec, share), remaining });
      }
      try {
        await remote();
      } catch (err) {
        fail(err, input);
      }
    },
  };
}

function scale(spec: BucketSpec, share: number): BucketSpec {
  if (share === 1) return spec;
  const part = (d: BucketSpec['requests']) =>
    d && { limit: d.limit / share, capacity: d.capacity / share, ratePerMs: d.ratePerMs / share };
  return { requests: part(spec.requests), tokens: part(spec.tokens) };
}
