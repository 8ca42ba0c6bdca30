import type { MeterProvider, TracerProvider } from '@opentelemetry/api';
import { boolean, duration, integer, list, oneOf, readOptions, shape, string } from '@unfazed/core/internal';

/**
 * Anything with pino's method shape: `info`, `warn` and `error`, each taking a fields object and a
 * message (pino itself, or a child logger of it).
 */
export interface TelemetryLogger {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

/**
 * Where the user id (the `userTag` tag) may appear:
 * - `off`: nowhere.
 * - `hash`: spans and log lines carry a salted hash of it, metrics a bucket of that hash.
 * - `raw-in-spans`: spans carry the raw id; log lines the hash; metrics the bucket.
 */
export type CaptureUser = 'off' | 'hash' | 'raw-in-spans';

/** Options of {@link telemetry}. Every field is optional. */
export interface TelemetryOptions {
  /** Names the middleware; the `source` of its events. @default 'telemetry' */
  name?: string;
  /** Where spans go. @default the global tracer provider of `@opentelemetry/api` */
  tracerProvider?: TracerProvider;
  /** Where metrics go. @default the global meter provider of `@opentelemetry/api`, looked up at each call */
  meterProvider?: MeterProvider;
  /** Whether, and how, the user id is recorded (see {@link CaptureUser}). @default 'off' */
  captureUser?: CaptureUser;
  /**
   * Secret mixed into the user hash, so a hash cannot be reversed by hashing known ids. Set it
   * (from your secrets) whenever `captureUser` is not `'off'`. @default '' (no salt)
   */
  userSalt?: string;
  /** How many buckets user hashes fall into on metrics (`unfazed.user.bucket`). @default 64 */
  userBuckets?: number;
  /**
   * The most distinct attribute sets one instrument records; beyond them the high-cardinality
   * values (model, feature, key, user bucket, …) are folded into `other`, and a warning is logged
   * once per instrument. @default 1000
   */
  maxAttributeSets?: number;
  /** Receives structured log lines (pino or anything with its method shape). @default none */
  logger?: TelemetryLogger;
  /** `service.name` of every log line. @default none */
  serviceName?: string;
  /** The tag (`ctx.tags`) naming the product feature; recorded everywhere as `unfazed.feature`. @default 'feature' */
  featureTag?: string;
  /** The tag carrying the end user's id; recorded only as `captureUser` says. @default 'user' */
  userTag?: string;
  /** Further tags to put on spans (`unfazed.tag.<name>`) and log lines (`labels.<name>`), never on metrics. @default [] */
  spanTags?: readonly string[];
  /**
   * Records the prompt (`gen_ai.input.messages`, with anything shaped like an API key redacted)
   * on the span. Off, no prompt or completion text is recorded anywhere. @default false
   */
  recordContent?: boolean;
  /**
   * How long a call's span waits for its answer's body to be read (a stream consumed) before it
   * ends with `unfazed.answer` = `unread`: an answer nobody reads never holds a span. @default 600_000
   */
  answerTimeoutMs?: number;
}

const loggerRule = shape<TelemetryLogger>('a logger with info, warn and error methods (pino)', (v) => {
  const l = v as TelemetryLogger;
  return (
    typeof l === 'object' &&
    l !== null &&
    typeof l.info === 'function' &&
    typeof l.warn === 'function' &&
    typeof l.error === 'function'
  );
});

const providerRule = <P>(words: string, method: string) =>
  shape<P>(
    words,
    (v) =>
      typeof v === 'object' && v !== null && typeof (v as Record<string, unknown>)[method] === 'function',
  );

const schema = {
  name: string({ default: 'telemetry' }),
  tracerProvider: providerRule<TracerProvider>('a TracerProvider (with getTracer)', 'getTracer'),
  meterProvider: providerRule<MeterProvider>('a MeterProvider (with getMeter)', 'getMeter'),
  captureUser: oneOf(['off', 'hash', 'raw-in-spans'] as const, { default: 'off' }),
  userSalt: string({ secret: true }),
  userBuckets: integer({ min: 1, max: 10_000, default: 64 }),
  maxAttributeSets: integer({ min: 1, default: 1_000 }),
  logger: loggerRule,
  serviceName: string(),
  featureTag: string({ default: 'feature' }),
  userTag: string({ default: 'user' }),
  spanTags: list(string(), { default: [] as readonly string[] }),
  recordContent: boolean({ default: false }),
  answerTimeoutMs: duration({ above: 0, default: 600_000 }),
};

/** Options after validation, defaults filled in. */
export type ResolvedTelemetryOptions = ReturnType<typeof resolveTelemetryOptions>;

/** Reads the options once, through core's one options helper. */
export function resolveTelemetryOptions(options: TelemetryOptions | undefined) {
  return readOptions('telemetry', options, schema);
}
