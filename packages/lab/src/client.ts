import type { ChatCompletionCreateParams } from 'openai/resources/chat/completions';
import type { ScaledClock } from './scaled-clock.ts';

/** A chat request, as the lab sends it to a client: the body of `client.chat.completions.create`. */
export type ChatRequest = ChatCompletionCreateParams;

/**
 * An event a client reports to the lab: any Unfazed event (`breaker.state-changed`,
 * `rate-limit.queued`, …) or one of your own; `type` is all it needs.
 */
export interface LabEvent {
  readonly type: string;
  /** The clock's time (ms since the epoch, on `ctx.clock`), as every Unfazed event carries. @default when reported */
  readonly time?: number;
}

/** What a client factory is given: where the server is, and how time runs. */
export interface ClientContext {
  /** The chaos server's base URL (`http://127.0.0.1:PORT/v1`), for the SDK's `baseURL`. */
  readonly baseURL: string;
  /** The API key the scenario hands out (the bad-key scenario's is refused). */
  readonly apiKey: string;
  /** How many times faster than real time the scenario runs: divide your own waits by it. */
  readonly timeScale: number;
  /**
   * A clock on scenario time (a wait of `ms` takes `ms / timeScale` real ms), the same one the
   * server runs on: give it to `createResilientClient({ clock })`.
   */
  readonly clock: ScaledClock;
  /**
   * `fetch`, counting each attempt for the call it belongs to. Pass it to the SDK (`fetch: ctx.fetch`)
   * to get attempts per call; without it the lab divides what the server saw by the calls made.
   */
  readonly fetch: typeof fetch;
  /**
   * Report resilience events here (`resilienceOf(client).pipeline.on(ctx.onEvent)`): breaker states
   * and limiter waits are charted from them.
   */
  readonly onEvent: (event: LabEvent) => void;
  /**
   * How long a caller waits for its answer (scenario time) before the lab counts the call as
   * failed: a client that queues work can give it as a deadline.
   */
  readonly patienceMs: number;
  /**
   * Registers work to do when this client's run of the scenario ends, before its server closes:
   * close connections, stop workers, delete queues. Cleanups run in reverse order; one that
   * throws, or takes more than 30 s of real time, fails the run after the others have run.
   */
  readonly onClose: (cleanup: () => unknown) => void;
}

/** One logical call: resolves when the client got an answer, rejects when it gave up. */
export type ClientCall = (request: ChatRequest) => Promise<unknown>;

/** What a client module exports (as `default` or `createClient`): a factory of calls. */
export type ClientFactory = (ctx: ClientContext) => ClientCall | Promise<ClientCall>;

/** A client the lab runs: an id (for `--client` and thresholds), a label and its factory. */
export interface ClientEntry {
  /** Kebab-case identifier, unique in a run. */
  readonly id: string;
  /** A short name for tables and charts. */
  readonly label: string;
  /** What it does, in one sentence. */
  readonly description: string;
  readonly create: ClientFactory;
}
