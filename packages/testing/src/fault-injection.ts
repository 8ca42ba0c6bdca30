import { HttpStatusError } from '@unfazed/core';
import { rateLimitBody, serverErrorBody } from './openai-errors.ts';
import { openaiId } from './openai-payloads.ts';
import { mulberry32 } from './prng.ts';

/** A failure that {@link injectFaults} / {@link faultyFetch} can produce instead of calling through. */
export type InjectedFault =
  /** A network failure shaped like undici's: `TypeError('fetch failed')` with a Node system error as `cause`. */
  | {
      kind: 'network' /** @default 'ECONNRESET' */;
      code?: string /** @default `read ${code}` */;
      message?: string;
    }
  /** An HTTP error answer: a synthetic `Response` from `faultyFetch`, an `HttpStatusError` from `injectFaults`. */
  | {
      kind: 'status';
      status: number;
      /** JSON body; defaults to OpenAI's body for the status. */
      body?: unknown;
      headers?: Record<string, string>;
    }
  /** Throw this value (or what the function returns, called once per failure). */
  | { kind: 'error'; error: unknown };

/** When and how an injector fails calls. */
export interface FaultInjectionOptions {
  /** Fraction of calls that fail, drawn from the seeded PRNG. @default 1 */
  rate?: number;
  /** The first `first` calls always fail, whatever `rate` says. Handy for "fail twice, then succeed". @default 0 */
  first?: number;
  /** What a failing call does; with several, one is picked at random per failure. @default a network ECONNRESET */
  faults?: InjectedFault | readonly InjectedFault[];
  /** Seed of the PRNG. @default 1 */
  seed?: number;
  /** Replaces the seeded PRNG (values in [0, 1)). */
  random?: () => number;
}

/** Counters of an injector, for assertions. */
export interface FaultInjectionStats {
  calls: number;
  failures: number;
}

/** A function wrapped by {@link injectFaults}. */
export type FaultInjected<A extends unknown[], R> = ((...args: A) => Promise<R>) & {
  readonly stats: FaultInjectionStats;
};

type Decide = () => InjectedFault | undefined;

function decider(options: FaultInjectionOptions, stats: FaultInjectionStats): Decide {
  const rate = options.rate ?? 1;
  const first = options.first ?? 0;
  if (!(rate >= 0 && rate <= 1))
    throw new TypeError(`injectFaults: rate must be between 0 and 1, got ${rate}`);
  if (!(Number.isInteger(first) && first >= 0))
    throw new TypeError(`injectFaults: first must be an integer >= 0, got ${first}`);
  const faults: readonly InjectedFault[] =
    options.faults === undefined
      ? [{ kind: 'network' }]
      : Array.isArray(options.faults)
        ? options.faults
        : [options.faults as InjectedFault];
  if (faults.length === 0) throw new TypeError('injectFaults: faults must not be empty');
  for (const [i, fault] of faults.entries()) {
    if (!['network', 'status', 'error'].includes(fault?.kind)) {
      throw new TypeError(
        `injectFaults: faults[${i}].kind must be 'network', 'status' or 'error', got ${String(fault?.kind)}`,
      );
    }
    if (
      fault.kind === 'status' &&
      !(Number.isInteger(fault.status) && fault.status >= 100 && fault.status <= 599)
    ) {
      throw new TypeError(`injectFaults: faults[${i}].status must be an HTTP status, got ${fault.status}`);
    }
  }
  const random = options.random ?? mulberry32(options.seed ?? 1);
  return () => {
    stats.calls += 1;
    const hit = random() < rate || stats.calls <= first;
    if (!hit) return undefined;
    stats.failures += 1;
    return faults.length === 1 ? faults[0] : faults[Math.floor(random() * faults.length)];
  };
}

/** The error undici's `fetch` throws when the connection is reset (or fails with `code`). */
export function networkError(code = 'ECONNRESET', message = `read ${code}`): TypeError {
  return new TypeError('fetch failed', {
    cause: Object.assign(new Error(message), { code, syscall: 'read' }),
  });
}

function syntheticResponse(fault: Extract<InjectedFault, { kind: 'status' }>): Response {
  const body =
    fault.body ??
    (fault.status === 429
      ? rateLimitBody({
          model: 'unknown',
          dimension: 'requests',
          limit: 1,
          used: 1,
          requested: 1,
          waitMs: 1000,
        })
      : serverErrorBody(fault.status));
  return new Response(JSON.stringify(body), {
    status: fault.status,
    headers: { 'content-type': 'application/json', 'x-request-id': openaiId('req_', 16), ...fault.headers },
  });
}

function raise(fault: Exclude<InjectedFault, { kind: 'status' }>): never {
  if (fault.kind === 'network') throw networkError(fault.code, fault.message);
  throw typeof fault.error === 'function' ? (fault.error as () => unknown)() : fault.error;
}

/**
 * Wraps any async function so that a seeded fraction of calls fails before reaching it: with a
 * network error, an {@link HttpStatusError}, or an error of your choice. No server, no sockets.
 *
 * @example
 * const flaky = injectFaults(callModel, { first: 2, rate: 0, faults: { kind: 'status', status: 503 } });
 * await flaky(input).catch(() => {}); // HttpStatusError 503
 * await flaky(input).catch(() => {}); // HttpStatusError 503
 * await flaky(input); // calls callModel
 */
export function injectFaults<A extends unknown[], R>(
  fn: (...args: A) => R | Promise<R>,
  options: FaultInjectionOptions = {},
): FaultInjected<A, R> {
  const stats: FaultInjectionStats = { calls: 0, failures: 0 };
  const decide = decider(options, stats);
  const injected = async (...args: A): Promise<R> => {
    const fault = decide();
    if (!fault) return fn(...args);
    if (fault.kind !== 'status') raise(fault);
    const response = syntheticResponse(fault);
    throw new HttpStatusError({
      status: fault.status,
      headers: response.headers,
      body: await response.json(),
    });
  };
  return Object.assign(injected, { stats });
}

/**
 * A `fetch` that fails a seeded fraction of requests before they leave the process: network
 * errors are thrown as undici throws them, status faults come back as a synthetic `Response`
 * with OpenAI's error body. Pass it to the openai SDK (`new OpenAI({ fetch })`) for fast tests.
 *
 * @example
 * const fetch = faultyFetch({ rate: 0.3, seed: 7, faults: [{ kind: 'network' }, { kind: 'status', status: 503 }] });
 * const client = new OpenAI({ apiKey: 'sk-test', fetch, maxRetries: 0 });
 */
export function faultyFetch(
  options: FaultInjectionOptions & {
    /** The fetch that healthy calls go to. @default globalThis.fetch */
    fetch?: typeof fetch;
  } = {},
): typeof fetch & { readonly stats: FaultInjectionStats } {
  const inner = options.fetch ?? globalThis.fetch;
  const stats: FaultInjectionStats = { calls: 0, failures: 0 };
  const decide = decider(options, stats);
  const wrapped = async (input: Parameters<typeof fetch>[0], init?: Parameters<typeof fetch>[1]) => {
    const fault = decide();
    if (!fault) return inner(input, init);
    if (fault.kind === 'status') return syntheticResponse(fault);
    raise(fault);
  };
  return Object.assign(wrapped, { stats }) as typeof fetch & { readonly stats: FaultInjectionStats };
}
