import {
  boolean,
  duration,
  integer,
  list,
  number,
  object,
  oneOf,
  optionError,
  readOptions,
  rule,
  string,
} from '@unfazed/core/internal';
import type { ChaosServerOptions, FaultWindow } from '@unfazed/testing';

/** From `atMs` on, requests arrive at `factor × load.rpm`. */
export interface LoadPhase {
  /** Start of the phase, in ms of scenario time since the load began. */
  atMs: number;
  /** Multiple of `load.rpm` (0 pauses the load). */
  factor: number;
}

/** The open-loop load: requests arrive on schedule, whether or not earlier ones finished. */
export interface LoadSpec {
  /** Arrivals per minute of scenario time (before `phases` apply). */
  rpm: number;
  /** Changes of rate over time. @default [] (a constant `rpm`) */
  phases?: readonly LoadPhase[];
  /** `poisson`: seeded random gaps, as independent users arrive; `uniform`: evenly spaced. @default 'poisson' */
  arrivals?: 'poisson' | 'uniform';
}

/** Something the scenario does to the server while the load runs. */
export interface ScenarioChange {
  /** When, in ms of scenario time since the load began. */
  atMs: number;
  /** Replaces the fault schedule (`[]` clears it); its windows count from the load's start. */
  faults?: readonly FaultWindow[];
  /** Turns `insufficient_quota` mode on or off. */
  insufficientQuota?: boolean;
}

/**
 * The chaos server's options, in scenario time: `latencyMs`, `chunkDelayMs`, a `slow` fault's
 * `delayMs`, `windowMs` and fault windows are all scenario milliseconds, compressed by the lab.
 * `now`, `port` and `seed` belong to the lab.
 */
export type ScenarioServer = Omit<ChaosServerOptions, 'now' | 'port' | 'seed'>;

/** A named, seeded configuration of the chaos server plus an open-loop load. */
export interface Scenario {
  /** Identifier, kebab-case: what `--scenario` and `--min-success name=95` use. */
  name: string;
  /** A one-line title. @default the name */
  title?: string;
  /** What it models, and what a good client does in it. @default '' */
  description?: string;
  /** Seed of the arrival times and of the server's fault draws. @default 1 */
  seed?: number;
  /** How long requests keep arriving, in ms of scenario time. */
  durationMs: number;
  /** How long a caller waits for its answer before it gives up, in ms of scenario time. @default 180_000 */
  patienceMs?: number;
  load: LoadSpec;
  /** The chaos server (limits, faults, latency), in scenario time. @default {} */
  server?: ScenarioServer;
  /** Changes made to the server during the run. @default [] */
  changes?: readonly ScenarioChange[];
  /** The API key the client is given (the bad-key scenario gives one the server refuses). @default 'sk-lab-0123456789abcdef' */
  apiKey?: string;
  /** Fields merged into every chat request body. @default { model: 'gpt-4o-mini', max_tokens: 64 } */
  request?: Readonly<Record<string, unknown>>;
}

/** A scenario with every default filled in. */
export type ResolvedScenario = Readonly<ReturnType<typeof readScenario>>;

const record = rule<Readonly<Record<string, unknown>>>('an object', (value, place) => {
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw optionError(place, 'an object', value);
  return value as Record<string, unknown>;
});
const anyList = rule<readonly FaultWindow[]>('an array of fault windows', (value, place) => {
  if (!Array.isArray(value)) throw optionError(place, 'an array of fault windows', value);
  return value;
});
const NAME = /^[a-z0-9][a-z0-9-]*$/;
const nameRule = rule<string, { required: true }>(
  'a kebab-case name (a-z, 0-9, -)',
  (value, place) => {
    if (typeof value !== 'string' || !NAME.test(value))
      throw optionError(place, 'a kebab-case name (a-z, 0-9, -)', value);
    return value;
  },
  { required: true },
);

const schema = {
  name: nameRule,
  title: string(),
  description: rule<string>('a string', (v, p) => {
    if (typeof v !== 'string') throw optionError(p, 'a string', v);
    return v;
  }),
  seed: integer({ default: 1 }),
  durationMs: duration({ above: 0, required: true }),
  patienceMs: duration({ above: 0, default: 180_000 }),
  load: object({
    rpm: number({ min: 0, required: true }),
    phases: list(
      object({ atMs: number({ min: 0, required: true }), factor: number({ min: 0, required: true }) }),
      {
        default: [],
      },
    ),
    arrivals: oneOf(['poisson', 'uniform'] as const, { default: 'poisson' }),
  }),
  server: record,
  changes: list(
    object({ atMs: number({ min: 0, required: true }), faults: anyList, insufficientQuota: boolean() }),
    { default: [] },
  ),
  apiKey: string({ default: 'sk-lab-0123456789abcdef', secret: true }),
  request: record,
};

const LAB_OWNED = ['now', 'port', 'seed'] as const;

/** Reads a scenario once (built-in, a user's file, or code), in the one options format. */
export function readScenario(input: unknown) {
  const s = readOptions('scenario', input, schema);
  const server = s.server ?? {};
  for (const key of LAB_OWNED) {
    if (key in server) {
      throw optionError(
        { owner: `scenario ${s.name}`, path: `server.${key}` },
        'left to the lab (set the scenario seed instead)',
        server[key],
      );
    }
  }
  return {
    ...s,
    title: s.title ?? s.name,
    description: s.description ?? '',
    server: server as ScenarioServer,
    request: s.request ?? {},
  };
}

/**
 * Declares a scenario, checked at once: a typo in it throws a `TypeError` naming the option.
 *
 * @example
 * export default defineScenario({
 *   name: 'my-storm',
 *   durationMs: 60_000,
 *   load: { rpm: 240 },
 *   server: { rpm: 120, retryAfter: 'seconds' },
 * });
 */
export function defineScenario(scenario: Scenario): Scenario {
  readScenario(scenario);
  return scenario;
}
