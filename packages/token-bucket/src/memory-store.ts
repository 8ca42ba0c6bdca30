import { integer, KeyedMap, readOptions } from '@unfazed/core/internal';
import {
  adjust,
  type DimensionSpec,
  type DimensionState,
  fullState,
  levelAt,
  msUntilFull,
  report,
  take,
  waitFor,
} from './bucket.ts';
import type { AcquireResult, BucketSpec, KeyView, LimiterStore, SettleInput, WaitReason } from './store.ts';

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
  requests?: DimensionState;
  tokens?: DimensionState;
  cooldownUntil: number;
}

const DIMENSIONS = ['requests', 'tokens'] as const;
const schema = { maxKeys: integer({ min: 1, default: 10_000 }) };

/**
 * Buckets in this process's memory: the default store, with no dependency. Time comes from the
 * caller's clock, so tests drive it with a `VirtualClock`.
 *
 * @example
 * const limit = rateLimit({ rpm: 500, tpm: 30_000, store: memoryStore({ maxKeys: 1_000 }) });
 */
export function memoryStore(options?: MemoryStoreOptions): LimiterStore {
  const o = readOptions('memoryStore', options, schema);
  const keys = new KeyedMap<KeyState>({ maxKeys: o.maxKeys });

  const stateOf = (key: string, now: number): KeyState => keys.get(key, now) ?? { cooldownUntil: 0 };
  const dimension = (state: KeyState, dim: 'requests' | 'tokens', spec: DimensionSpec, now: number) => {
    let s = state[dim];
    if (s === undefined) {
      s = fullState(spec, now);
      state[dim] = s;
    }
    return s;
  };
  // Forgotten once every bucket is full again and no cooldown runs: it then holds nothing.
  const save = (key: string, state: KeyState, spec: BucketSpec, now: number) => {
    let idleAt = Math.max(now, state.cooldownUntil);
    for (const dim of DIMENSIONS) {
      const s = state[dim];
      const d = spec[dim];
      if (s && d) idleAt = Math.max(idleAt, now + msUntilFull(s, d, now));
    }
    keys.set(key, state, now, idleAt === now ? now + 1 : idleAt);
  };

  return {
    async acquire({ key, cost, spec, now, maxWaitMs }): Promise<AcquireResult> {
      const state = stateOf(key, now);
      let waitMs = Math.max(0, state.cooldownUntil - now);
      let reason: WaitReason = waitMs > 0 ? 'cooldown' : 'requests';
      const seen = { requests: 0, tokens: 0 };
      for (const dim of DIMENSIONS) {
        const d = spec[dim];
        if (!d) continue;
        seen[dim] = levelAt(dimension(state, dim, d, now), d, now);
        const wait = waitFor(seen[dim], cost[dim], d);
        if (wait > waitMs) {
          waitMs = wait;
          reason = dim;
        }
      }
      if (waitMs > maxWaitMs) return { admitted: false, waitMs, reason };
      const at = now + waitMs;
      const mark: { requests?: number; tokens?: number } = {};
      for (const dim of DIMENSIONS) {
        const d = spec[dim];
        const s = state[dim];
        if (!d || !s) continue;
        take(s, d, seen[dim], cost[dim], now, at);
        mark[dim] = s.admitted;
      }
      save(key, state, spec, now);
      return { admitted: true, waitMs, reason, mark, sentAt: at };
    },
    async settle(input: SettleInput): Promise<void> {
      const { key, spec, now } = input;
      const state = stateOf(key, now);
      for (const dim of DIMENSIONS) {
        const d = spec[dim];
        if (!d) continue;
        const s = dimension(state, dim, d, now);
        adjust(s, d, input.refund[dim], now);
        const remaining = input.remaining?.[dim];
        const mark = input.admission.mark[dim];
        if (remaining !== undefined && mark !== undefined)
          report(s, d, remaining, mark, input.admission.sentAt, now);
      }
      if (input.cooldownMs !== undefined && input.cooldownMs > 0) {
        state.cooldownUntil = Math.max(state.cooldownUntil, now + input.cooldownMs);
      }
      save(key, state, spec, now);
    },
    cooldownLeft(key, now) {
      return Math.max(0, (keys.peek(key, now)?.cooldownUntil ?? 0) - now);
    },
    async inspect(key, spec, now): Promise<KeyView> {
      const state = keys.peek(key, now);
      const view = (dim: 'requests' | 'tokens') => {
        const d = spec[dim];
        if (!d) return undefined;
        const s = state?.[dim] ?? fullState(d, now);
        return { limit: d.limit, capacity: d.capacity, level: levelAt(s, d, now), admitted: s.admitted };
      };
      return {
        requests: view('requests'),
        tokens: view('tokens'),
        cooldownMs: Math.max(0, (state?.cooldownUntil ?? 0) - now),
      };
    },
  };
}
