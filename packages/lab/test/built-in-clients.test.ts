import { describe, expect, it } from 'vitest';
import { builtInClients, runLab, type Scenario } from '../src/index.ts';

const scenario = (name: string, server: Scenario['server'], extra: Partial<Scenario> = {}): Scenario => ({
  name,
  durationMs: 20_000,
  load: { rpm: 60, arrivals: 'uniform' },
  server: { latencyMs: 100, ...server },
  ...extra,
});

const byClient = (r: Awaited<ReturnType<typeof runLab>>, i: number) =>
  Object.fromEntries(r.scenarios[i]!.results.map((c) => [c.run.client.id, c]));

describe('the built-in clients', () => {
  it('are the four the demo compares, in table order', () => {
    expect(builtInClients.map((c) => c.id)).toEqual([
      'fixed-interval',
      'openai-sdk',
      'exponential-backoff',
      'unfazed',
    ]);
  });

  it('retry what each is written to retry: a bad key and an empty quota, attempt by attempt', async () => {
    const result = await runLab({
      scenarios: [
        scenario('bad-key', { keys: ['sk-the-only-valid-key-000'] }, { apiKey: 'sk-a-revoked-key-00000000' }),
        scenario('quota', { insufficientQuota: true }),
      ],
      clients: builtInClients,
      timeScale: 50,
    });
    const attempts = (i: number) =>
      Object.fromEntries(
        Object.entries(byClient(result, i)).map(([id, c]) => [id, c.summary.attemptsPerCall]),
      );
    // The loop retries anything; the SDK and a status-aware loop know a 401 is final; so does classify.
    expect(attempts(0)).toEqual({
      'fixed-interval': 4,
      'openai-sdk': 1,
      'exponential-backoff': 1,
      unfazed: 1,
    });
    // insufficient_quota is a 429: the SDK and both loops retry it; classify knows waiting cannot help.
    expect(attempts(1)).toEqual({
      'fixed-interval': 4,
      'openai-sdk': 3,
      'exponential-backoff': 4,
      unfazed: 1,
    });
    for (const i of [0, 1]) {
      for (const c of Object.values(byClient(result, i))) {
        expect(c.summary.successPct).toBe(0);
        expect(c.summary.server.requests).toBe(Math.round(c.summary.attemptsPerCall * c.summary.calls));
      }
    }
    expect(byClient(result, 1).unfazed!.summary.failures).toEqual([
      { label: '429 quota_exhausted', count: 20 },
    ]);
  });

  it('lets only createResilientClient stop knocking in an outage, and reports its breaker', async () => {
    const result = await runLab({
      scenarios: [scenario('outage', { faults: [{ kind: 'status', status: 503 }] })],
      clients: builtInClients,
      timeScale: 50,
    });
    const c = byClient(result, 0);
    expect(c.unfazed!.summary.server.status5xx).toBeLessThan(c['openai-sdk']!.summary.server.status5xx / 2);
    expect(c.unfazed!.summary.failures[0]?.label).toBe('circuit_open');
    expect(c.unfazed!.run.events.some((e) => e.type === 'breaker.state-changed' && e.to === 'open')).toBe(
      true,
    );
    expect(c['fixed-interval']!.summary.attemptsPerCall).toBe(4);
    expect(c['openai-sdk']!.run.eventCounts).toEqual({});
  });
});
