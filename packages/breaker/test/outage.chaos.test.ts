import { pipeline, type ResilienceEvent } from '@unfazed/core';
import { type ChaosServer, startChaosServer } from '@unfazed/testing';
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { breaker, bulkhead, CircuitOpenError } from '../src/index.ts';

let server: ChaosServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const ask = (model: string) => ({
  model,
  messages: [{ role: 'user' as const, content: 'Hi' }],
  max_tokens: 5,
});
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1] ?? Number.NaN;

describe('breaker against the chaos server, through the real openai SDK', () => {
  it('opens in an outage, probes at most once per half-open interval per key, closes after it ends', async () => {
    const OUTAGE_MS = 650;
    const HALF_OPEN_MS = 200;
    server = await startChaosServer({ faults: [{ kind: 'status', status: 503, from: 0, to: OUTAGE_MS }] });
    const models = ['gpt-4o', 'gpt-4o-mini'];
    const client = new OpenAI({ apiKey: 'sk-team', baseURL: server.url, maxRetries: 0 });
    const circuit = breaker({ halfOpenAfterMs: HALF_OPEN_MS });
    const p = pipeline(circuit);
    const events: ResilienceEvent[] = [];
    p.on((e) => events.push(e));
    const refusedMs: number[] = [];
    const outcomes = { ok: 0, refused: 0, failed: 0 };

    // Calls the breaker let through while not closed are probes; note when each one went out.
    const probes: Record<string, number[]> = Object.fromEntries(models.map((m) => [m, []]));
    const worker = async (model: string) => {
      while (server!.elapsed() < OUTAGE_MS + 2 * HALF_OPEN_MS + 150) {
        const started = performance.now();
        try {
          await p.execute(
            ({ signal }) => {
              if (circuit.stateOf(model) === 'half-open') probes[model]!.push(performance.now());
              return client.chat.completions.create(ask(model), { signal });
            },
            { key: model },
          );
          outcomes.ok++;
        } catch (error) {
          if (error instanceof CircuitOpenError) {
            refusedMs.push(performance.now() - started);
            outcomes.refused++;
          } else outcomes.failed++;
        }
        await sleep(5);
      }
    };
    await Promise.all(models.flatMap((model) => [worker(model), worker(model), worker(model)]));

    const { requests } = server.stats();
    const maxProbes = Math.ceil(OUTAGE_MS / HALF_OPEN_MS) + 1;
    for (const model of models) {
      const times = probes[model]!;
      expect(times.length).toBeGreaterThanOrEqual(2);
      expect(times.length).toBeLessThanOrEqual(maxProbes);
      for (let i = 1; i < times.length; i++) {
        expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(HALF_OPEN_MS - 2);
      }
      // What the server saw: 5 failures open the circuit (plus at most 2 already in flight from the
      // other workers), then only the probes.
      const mine = requests.filter((r) => r.model === model).sort((a, b) => a.time - b.time);
      const failures = mine.filter((r) => r.status === 503).length;
      expect(failures).toBeGreaterThanOrEqual(5 + times.length - 1);
      expect(failures).toBeLessThanOrEqual(5 + 2 + times.length);
      expect(mine.at(-1)?.status).toBe(200);
      expect(circuit.stateOf(model)).toBe('closed');
      const changes = events.flatMap((e) =>
        e.type === 'breaker.state-changed' && e.key === model ? [e.to] : [],
      );
      expect(changes[0]).toBe('open');
      expect(changes.at(-1)).toBe('closed');
    }
    expect(outcomes.refused).toBeGreaterThan(50);
    expect(outcomes.ok).toBeGreaterThan(10);
    // Refusals never touch the network: well under a millisecond each (asserted loosely for CI).
    expect(median(refusedMs)).toBeLessThan(5);
  });

  it('no queued attempt reaches the server once the circuit opened (breaker → bulkhead)', async () => {
    server = await startChaosServer({ faults: [{ kind: 'status', status: 503 }] });
    const client = new OpenAI({ apiKey: 'sk-team', baseURL: server.url, maxRetries: 0 });
    const circuit = breaker();
    const p = pipeline(circuit, bulkhead({ limit: 1, queue: 100 }));
    const results = await Promise.allSettled(
      Array.from({ length: 30 }, () =>
        p.execute(({ signal }) => client.chat.completions.create(ask('gpt-4o'), { signal }), {
          key: 'gpt-4o',
        }),
      ),
    );
    expect(server.stats().requests).toHaveLength(5);
    const reasons = results.map((r) => (r.status === 'rejected' ? r.reason : undefined));
    expect(reasons.slice(0, 5).every((e) => e instanceof OpenAI.InternalServerError)).toBe(true);
    expect(reasons.slice(5).every((e) => e instanceof CircuitOpenError)).toBe(true);
    expect(circuit.stateOf('gpt-4o')).toBe('open');
  });
});
