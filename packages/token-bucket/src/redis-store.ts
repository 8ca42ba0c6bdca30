import { randomUUID } from 'node:crypto';
import { duration, integer, KeyedMap, oneOf, readOptions, shape, string } from '@unfazed/core/internal';
import type { DimensionSpec } from './bucket.ts';
import { memoryStore } from './memory-store.ts';
import { type RedisClientLike, runScript } from './redis-script.ts';
import type {
  AcquireInput,
  AcquireResult,
  BucketSpec,
  KeyView,
  LimiterStore,
  SettleInput,
  WaitReason,
} from './store.ts';
import { StoreFallback } from './store-fallback.ts';

export type { StoreErrorMode } from './store-fallback.ts';

/** Options of {@link redisStore}. */
export interface RedisStoreOptions {
  /** An ioredis `Redis` or `Cluster` client (yours: the store never connects or quits it). */
  client: RedisClientLike;
  /**
   * Prefix of every key. A limiter key uses two Redis keys under one hash tag (Cluster-safe):
   * `{prefix:key}:bucket` (both buckets and the cooldown) and `{prefix:key}:procs` (heartbeats).
   * @default 'unfazed:rl'
   */
  prefix?: string;
  /** Longest wait for one Redis operation before the store falls back. @default 250 */
  timeoutMs?: number;
  /**
   * While Redis is unreachable: `'local'` limits with an in-memory bucket at this process's share
   * of the limit (the limit divided by the processes recently seen on the key); `'open'` admits
   * every call; `'closed'` fails every call with `RateLimitStoreError`.
   * @default 'local'
   */
  onStoreError?: 'local' | 'open' | 'closed';
  /** While falling back, at most one call per this interval tries Redis again. @default 1_000 */
  probeIntervalMs?: number;
  /** A process counts as present on a key while it acquired there within this long. @default 10_000 */
  heartbeatMs?: number;
  /** Most keys whose heartbeat, process count and cooldown are remembered. @default 10_000 */
  maxKeys?: number;
}

const schema = {
  client: shape<RedisClientLike, { required: true }>(
    'an ioredis client (with evalsha and eval)',
    (v) =>
      typeof (v as RedisClientLike)?.evalsha === 'function' &&
      typeof (v as RedisClientLike).eval === 'function',
    { required: true },
  ),
  prefix: string({ default: 'unfazed:rl' }),
  timeoutMs: duration({ above: 0, default: 250 }),
  onStoreError: oneOf(['local', 'open', 'closed'] as const, { default: 'local' }),
  probeIntervalMs: duration({ above: 0, default: 1_000 }),
  heartbeatMs: duration({ above: 0, default: 10_000 }),
  maxKeys: integer({ min: 1, default: 10_000 }),
};

interface Pending<I, R> {
  input: I;
  resolve: (result: R | Promise<R>) => void;
}

// A cap on one script call's length: Redis runs nothing else while a script runs, and a batch of
// 64 takes it about 90 µs (INFO commandstats, bench/limiter.bench.ts). Bigger turns go as several calls.
const MAX_BATCH = 64;
const REASONS: readonly WaitReason[] = ['requests', 'requests', 'tokens', 'cooldown'];
const num = (text: string | undefined): number | undefined =>
  text === undefined || text === '-' ? undefined : Number(text);

/**
 * Buckets in Redis, shared by every process using the same `prefix`. Each operation is one
 * EVALSHA of one script: both dimensions checked and charged together (or neither), on Redis's
 * clock, with keys in one hash slot so it runs on Redis Cluster too. Acquires (and settles) for a
 * key that arrive in the same turn of the event loop go together, as one script call.
 *
 * @example
 * import { Redis } from 'ioredis';
 * const store = redisStore({ client: new Redis(process.env.REDIS_URL), prefix: 'myapp:rl' });
 * const limit = rateLimit({ rpm: 500, tpm: 30_000, store });
 */
export function redisStore(options: RedisStoreOptions): LimiterStore {
  const o = readOptions('redisStore', options, schema);
  const processId = randomUUID();
  const beats = new KeyedMap<{ beatAt: number; processes: number }>({ maxKeys: o.maxKeys });
  // Cooldowns as the last reply said, in the caller's clock: read without a round trip.
  const cooldowns = new KeyedMap<number>({ maxKeys: o.maxKeys });
  let lastProcesses = 1;
  const local = memoryStore({ maxKeys: o.maxKeys });
  const fallback = new StoreFallback({
    mode: o.onStoreError,
    probeIntervalMs: o.probeIntervalMs,
    maxKeys: o.maxKeys,
    local,
    processesFor: (key, now) => beats.get(key, now)?.processes ?? lastProcesses,
    // A settle that changes nothing: one round trip, no write.
    probe: async () => {
      await runScript(o.client, keysOf('probe'), ['s', specArg({}), ''], o.timeoutMs);
    },
  });
  function keysOf(key: string) {
    const tag = `{${o.prefix}:${key}}`;
    return [`${tag}:bucket`, `${tag}:procs`];
  }
  const noteCooldown = (key: string, now: number, leftMs: number) => {
    if (leftMs > 0) cooldowns.set(key, now + leftMs, now, now + leftMs);
    else cooldowns.delete(key);
  };
  const scope = (err: unknown): 'key' | 'store' => ((err as Error)?.name === 'ReplyError' ? 'key' : 'store');

  const acquires = batcher<AcquireInput, AcquireResult>((batch) => {
    const first = batch[0]!.input;
    const beat = beats.get(first.key, first.now);
    const sendBeat = !beat || first.now - beat.beatAt >= o.heartbeatMs / 4;
    let triples = '';
    for (const { input } of batch) {
      triples += `${input.cost.requests} ${input.cost.tokens} ${Math.min(input.maxWaitMs, 1e12)} `;
    }
    const args = ['a', specArg(first.spec), sendBeat ? processId : '', o.heartbeatMs, triples];
    runScript(o.client, keysOf(first.key), args, o.timeoutMs).then(
      (reply) => {
        const v = String(reply).split(' ');
        const processes = Number(v[0]);
        const redisNow = Number(v[1]);
        noteCooldown(first.key, first.now, Number(v[2]));
        if (sendBeat && processes > 0) {
          lastProcesses = processes;
          // Remembered well past the heartbeat: after Redis dies, the last count is the best guess.
          beats.set(first.key, { beatAt: first.now, processes }, first.now, first.now + 10 * o.heartbeatMs);
        }
        for (const [i, { resolve }] of batch.entries()) {
          const at = 3 + 5 * i;
          const waitMs = Number(v[at + 1]);
          const reason = REASONS[Number(v[at + 2])] ?? 'cooldown';
          if (Number(v[at]) === 1) {
            const mark = { requests: num(v[at + 3]), tokens: num(v[at + 4]) };
            resolve({ admitted: true, waitMs, reason, mark, sentAt: redisNow + waitMs });
          } else {
            const wait = Number.isFinite(waitMs) ? waitMs : Number.POSITIVE_INFINITY;
            resolve({ admitted: false, waitMs: wait, reason });
          }
        }
      },
      (err: unknown) => {
        for (const { input, resolve } of batch) {
          fallback.failed(input, err, scope(err));
          resolve(fallback.acquire(input));
        }
      },
    );
  });

  const settles = batcher<SettleInput, void>((batch) => {
    const first = batch[0]!.input;
    let tuples = '';
    for (const { input } of batch) {
      const r = input.remaining;
      const m = input.admission.mark;
      tuples += `${input.refund.requests} ${input.refund.tokens} ${r?.requests ?? '-'} ${r?.tokens ?? '-'} ${input.cooldownMs ?? 0} ${m.requests ?? '-'} ${m.tokens ?? '-'} ${input.admission.sentAt} `;
    }
    runScript(o.client, keysOf(first.key), ['s', specArg(first.spec), tuples], o.timeoutMs).then(
      (reply) => {
        noteCooldown(first.key, first.now, Number(reply));
        for (const { resolve } of batch) resolve();
      },
      (err: unknown) => {
        for (const { input, resolve } of batch) {
          fallback.failed(input, err, scope(err));
          resolve(fallback.settle(input).catch(() => {}));
        }
      },
    );
  });

  return {
    acquire(input) {
      if (fallback.route(input.key, input.now, input.onEvent) === 'local') return fallback.acquire(input);
      return acquires(input);
    },
    settle(input) {
      if (input.cooldownMs !== undefined && input.cooldownMs > 0) {
        const until = Math.max(cooldowns.peek(input.key, input.now) ?? 0, input.now + input.cooldownMs);
        cooldowns.set(input.key, until, input.now, until);
      }
      if (input.admission.local || fallback.route(input.key, input.now, input.onEvent) === 'local') {
        return fallback.settle(input).catch(() => {});
      }
      return settles(input);
    },
    cooldownLeft(key, now) {
      const until =
        cooldowns.peek(key, now) ?? (fallback.isLocal(key, now) ? now + local.cooldownLeft(key, now) : now);
      return Math.max(0, until - now);
    },
    async inspect(key, spec, now): Promise<KeyView> {
      if (fallback.isLocal(key, now)) return local.inspect(key, spec, now);
      const v = String(await runScript(o.client, keysOf(key), ['i', specArg(spec)], o.timeoutMs)).split(' ');
      const view = (dim: 'requests' | 'tokens', at: number): KeyView['requests'] => {
        const d = spec[dim];
        return (
          d && {
            limit: d.limit,
            capacity: d.capacity,
            level: num(v[at]) ?? d.limit,
            admitted: num(v[at + 1]) ?? 0,
          }
        );
      };
      return { requests: view('requests', 1), tokens: view('tokens', 3), cooldownMs: Number(v[0]) };
    },
  };
}

/**
 * Groups operations on one key (and spec) that arrive in the same turn of the event loop into one
 * call of `send`, at most {@link MAX_BATCH} at a time, in arrival order. Under load a turn gathers
 * every caller that the previous reply woke up; when idle it costs a few microseconds.
 */
function batcher<I extends { key: string; spec: BucketSpec }, R>(send: (batch: Pending<I, R>[]) => void) {
  const waiting = new Map<string, Pending<I, R>[]>();
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    const batches = [...waiting.values()];
    waiting.clear();
    for (const batch of batches) {
      for (let i = 0; i < batch.length; i += MAX_BATCH) send(batch.slice(i, i + MAX_BATCH));
    }
  };
  return (input: I): Promise<R> =>
    new Promise<R>((resolve) => {
      const id = `${input.key}\n${specArg(input.spec)}`;
      const batch = waiting.get(id);
      if (batch === undefined) waiting.set(id, [{ input, resolve }]);
      else batch.push({ input, resolve });
      if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    });
}

const specArgs = new WeakMap<BucketSpec, string>();

/** The spec as the script's one argument, built once per spec object. */
function specArg(spec: BucketSpec): string {
  let arg = specArgs.get(spec);
  if (arg === undefined) {
    arg = `${dimensionArg(spec.requests)} ${dimensionArg(spec.tokens)}`;
    specArgs.set(spec, arg);
  }
  return arg;
}

function dimensionArg(d: DimensionSpec | undefined): string {
  return d ? `${d.limit} ${d.capacity} ${d.ratePerMs}` : '0 0 0';
}
