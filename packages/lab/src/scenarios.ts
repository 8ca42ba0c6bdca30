import type { Scenario } from './scenario.ts';

/** What every built-in scenario's server does besides its own trouble: answer in 300 ms. */
const LATENCY_MS = 300;

const storm: Scenario = {
  name: 'storm',
  title: 'A 429 storm at 2× the RPM limit',
  description:
    'Requests arrive at 120 a minute against a limit of 60, for three minutes. The bucket holds a whole minute (as OpenAI’s does) and refills continuously, so once the first minute’s quota is spent only half of the requests can be served, and no header says when to come back except x-ratelimit-*. No client can beat the limit: what differs is how many requests each one throws at it and how long its callers wait for an answer.',
  durationMs: 180_000,
  load: { rpm: 120 },
  server: { rpm: 60, latencyMs: LATENCY_MS },
};

/** The built-in scenarios, in the order the demo runs them. */
export const builtInScenarios: readonly Scenario[] = Object.freeze([
  storm,
  {
    ...storm,
    name: 'storm-retry-after',
    title: 'The same storm, with retry-after',
    description:
      'The storm above, but every 429 carries retry-after (whole seconds, rounded up) as well as the x-ratelimit-* headers: a client that listens knows exactly when quota comes back.',
    server: { ...storm.server, retryAfter: 'seconds' },
  },
  {
    name: 'bursts',
    title: 'Bursts that fit on average',
    description:
      'Twice in four minutes, 20 s at 5× the limit of 60 (100 requests), each followed by 100 s at 0.1×: 55 a minute on average, under the limit. The bucket holds a minute of quota, so each burst overflows it by about 20 requests, which a patient client can place in the quiet that follows; an impatient one turns them into failures.',
    durationMs: 240_000,
    load: {
      rpm: 60,
      phases: [0, 120_000].flatMap((t) => [
        { atMs: t, factor: 5 },
        { atMs: t + 20_000, factor: 0.1 },
      ]),
    },
    server: { rpm: 60, latencyMs: LATENCY_MS },
  },
  {
    name: 'outage',
    title: 'Intermittent 5xx, then a full outage',
    description:
      '60 requests a minute for three minutes. The first 30 s are healthy; from 30 s to 90 s about 30 % of the answers are 500 or 503, from 90 s to 150 s every answer is a 503, and the last 30 s are healthy again. Retries rescue the intermittent part; in the outage nothing succeeds, and what matters is how hard a client keeps knocking and how soon it notices the recovery.',
    durationMs: 180_000,
    load: { rpm: 60 },
    server: {
      rpm: 300,
      latencyMs: LATENCY_MS,
      faults: [
        { kind: 'status', status: 500, from: 30_000, to: 90_000, rate: 0.15 },
        { kind: 'status', status: 503, from: 30_000, to: 90_000, rate: 0.18 },
        { kind: 'status', status: 503, from: 90_000, to: 150_000 },
      ],
    },
  },
  {
    name: 'errors',
    title: '30 % of answers are 5xx',
    description:
      'A degraded service, not a dead one: 300 requests a minute for two minutes, and 30 % of the answers are 500 or 503, at random. Retries carry almost every call; a circuit breaker that opened on five failures in a row (which come by chance about once a minute at this rate) would refuse calls that would have succeeded.',
    durationMs: 120_000,
    load: { rpm: 300 },
    server: {
      rpm: 3_000,
      latencyMs: LATENCY_MS,
      faults: [
        { kind: 'status', status: 500, rate: 0.15 },
        // Of the 85 % the first window leaves: 15 % of all answers.
        { kind: 'status', status: 503, rate: 0.15 / 0.85 },
      ],
    },
  },
  {
    name: 'quota',
    title: 'insufficient_quota',
    description:
      'The account runs out of credit 20 s into a one-minute run: from then on every answer is 429 insufficient_quota. It looks like a rate limit, but waiting changes nothing; a client should fail at once instead of retrying.',
    durationMs: 60_000,
    load: { rpm: 60 },
    server: { rpm: 300, latencyMs: LATENCY_MS },
    changes: [{ atMs: 20_000, insufficientQuota: true }],
  },
  {
    name: 'bad-key',
    title: 'A bad API key',
    description:
      'The key was revoked: every answer is 401 invalid_api_key. Nothing can succeed; a client should say so after one request.',
    durationMs: 60_000,
    load: { rpm: 60 },
    server: { rpm: 300, latencyMs: LATENCY_MS, keys: ['sk-lab-the-valid-key-000000'] },
    apiKey: 'sk-lab-a-revoked-key-0000000',
  },
  {
    name: 'resets',
    title: '20 % connection resets',
    description:
      'One request in five has its connection reset before any answer (ECONNRESET), for two minutes at 120 a minute. OpenAI never saw those requests, so retrying them is safe and cheap.',
    durationMs: 120_000,
    load: { rpm: 120 },
    server: { rpm: 600, latencyMs: LATENCY_MS, faults: [{ kind: 'reset', rate: 0.2 }] },
  },
  {
    name: 'hangs',
    title: '5 % hung requests',
    description:
      'One request in twenty is accepted and never answered, for two minutes at 120 a minute. Only a client with a per-attempt timeout gets those calls back; the SDK’s default timeout is ten minutes, longer than a caller waits (three).',
    durationMs: 120_000,
    load: { rpm: 120 },
    server: { rpm: 600, latencyMs: LATENCY_MS, faults: [{ kind: 'hang', rate: 0.05 }] },
  },
]);
