import { randomUUID } from 'node:crypto';
import type { DimensionSpec } from './bucket.ts';
import { KeyedMap } from './keyed-map.ts';
import { memoryStore } from './memory-store.ts';
import { type RedisClientLike, runScript } from './redis-script.ts';
import type {
  AcquireInput,
  AcquireResult,
  BucketSpec,
  LimiterStore,
  SettleInput,
  WaitReason,
} from './store.ts';
import { type StoreFallback, storeFallback } from './store-fallback.ts';

/** What to do while Redis does not answer. */
export type StoreErrorMode = 'local' | 'open' | 'closed';

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
  onStoreError?: StoreErrorMode;
  /** While falling back, at most one call per this interval tries Redis again. @default 1_000 */
  probeIntervalMs?: number;
  /** A process counts as present on a key while it acquired there within this long. @default 10_000 */
  heartbeatMs?: number;
  /** Most keys whose heartbeat and process count are remembered. @default 10_000 */
  maxKeys?: number;
}

interface Queued {
  input: AcquireInput;
  resolve: (result: AcquireResult | Promise<AcquireResult>) => void;
}

// A cap on one script call's length: Redis runs nothing else while a script runs, and a batch of
// 64 takes it about 90 µs (INFO commandstats, bench/limiter.bench.ts), so other clients wait no
// longer than that. Bigger turns go as several calls, in order.
const MAX_BATCH = 64;

const REASONS: readonly WaitReason[] = ['cooldown', 'requests', 'tokens', 'cooldown'];

/**
 * Buckets in Redis, shared by every process using the same `prefix`. Each operation is one
 * EVALSHA of one script: both dimensions checked and charged together (or neither), on Redis's
 * clock, with keys in one hash slot so it runs on Redis Cluster too. Acquires for a key that
 * arrive in the same turn of the event loop go together, as one script call.
 *
 * @example
 * import { Redis } from 'ioredis';
 * const store = redisStore({ client: new Redis(process.env.REDIS_URL), prefix: 'myapp:rl' });
 * const limit = rateLimit({ rpm: 500, tpm: 30_000, store });
 */
export function redisStore(options: RedisStoreOptions): LimiterStore {
  const o = normalise(options);
  const processId = randomUUID();
  const beats = new KeyedMap<{ beatAt: number; processes: number }>(o.maxKeys);
  let lastProcesses = 1;
  const fallback: StoreFallback = storeFallback({
    mode: o.onStoreError,
    probeIntervalMs: o.probeIntervalMs,
    local: memoryStore({ maxKeys: o.maxKeys }),
    processesFor: (key, now) => beats.get(key, now)?.processes ?? lastProcesses,
    // A settle that changes nothing: one round trip, no write.
    probe: async () => {
      await runScript(o.client, keysOf('probe'), ['s', specArg({}), 0, 0, '', '', 0], o.timeoutMs);
    },
  });
  function keysOf(key: string) {
    const tag = `{${o.prefix}:${key}}`;
    return [`${tag}:bucket`, `${tag}:procs`];
  }

  // Acquires that arrive in the same turn of the event loop go to Redis together: one EVALSHA per
  // key (and spec) per turn, however many callers. Under load a turn gathers every caller that
  // the previous reply woke up; when idle it costs a few microseconds against a round trip.
  const waiting = new Map<string, Queued[]>();
  let flushScheduled = false;

  function enqueue(queued: Queued): void {
    const id = `${queued.input.key}\n${specArg(queued.input.spec)}`;
    const batch = waiting.get(id);
    if (batch === undefined) waiting.set(id, [queued]);
    else batch.push(queued);
    if (!flushScheduled) {
      flushScheduled = true;
      setImmediate(flush);
    }
  }

  function flush(): void {
    flushScheduled = false;
    const batches = [...waiting.values()];
    waiting.clear();
    for (const batch of batches) {
      for (let i = 0; i < batch.length; i += MAX_BATCH) send(batch.slice(i, i + MAX_BATCH));
    }
  }

  function send(batch: Queued[]): void {
    const first = batch[0]!.input;
    const beat = beats.get(first.key, first.now);
    const sendBeat = !beat || first.now - beat.beatAt >= o.heartbeatMs / 4;
    let triples = '';
    for (const { input } of batch) {
      triples += `${input.cost.requests} ${input.cost.tokens} ${Math.min(input.maxWaitMs ?? 0, 1e12)} `;
    }
    const args = ['a', specArg(first.spec), sendBeat ? processId : '', o.heartbeatMs, triples];
    runScript(o.client, keysOf(first.key), args, o.timeoutMs).then(
      (reply) => {
        const values = String(reply).split(' ');
        const processes = Number(values[0]);
        if (sendBeat && processes > 0) {
          lastProcesses = processes;
          // Remembered well past the heartbeat: after Redis dies, the last count is the best guess.
          beats.set(first.key, { beatAt: first.now, processes }, first.now + 10 * o.heartbeatMs, first.now);
        }
        batch.forEach(({ resolve }, i) => {
          const admitted = Number(values[1 + 3 * i]) === 1;
          const waitMs = Number(values[2 + 3 * i]);
          resolve(
            admitted
              ? { admitted: true, waitMs }
              : { admitted: false, waitMs, reason: REASONS[Number(values[3 + 3 * i])] ?? 'cooldown' },
          );
        });
      },
      (err: unknown) => {
        for (const { input, resolve } of batch) resolve(fallback.recover(input, err));
      },
    );
  }

  return {
    acquire(input: AcquireInput): Promise<AcquireResult> {
      return fallback.acquire(
        input,
        () => new Promise<AcquireResult>((resolve) => enqueue({ input, resolve })),
      );
    },
    settle(input: SettleInput): Promise<void> {
      return fallback.settle(input, async () => {
        await runScript(
          o.client,
          keysOf(input.key),
          [
            's',
            specArg(input.spec),
            input.refund.requests,
            input.refund.tokens,
            input.remaining?.requests ?? '',
            input.remaining?.tokens ?? '',
            input.cooldownMs ?? 0,
          ],
          o.timeoutMs,
        );
      });
    },
  };
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

function normalise(options: RedisStoreOptions) {
  if (options === null || typeof options !== 'object') {
    throw new TypeError(`redisStore: options must be an object with a client, got ${String(options)}`);
  }
  const { client } = options;
  if (!client || typeof client.evalsha !== 'function' || typeof client.eval !== 'function') {
    throw new TypeError('redisStore: client must be an ioredis client (with evalsha and eval)');
  }
  const prefix = options.prefix ?? 'unfazed:rl';
  if (typeof prefix !== 'string' || prefix === '') {
    throw new TypeError(`redisStore: prefix must be a non-empty string, got ${String(prefix)}`);
  }
  const positive = (name: string, value: number | undefined, fallback: number, integer = false) => {
    const v = value ?? fallback;
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0 || (integer && !Number.isInteger(v))) {
      throw new TypeError(
        `redisStore: ${name} must be a finite ${integer ? 'integer' : 'number'} > 0, got ${String(value)}`,
      );
    }
    return v;
  };
  const onStoreError = options.onStoreError ?? 'local';
  if (!['local', 'open', 'closed'].includes(onStoreError)) {
    throw new TypeError(
      `redisStore: onStoreError must be 'local', 'open' or 'closed', got ${String(onStoreError)}`,
    );
  }
  return {
    client,
    prefix,
    onStoreError,
    timeoutMs: positive('timeoutMs', options.timeoutMs, 250),
    probeIntervalMs: positive('probeIntervalMs', options.probeIntervalMs, 1_000),
    heartbeatMs: positive('heartbeatMs', options.heartbeatMs, 10_000),
    maxKeys: positive('maxKeys', options.maxKeys, 10_000, true),
  };
}
