import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { type ClientEntry, runLab, type Scenario } from '../src/index.ts';

/** A client with no retries at all: what the server answers is what the caller gets. */
const plain = (useFetch = true): ClientEntry => ({
  id: useFetch ? 'plain' : 'plain-global-fetch',
  label: 'plain',
  description: 'the SDK, no retries',
  create(ctx) {
    const client = new OpenAI({
      apiKey: ctx.apiKey,
      baseURL: ctx.baseURL,
      maxRetries: 0,
      ...(useFetch ? { fetch: ctx.fetch } : {}),
    });
    return (request) => client.chat.completions.create({ ...request, stream: false });
  },
});

const base = (extra: Partial<Scenario>): Scenario => ({
  name: 'test',
  durationMs: 10_000,
  load: { rpm: 60, arrivals: 'uniform' },
  ...extra,
});

describe('runLab', () => {
  it('computes every figure from what the callers and the server saw', async () => {
    const result = await runLab({
      // An hour-long window: nothing refills during the run, however late the event loop is.
      scenarios: [base({ server: { rpm: 5, windowMs: 3_600_000 } })],
      clients: [plain()],
      timeScale: 20,
    });
    const [{ results, scenario }] = result.scenarios as [NonNullable<(typeof result.scenarios)[0]>];
    const [{ run, summary }] = results as [NonNullable<(typeof results)[0]>];
    // One arrival a second for 10 s; the bucket holds 5: 5 served, then 429s.
    expect(run.calls.map((c) => c.at)).toEqual([
      0, 1_000, 2_000, 3_000, 4_000, 5_000, 6_000, 7_000, 8_000, 9_000,
    ]);
    expect(run.calls.map((c) => c.ok)).toEqual([
      true,
      true,
      true,
      true,
      true,
      false,
      false,
      false,
      false,
      false,
    ]);
    expect(summary).toMatchObject({
      calls: 10,
      ok: 5,
      successPct: 50,
      attemptsPerCall: 1,
      attemptsSource: 'client',
    });
    expect(summary.server).toEqual({ requests: 10, status429: 5, status5xx: 0, resets: 0, hangs: 0 });
    expect(summary.failures).toEqual([{ label: '429 rate_limit_requests', count: 5 }]);
    expect(summary.latency.p50).toBeGreaterThan(0);
    expect(scenario.name).toBe('test');
    expect(result.timeScale).toBe(20);
    expect(result.machine.cpus).toBeGreaterThan(0);
  });

  it('applies changes on schedule and divides the server total when the client keeps its own fetch', async () => {
    const result = await runLab({
      // Arrivals at 4 s and 5 s, the change half-way between them (50 ms of real time at ×10).
      scenarios: [base({ changes: [{ atMs: 4_500, insufficientQuota: true }] })],
      clients: [plain(), plain(false)],
      timeScale: 10,
    });
    const [counted, uncounted] = result.scenarios[0]!.results;
    expect(counted!.run.calls.map((c) => c.ok)).toEqual([
      true,
      true,
      true,
      true,
      true,
      false,
      false,
      false,
      false,
      false,
    ]);
    expect(counted!.summary.failures).toEqual([{ label: '429 quota_exhausted', count: 5 }]);
    expect(uncounted!.summary).toMatchObject({
      successPct: 50,
      attemptsPerCall: 1,
      attemptsSource: 'server',
    });
    expect(uncounted!.run.calls.every((c) => c.attempts === 0)).toBe(true);
  });

  it('gives up on a call after the scenario’s patience, and closes the hung sockets', async () => {
    const started = performance.now();
    const result = await runLab({
      scenarios: [base({ durationMs: 3_000, patienceMs: 5_000, server: { faults: [{ kind: 'hang' }] } })],
      clients: [plain()],
      timeScale: 100,
    });
    const { run, summary } = result.scenarios[0]!.results[0]!;
    expect(summary.successPct).toBe(0);
    expect(summary.failures).toEqual([{ label: 'no answer in 5 s', count: 3 }]);
    expect(summary.server.hangs).toBe(3);
    for (const c of run.calls) expect(c.end - c.at).toBeGreaterThanOrEqual(5_000);
    // 8 s of scenario time at ×100, not the SDK's ten real minutes.
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it('gives each client the callers’ patience, and runs its cleanups when its run ends, server still up', async () => {
    const log: string[] = [];
    const tidy = (fail: boolean): ClientEntry => ({
      id: fail ? 'tidy-failing' : 'tidy',
      label: 'tidy',
      description: 'registers cleanups',
      create(ctx) {
        log.push(`patience ${ctx.patienceMs}`);
        ctx.onClose(() => log.push('first registered'));
        ctx.onClose(async () => {
          // Its server still answers while the cleanups run.
          await fetch(`${ctx.baseURL}/chat/completions`, { method: 'POST', body: '{}' });
          log.push('last registered, server up');
          if (fail) throw new Error('could not delete the queue');
        });
        expect(() => ctx.onClose(42 as never)).toThrow(
          `client ${fail ? 'tidy-failing' : 'tidy'}: ctx.onClose takes a function, got number`,
        );
        return plain().create(ctx);
      },
    });
    await runLab({
      scenarios: [base({ durationMs: 2_000, patienceMs: 7_000 })],
      clients: [tidy(false)],
      timeScale: 100,
    });
    expect(log).toEqual(['patience 7000', 'last registered, server up', 'first registered']);
    log.length = 0;
    await expect(
      runLab({ scenarios: [base({ durationMs: 2_000 })], clients: [tidy(true)], timeScale: 100 }),
    ).rejects.toThrow('could not delete the queue');
    expect(log).toEqual(['patience 180000', 'last registered, server up', 'first registered']);
  });

  it('refuses clients that share an id, and names the scenario and client of a broken factory', async () => {
    await expect(runLab({ scenarios: [base({})], clients: [plain(), plain()] })).rejects.toThrow(
      'runLab: two clients have the id "plain"',
    );
    const broken: ClientEntry = { id: 'broken', label: 'broken', description: '', create: () => 42 as never };
    await expect(runLab({ scenarios: [base({})], clients: [broken], timeScale: 100 })).rejects.toThrow(
      'scenario test, client broken: client broken: its factory must return a function (request) => Promise, got number',
    );
  });
});
