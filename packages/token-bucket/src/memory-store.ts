import {
  afterAdjust,
  afterTake,
  type DimensionSpec,
  type DimensionState,
  levelAt,
  msUntilFull,
  waitFor,
} from './bucket.ts';
import { KeyedMap } from './keyed-map.ts';
import type { AcquireInput, AcquireResult, LimiterStore, WaitReason } from './store.ts';

/** Options of {@link memoryStore}. */
export interface MemoryStoreOptions {
  /**
   * Most keys kept at once; beyond it the least recently used key is forgotten (and starts full
   * again). Keys whose buckets have refilled completely are forgotten anyway.
   * @default 10_000
   */
  maxKeys?: number;
}

interface KeyState {
  requests: DimensionState | undefined;
  tokens: DimensionState | undefined;
  cooldownUntil: number;
}

const DIMENSIONS = ['requests', 'tokens'] as const;

/**
 * Buckets in this process's memory: the default store, with no dependency. Time comes from the
 * caller's clock, so tests drive it with a `VirtualClock`.
 *
 * @example
 * const limit = rateLimit({ rpm: 500, tpm: 30_000, store: memoryStore({ maxKeys: 1_000 }) });
 */
export function memoryStore(options: MemoryStoreOptions = {}): LimiterStore {
  const maxKeys = options.maxKeys ?? 10_000;
  if (!Number.isInteger(maxKeys) || maxKeys < 1) {
    throw new TypeError(`memoryStore: maxKeys must be an integer >= 1, got ${String(options.maxKeys)}`);
  }
  const keys = new KeyedMap<KeyState>(maxKeys);

  const save = (key: string, state: KeyState, spec: AcquireInput['spec'], now: number) => {
    let idleAt = state.cooldownUntil;
    for (const dim of DIMENSIONS) {
      const s = state[dim];
      const d = spec[dim];
      if (s && d) idleAt = Math.max(idleAt, s.at + msUntilFull(s.level, d));
    }
    keys.set(key, state, idleAt, now);
  };

  return {
    async acquire(input): Promise<AcquireResult> {
      return acquireNow(keys, save, input);
    },
    async settle(input): Promise<void> {
      const { key, spec, now } = input;
      const state = keys.get(key, now) ?? { requests: undefined, tokens: undefined, cooldownUntil: 0 };
      for (const dim of DIMENSIONS) {
        const d = spec[dim];
        if (!d) continue;
        const remaining = input.remaining?.[dim];
        const amount = input.refund[dim];
        if (amount === 0 && remaining === undefined) continue;
        let level = afterAdjust(levelAt(state[dim], d, now), amount, d);
        if (remaining !== undefined && level > remaining) level = remaining;
        state[dim] = { level, at: now };
      }
      if (input.cooldownMs !== undefined && input.cooldownMs > 0) {
        state.cooldownUntil = Math.max(state.cooldownUntil, now + input.cooldownMs);
      }
      save(key, state, spec, now);
    },
  };
}

function acquireNow(
  keys: KeyedMap<KeyState>,
  save: (key: string, state: KeyState, spec: AcquireInput['spec'], now: number) => void,
  { key, cost, spec, now, maxWaitMs = 0 }: AcquireInput,
): AcquireResult {
  const state = keys.get(key, now);
  let waitMs = 0;
  // A cooldown is waited out, never reserved through: the server may still be refusing.
  if (state && state.cooldownUntil > now)
    return { admitted: false, waitMs: state.cooldownUntil - now, reason: 'cooldown' };
  let reason: WaitReason = 'requests';
  const seen = { requests: 0, tokens: 0 };
  for (const dim of DIMENSIONS) {
    const d: DimensionSpec | undefined = spec[dim];
    if (!d) continue;
    seen[dim] = levelAt(state?.[dim], d, now);
    const wait = waitFor(seen[dim], cost[dim], d);
    if (wait > waitMs) {
      waitMs = wait;
      reason = dim;
    }
  }
  if (waitMs > maxWaitMs) return { admitted: false, waitMs, reason };
  const next: KeyState = state ?? { requests: undefined, tokens: undefined, cooldownUntil: 0 };
  const at = now + waitMs;
  for (const dim of DIMENSIONS) {
    const d = spec[dim];
    if (!d) continue;
    const seenThen = Math.min(seen[dim] + waitMs * d.ratePerMs, d.limit);
    next[dim] = { level: afterTake(seenThen, cost[dim], d), at };
  }
  save(key, next, spec, now);
  return { admitted: true, waitMs };
}
