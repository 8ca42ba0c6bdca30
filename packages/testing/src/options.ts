import {
  boolean,
  duration,
  fn,
  integer,
  list,
  number,
  oneOf,
  optionError,
  readOptions,
  rule,
  showValue,
  string,
} from '@unfazed/core/internal';
import { faultsRule } from './fault-rules.ts';
import type { FaultWindow } from './faults.ts';
import { DEFAULT_OUTPUT_ESTIMATE } from './token-cost.ts';

/** Options of {@link startChaosServer}. Every field is optional. */
export interface ChaosServerOptions {
  /** Requests allowed per window (`windowMs`) per API key, an integer >= 1. @default unlimited (no request headers sent) */
  rpm?: number;
  /** Tokens allowed per window (`windowMs`) per API key, an integer >= 1. @default unlimited (no token headers sent) */
  tpm?: number;
  /**
   * Length of the window the limits are per, in ms: OpenAI's minute, compressed in tests. The
   * buckets refill `rpm` / `tpm` per window, continuously. @default 60_000
   */
  windowMs?: number;
  /**
   * Fraction of the window's limit the bucket holds, in (0, 1]: what may be spent at once.
   * OpenAI's bucket holds the whole minute's limit (1). @default 1
   */
  burst?: number;
  /**
   * Which retry hint headers a 429 carries besides `x-ratelimit-reset-*`: `retry-after` (whole
   * seconds, rounded up), `retry-after-ms`, both, or none. @default 'none'
   */
  retryAfter?: 'none' | 'seconds' | 'ms' | 'both';
  /** Accepted API keys: a list, or a predicate. @default any key starting with `sk-` */
  keys?: readonly string[] | ((key: string) => boolean);
  /** Answer every authenticated request with 429 `insufficient_quota`. @default false */
  insufficientQuota?: boolean;
  /** The fault schedule; replace it later with `server.setFaults()`. @default [] */
  faults?: readonly FaultWindow[];
  /** Seed (an integer) of the PRNG that decides which requests a fault window hits. @default 1 */
  seed?: number;
  /** A fixed delay before every answer, in ms (real time). @default 0 */
  latencyMs?: number;
  /** Delay between SSE events of a streamed answer, in ms (real time). @default 0 */
  chunkDelayMs?: number;
  /** Output tokens charged to TPM when a request sets no `max_tokens`-like limit. @default 16 */
  defaultOutputTokens?: number;
  /** Vector length of embeddings when the request does not set `dimensions`. @default 16 */
  embeddingDimensions?: number;
  /** Interval of `stats().timeline`, in ms. @default 1_000 */
  statsIntervalMs?: number;
  /** How many raw request records `stats().requests` keeps (the newest). @default 10_000 */
  maxLogEntries?: number;
  /**
   * The server's clock, in ms, for rate-limit buckets, fault windows and stats. Pass a
   * `VirtualClock`'s `() => clock.now()` to refill buckets without waiting. Sockets and the
   * `latencyMs`/`slow`/`chunkDelayMs` delays stay on real time. @default performance.now
   */
  now?: () => number;
  /** Port to listen on. @default 0 (an ephemeral port) */
  port?: number;
}

const KEYS = 'an array of keys (strings) or a function';
const keyList = list(string({ secret: true }));

type KeyCheck = (key: string) => boolean;

const keysRule = rule<KeyCheck, { default: KeyCheck }>(
  KEYS,
  (value, place) => {
    if (typeof value === 'function') return value as KeyCheck;
    if (!Array.isArray(value)) throw optionError({ ...place, secret: true }, KEYS, value);
    const set = new Set(keyList.read(value, place));
    return (key) => set.has(key);
  },
  { default: (key: string) => key.startsWith('sk-') && key.length > 3 },
);

const schema = {
  rpm: integer({ min: 1 }),
  tpm: integer({ min: 1 }),
  windowMs: duration({ above: 0, default: 60_000 }),
  burst: number({ above: 0, max: 1, default: 1 }),
  retryAfter: oneOf(['none', 'seconds', 'ms', 'both'] as const, { default: 'none' }),
  keys: keysRule,
  insufficientQuota: boolean({ default: false }),
  faults: faultsRule,
  seed: integer({ default: 1 }),
  latencyMs: duration({ default: 0 }),
  chunkDelayMs: duration({ default: 0 }),
  defaultOutputTokens: integer({ min: 0, default: DEFAULT_OUTPUT_ESTIMATE }),
  embeddingDimensions: integer({ min: 1, max: 4096, default: 16 }),
  statsIntervalMs: duration({ above: 0, default: 1_000 }),
  maxLogEntries: integer({ min: 1, default: 10_000 }),
  now: fn<() => number, { default: () => number }>({ default: () => performance.now() }),
  port: integer({ min: 0, max: 65_535, default: 0 }),
};

/** Options after validation, with defaults filled in. */
export type ResolvedOptions = ReturnType<typeof resolveOptions>;

/** Reads the options once, through core's one options helper. */
export function resolveOptions(options: unknown) {
  // A renamed option gets its new name, not a guess (`minuteMs` is nowhere near `windowMs`).
  const renamed = (options as { minuteMs?: unknown } | null | undefined)?.minuteMs;
  if (renamed !== undefined) {
    throw new TypeError(
      `startChaosServer: minuteMs is not an option (renamed windowMs), got ${showValue(renamed)}`,
    );
  }
  const o = readOptions('startChaosServer', options, schema);
  // A bucket that holds less than one request (or token) would refuse everything, forever.
  for (const name of ['rpm', 'tpm'] as const) {
    const limit = o[name];
    if (limit !== undefined && limit * o.burst < 1) {
      throw optionError(
        { owner: 'startChaosServer', path: name },
        `an integer with ${name} × burst >= 1`,
        limit,
        `burst is ${o.burst}`,
      );
    }
  }
  const { keys: acceptKey, ...rest } = o;
  return { ...rest, acceptKey };
}
