/** What a fault window does to the requests it hits. */
export type FaultKind = 'status' | 'reset' | 'hang' | 'slow' | 'stream-error';

/** Fields every fault window shares. */
export interface FaultWindowBase {
  /** Start of the window, in ms since the server started (or was last `reset()`). @default 0 */
  from?: number;
  /** End of the window (exclusive), in ms since start/reset. @default Infinity */
  to?: number;
  /** Fraction of the requests in the window that are hit, drawn from the seeded PRNG. @default 1 */
  rate?: number;
  /** Only requests to these paths are hit, e.g. `['/v1/chat/completions']`. @default every path */
  paths?: string[];
}

/** Answer with an error status (500, 502, 503, …) and an OpenAI-like JSON body. */
export interface StatusFault extends FaultWindowBase {
  kind: 'status';
  status: number;
  /** Replaces the default body for this status. */
  body?: unknown;
}

/** Destroy the socket with a TCP reset before answering: the client sees `ECONNRESET`. */
export interface ResetFault extends FaultWindowBase {
  kind: 'reset';
}

/** Never answer, until the client gives up or the server closes. */
export interface HangFault extends FaultWindowBase {
  kind: 'hang';
}

/** Answer normally, but only after an extra delay. */
export interface SlowFault extends FaultWindowBase {
  kind: 'slow';
  delayMs: number;
}

/** Start a streamed answer and fail it with OpenAI's in-stream error after some chunks. Non-streaming requests are not hit. */
export interface StreamErrorFault extends FaultWindowBase {
  kind: 'stream-error';
  /** Chunks (SSE events) sent before the error. @default 2 */
  afterChunks?: number;
}

/** One entry of a fault schedule: a time window, a hit rate and what to do. */
export type FaultWindow = StatusFault | ResetFault | HangFault | SlowFault | StreamErrorFault;

const KINDS: readonly FaultKind[] = ['status', 'reset', 'hang', 'slow', 'stream-error'];

/** Checks a schedule once, so a typo fails at `startChaosServer` / `setFaults` rather than mid-test. */
export function validateFaults(faults: readonly FaultWindow[] | undefined): FaultWindow[] {
  if (faults === undefined) return [];
  if (!Array.isArray(faults))
    throw new TypeError(`chaos server: faults must be an array, got ${String(faults)}`);
  return faults.map((fault, i) => {
    const where = `chaos server: faults[${i}]`;
    if (!fault || !KINDS.includes(fault.kind)) {
      throw new TypeError(`${where}.kind must be one of ${KINDS.join(', ')}, got ${String(fault?.kind)}`);
    }
    const { from = 0, to = Infinity, rate = 1 } = fault;
    if (!(from >= 0)) throw new TypeError(`${where}.from must be a number >= 0, got ${from}`);
    if (!(to > from)) throw new TypeError(`${where}.to must be greater than from (${from}), got ${to}`);
    if (!(rate >= 0 && rate <= 1)) throw new TypeError(`${where}.rate must be between 0 and 1, got ${rate}`);
    if (
      fault.kind === 'status' &&
      !(Number.isInteger(fault.status) && fault.status >= 400 && fault.status <= 599)
    ) {
      throw new TypeError(
        `${where}.status must be an integer HTTP error status (400..599), got ${fault.status}`,
      );
    }
    if (fault.kind === 'slow' && !(Number.isFinite(fault.delayMs) && fault.delayMs >= 0)) {
      throw new TypeError(`${where}.delayMs must be a finite number >= 0, got ${fault.delayMs}`);
    }
    if (fault.kind === 'stream-error') {
      const after = fault.afterChunks ?? 2;
      if (!(Number.isInteger(after) && after >= 0)) {
        throw new TypeError(`${where}.afterChunks must be an integer >= 0, got ${after}`);
      }
    }
    return { ...fault };
  });
}

/**
 * The first window that hits this request. Each active window draws one number from `random`, in
 * schedule order, so the same seed and the same request sequence give the same faults.
 */
export function pickFault(
  faults: readonly FaultWindow[],
  input: { elapsed: number; path: string; streaming: boolean },
  random: () => number,
): FaultWindow | undefined {
  for (const fault of faults) {
    if (input.elapsed < (fault.from ?? 0) || input.elapsed >= (fault.to ?? Infinity)) continue;
    if (fault.paths && !fault.paths.includes(input.path)) continue;
    if (fault.kind === 'stream-error' && !input.streaming) continue;
    if (random() < (fault.rate ?? 1)) return fault;
  }
  return undefined;
}
