import { fn, integer, number, type Resolved, readOptions } from '@unfazed/core/internal';
import {
  type InjectedFault,
  injectedFaultsRule,
  raise,
  statusError,
  syntheticResponse,
} from './injected-faults.ts';
import { mulberry32 } from './prng.ts';
import { readArg } from './rules.ts';

/** When and how an injector fails calls. */
export interface FaultInjectionOptions {
  /** Fraction of calls that fail, in [0, 1], drawn from the seeded PRNG. @default 1 */
  rate?: number;
  /** The first `first` calls always fail, whatever `rate` says. Handy for "fail twice, then succeed". @default 0 */
  first?: number;
  /** What a failing call does; with several, one is picked at random per failure. @default a network ECONNRESET */
  faults?: InjectedFault | readonly InjectedFault[];
  /** Seed (an integer) of the PRNG. @default 1 */
  seed?: number;
  /** Replaces the seeded PRNG (values in [0, 1)); `seed` is then unused. @default mulberry32(seed) */
  random?: () => number;
}

/** Options of {@link faultyFetch}: those of every injector, and where healthy calls go. */
export interface FaultyFetchOptions extends FaultInjectionOptions {
  /** The fetch that healthy calls go to. @default globalThis.fetch */
  fetch?: typeof fetch;
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

const schema = {
  rate: number({ min: 0, max: 1, default: 1 }),
  first: integer({ min: 0, default: 0 }),
  faults: injectedFaultsRule,
  seed: integer({ default: 1 }),
  random: fn<() => number>(),
};

const fnRule = fn({ required: true });

type Decide = () => InjectedFault | undefined;

function decider(o: Resolved<typeof schema>, stats: FaultInjectionStats): Decide {
  const random = o.random ?? mulberry32(o.seed);
  const { faults } = o;
  return () => {
    stats.calls += 1;
    const hit = random() < o.rate || stats.calls <= o.first;
    if (!hit) return undefined;
    stats.failures += 1;
    return faults.length === 1 ? faults[0] : faults[Math.floor(random() * faults.length)];
  };
}

/**
 * Wraps any async function so that a seeded fraction of calls fails before reaching it: with a
 * network error, an `HttpStatusError`, or an error of your choice. No server, no sockets.
 *
 * @example
 * const flaky = injectFaults(callModel, { first: 2, rate: 0, faults: { kind: 'status', status: 503 } });
 * await flaky(input).catch(() => {}); // HttpStatusError 503
 * await flaky(input).catch(() => {}); // HttpStatusError 503
 * await flaky(input); // calls callModel
 */
export function injectFaults<A extends unknown[], R>(
  fn: (...args: A) => R | Promise<R>,
  options?: FaultInjectionOptions,
): FaultInjected<A, R> {
  const target = readArg('injectFaults', 'fn', fnRule, fn) as (...args: A) => R | Promise<R>;
  const stats: FaultInjectionStats = { calls: 0, failures: 0 };
  const decide = decider(readOptions('injectFaults', options, schema), stats);
  const injected = async (...args: A): Promise<R> => {
    const fault = decide();
    if (!fault) return target(...args);
    if (fault.kind === 'status') throw await statusError(fault);
    raise(fault);
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
  options?: FaultyFetchOptions,
): typeof fetch & { readonly stats: FaultInjectionStats } {
  const o = readOptions('faultyFetch', options, { ...schema, fetch: fn<typeof fetch>() });
  const inner = o.fetch ?? globalThis.fetch;
  const stats: FaultInjectionStats = { calls: 0, failures: 0 };
  const decide = decider(o, stats);
  const wrapped = async (input: Parameters<typeof fetch>[0], init?: Parameters<typeof fetch>[1]) => {
    const fault = decide();
    if (!fault) return inner(input, init);
    if (fault.kind === 'status') return syntheticResponse(fault);
    raise(fault);
  };
  return Object.assign(wrapped, { stats }) as typeof fetch & { readonly stats: FaultInjectionStats };
}
