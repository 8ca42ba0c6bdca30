/** What a fault window does to the requests it hits. */
export type FaultKind = 'status' | 'reset' | 'hang' | 'slow' | 'stream-error' | 'stall';

/** Fields every fault window shares. */
export interface FaultWindowBase {
  /** Start of the window, in ms since the server started (or was last `reset()`). @default 0 */
  from?: number;
  /** End of the window (exclusive), in ms since start/reset; greater than `from`. @default Infinity */
  to?: number;
  /** Fraction of the requests in the window that are hit, in [0, 1], drawn from the seeded PRNG. @default 1 */
  rate?: number;
  /** Only requests to these paths are hit, e.g. `['/v1/chat/completions']`. @default every path */
  paths?: readonly string[];
}

/** Answer with an error status (500, 502, 503, …) and an OpenAI-like JSON body. */
export interface StatusFault extends FaultWindowBase {
  kind: 'status';
  /** The HTTP status, an integer from 400 to 599. */
  status: number;
  /** Replaces the default body for this status. @default OpenAI's body for the status */
  body?: unknown;
}

/** Destroy the socket with a TCP reset before answering: the client sees `ECONNRESET`. */
export interface ResetFault extends FaultWindowBase {
  kind: 'reset';
}

/** Never answer (no headers), until the client gives up or the server closes. Spends no quota. */
export interface HangFault extends FaultWindowBase {
  kind: 'hang';
}

/** Answer normally, but only after an extra delay. */
export interface SlowFault extends FaultWindowBase {
  kind: 'slow';
  /** The extra delay, in ms (real time). */
  delayMs: number;
}

/** Start a streamed answer and fail it with OpenAI's in-stream error after some chunks. Non-streaming requests are not hit. */
export interface StreamErrorFault extends FaultWindowBase {
  kind: 'stream-error';
  /** Chunks (SSE events) sent before the error. @default 2 */
  afterChunks?: number;
}

/**
 * Send the 200 headers (and, for a stream, `afterChunks` chunks), then nothing more, never ending
 * the answer, until the client gives up or the server closes: a stalled body or stream.
 */
export interface StallFault extends FaultWindowBase {
  kind: 'stall';
  /** Chunks (SSE events) of a streamed answer sent before it stalls. @default 1 */
  afterChunks?: number;
}

/** One entry of a fault schedule: a time window, a hit rate and what to do. */
export type FaultWindow = StatusFault | ResetFault | HangFault | SlowFault | StreamErrorFault | StallFault;

/** A fault window as read by {@link faultsRule}: every default filled in. */
export type ResolvedFault = Readonly<
  { from: number; to: number; rate: number; paths: readonly string[] | undefined } & (
    | { kind: 'status'; status: number; body: unknown }
    | { kind: 'reset' | 'hang' }
    | { kind: 'slow'; delayMs: number }
    | { kind: 'stream-error' | 'stall'; afterChunks: number }
  )
>;

/**
 * The first window that hits this request. Each active window draws one number from `random`, in
 * schedule order, so the same seed and the same request sequence give the same faults.
 */
export function pickFault(
  faults: readonly ResolvedFault[],
  input: { elapsed: number; path: string; streaming: boolean },
  random: () => number,
): ResolvedFault | undefined {
  for (const fault of faults) {
    if (input.elapsed < fault.from || input.elapsed >= fault.to) continue;
    if (fault.paths && !fault.paths.includes(input.path)) continue;
    if (fault.kind === 'stream-error' && !input.streaming) continue;
    if (random() < fault.rate) return fault;
  }
  return undefined;
}
