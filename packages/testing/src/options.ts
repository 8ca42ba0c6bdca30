import { type FaultWindow, validateFaults } from './faults.ts';
import { DEFAULT_OUTPUT_ESTIMATE } from './token-cost.ts';

/** Options of {@link startChaosServer}. Every field is optional. */
export interface ChaosServerOptions {
  /** Requests per minute allowed per API key. @default unlimited (no request headers sent) */
  rpm?: number;
  /** Tokens per minute allowed per API key. @default unlimited (no token headers sent) */
  tpm?: number;
  /** Length of a "minute" in ms, so tests can compress time. @default 60_000 */
  minuteMs?: number;
  /**
   * Fraction of a minute's budget that may be spent at once: each bucket holds `burst × limit` and
   * refills `limit` per `minuteMs`, continuously. `burst` above 1 allows saving up. @default 1
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
  /** Seed of the PRNG that decides which requests a fault window hits. @default 1 */
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

/** Options after validation, with defaults filled in. */
export interface ResolvedOptions {
  rpm: number | undefined;
  tpm: number | undefined;
  minuteMs: number;
  burst: number;
  retryAfter: 'none' | 'seconds' | 'ms' | 'both';
  acceptKey: (key: string) => boolean;
  insufficientQuota: boolean;
  faults: FaultWindow[];
  seed: number;
  latencyMs: number;
  chunkDelayMs: number;
  defaultOutputTokens: number;
  embeddingDimensions: number;
  statsIntervalMs: number;
  maxLogEntries: number;
  now: () => number;
  port: number;
}

function check(name: string, value: number, ok: boolean, rule: string): number {
  if (!ok) throw new TypeError(`chaos server: ${name} must be ${rule}, got ${value}`);
  return value;
}

/** Validates options once, naming the option and value in any `TypeError`. */
export function resolveOptions(options: ChaosServerOptions = {}): ResolvedOptions {
  const { rpm, tpm } = options;
  const minuteMs = options.minuteMs ?? 60_000;
  const burst = options.burst ?? 1;
  check('minuteMs', minuteMs, Number.isFinite(minuteMs) && minuteMs > 0, 'a finite number > 0');
  check('burst', burst, Number.isFinite(burst) && burst > 0, 'a finite number > 0');
  if (rpm !== undefined)
    check('rpm', rpm, Number.isFinite(rpm) && rpm * burst >= 1, 'a finite number with rpm × burst >= 1');
  if (tpm !== undefined)
    check('tpm', tpm, Number.isFinite(tpm) && tpm * burst >= 1, 'a finite number with tpm × burst >= 1');
  const retryAfter = options.retryAfter ?? 'none';
  if (!['none', 'seconds', 'ms', 'both'].includes(retryAfter)) {
    throw new TypeError(
      `chaos server: retryAfter must be 'none', 'seconds', 'ms' or 'both', got ${String(retryAfter)}`,
    );
  }
  const { keys } = options;
  let acceptKey: (key: string) => boolean;
  if (keys === undefined) acceptKey = (key) => key.startsWith('sk-') && key.length > 3;
  else if (typeof keys === 'function') acceptKey = keys;
  else if (Array.isArray(keys)) {
    const set = new Set(keys);
    acceptKey = (key) => set.has(key);
  } else
    throw new TypeError(`chaos server: keys must be an array of strings or a function, got ${String(keys)}`);
  const nonNegative = (name: string, value: number) =>
    check(name, value, Number.isFinite(value) && value >= 0, 'a finite number >= 0');
  const positiveInt = (name: string, value: number) =>
    check(name, value, Number.isInteger(value) && value > 0, 'an integer > 0');
  const now = options.now ?? (() => performance.now());
  if (typeof now !== 'function')
    throw new TypeError(`chaos server: now must be a function, got ${String(now)}`);
  return {
    rpm,
    tpm,
    minuteMs,
    burst,
    retryAfter,
    acceptKey,
    insufficientQuota: options.insufficientQuota ?? false,
    faults: validateFaults(options.faults),
    seed: check('seed', options.seed ?? 1, Number.isFinite(options.seed ?? 1), 'a finite number'),
    latencyMs: nonNegative('latencyMs', options.latencyMs ?? 0),
    chunkDelayMs: nonNegative('chunkDelayMs', options.chunkDelayMs ?? 0),
    defaultOutputTokens: nonNegative(
      'defaultOutputTokens',
      options.defaultOutputTokens ?? DEFAULT_OUTPUT_ESTIMATE,
    ),
    embeddingDimensions: positiveInt('embeddingDimensions', options.embeddingDimensions ?? 16),
    statsIntervalMs: check(
      'statsIntervalMs',
      options.statsIntervalMs ?? 1000,
      (options.statsIntervalMs ?? 1000) > 0,
      'a number > 0',
    ),
    maxLogEntries: positiveInt('maxLogEntries', options.maxLogEntries ?? 10_000),
    now,
    port: check(
      'port',
      options.port ?? 0,
      Number.isInteger(options.port ?? 0) && (options.port ?? 0) >= 0,
      'an integer >= 0',
    ),
  };
}
