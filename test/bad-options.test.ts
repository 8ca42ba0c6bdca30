// One table of bad options over every public factory of every package, with the same bad values
// per kind of option: each must be refused at construction with a TypeError that says
// `<factory>: <option> must be …, got <value>` (or `… is not an option`), the value shown as
// core's showValue shows it.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classify } from '../packages/classify/src/index.ts';
import { type ChaosServer, startChaosServer } from '../packages/testing/src/index.ts';
import { backoffCases } from './bad-options/backoff.ts';
import { breakerCases } from './bad-options/breaker.ts';
import { coreCases } from './bad-options/core.ts';
import { openaiAdapterCases } from './bad-options/openai-adapter.ts';
import { attempt, type Case, named } from './bad-options/table.ts';
import { testingCases } from './bad-options/testing.ts';
import { tokenBucketCases } from './bad-options/token-bucket.ts';

// Construction only: the client never connects.
const client = named(new Redis({ lazyConnect: true, enableOfflineQueue: false }), 'client');
let server: ChaosServer | undefined;

const cases: Case[] = [
  ...coreCases(),
  ...backoffCases(),
  ...breakerCases(),
  ...tokenBucketCases(client),
  ...testingCases(() => server!),
  ...openaiAdapterCases(),
];

/**
 * Holes known today, each a bug of the package named. Listed exactly, so that a fix (or a new hole)
 * fails this test until the list says so. None left.
 */
const KNOWN_ACCEPTED: readonly string[] = [];

/** Refused today, but not in the one format. None left. */
const KNOWN_UNCLEAR: readonly string[] = [];

beforeAll(async () => {
  server = await startChaosServer();
});

afterAll(async () => {
  await server?.close();
  client.disconnect();
});

describe('bad options, every public factory', () => {
  it('are each refused at construction with one message format', async () => {
    const accepted: string[] = [];
    const unclear: string[] = [];
    const why: string[] = [];
    for (const c of cases) {
      const outcome = await attempt(c);
      if (outcome.kind === 'accepted') accepted.push(c.input);
      else if (outcome.kind === 'unclear') {
        unclear.push(c.input);
        why.push(`${c.input}: ${outcome.why}`);
      }
    }
    const factories = new Set(cases.map((c) => c.factory));
    console.log(
      `bad options: ${cases.length} cases over ${factories.size} factories; ` +
        `${cases.length - accepted.length - unclear.length} refused, ${accepted.length} accepted, ${unclear.length} unclear`,
    );
    for (const line of accepted) console.log(`  accepted: ${line}`);
    for (const line of why) console.log(`  unclear: ${line}`);
    expect(cases.length).toBeGreaterThan(1_000);
    expect(unclear).toEqual(KNOWN_UNCLEAR);
    expect(accepted).toEqual(KNOWN_ACCEPTED);
  });

  it('name every input once, so a report line points at one call', () => {
    const inputs = cases.map((c) => c.input);
    const twice = inputs.filter((input, i) => inputs.indexOf(input) !== i);
    expect(twice).toEqual([]);
  });
});

describe('classify', () => {
  // classify() runs inside catch blocks and never throws: its one option is not checked, a bad
  // `now` only stops a retry-after date from becoming a wait.
  it('never throws, whatever its options', () => {
    const answer = { status: 503, headers: { 'retry-after': 'Wed, 21 Oct 2026 07:28:30 GMT' } };
    for (const options of [null, 'x', 5, [], { now: '5' }, { now: Number.NaN }, { nw: 1 }]) {
      const verdict = classify(answer, options as never);
      expect(verdict).toMatchObject({ category: 'transient', reason: 'overloaded', retryable: true });
    }
  });
});
