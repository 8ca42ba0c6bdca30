import { pipeline } from '@unfazed/core';
import { type ChaosServer, type FaultWindow, startChaosServer } from '@unfazed/testing';
import {
  BrokenCircuitError,
  ConsecutiveBreaker,
  circuitBreaker,
  handleAll,
  retry,
  TaskCancelledError,
  TimeoutStrategy,
  timeout,
  wrap,
} from 'cockatiel';
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { fromCockatiel } from './from-cockatiel.ts';

let server: ChaosServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const body = { model: 'gpt-4o-mini', messages: [{ role: 'user' as const, content: 'Hi' }], max_tokens: 5 };

async function setup(faults: readonly FaultWindow[]) {
  server = await startChaosServer({ faults });
  const client = new OpenAI({ apiKey: 'sk-test', baseURL: server.url, maxRetries: 0 });
  const seen: { attempt: number; signal: AbortSignal }[] = [];
  const call = (ctx: { attempt: number; signal: AbortSignal }) => {
    seen.push({ attempt: ctx.attempt, signal: ctx.signal });
    return client.chat.completions.create(body, { signal: ctx.signal });
  };
  return { server, call, seen, sent: () => server!.stats().requests.length };
}

describe('fromCockatiel: cockatiel policies as middlewares, against real failures', () => {
  it('retry: each cockatiel attempt is a new ctx.attempt, and the last error comes out unchanged', async () => {
    const t = await setup([{ kind: 'status', status: 503 }]);
    const p = pipeline(fromCockatiel(retry(handleAll, { maxAttempts: 2 })));
    const outer = new AbortController();
    const error = await p.execute(t.call, { signal: outer.signal }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.InternalServerError);
    expect((error as InstanceType<typeof OpenAI.APIError>).status).toBe(503);
    expect(t.seen.map((s) => s.attempt)).toEqual([1, 2, 3]);
    expect(t.seen.every((s) => s.signal === outer.signal)).toBe(true); // the call's signal, handed through
    expect(t.sent()).toBe(3);
  });

  it('retry: recovers when the service does', async () => {
    const t = await setup([{ kind: 'reset' }]);
    const policy = retry(handleAll, { maxAttempts: 3 });
    policy.onRetry(() => t.server.setFaults([]));
    const answer = await pipeline(fromCockatiel(policy)).execute(t.call);
    expect(answer.choices[0]?.message.content).toEqual(expect.any(String));
    expect(t.seen.map((s) => s.attempt)).toEqual([1, 2]);
  });

  it("circuitBreaker: opens after its breaker's failures and refuses without reaching the server", async () => {
    const t = await setup([{ kind: 'status', status: 500 }]);
    const p = pipeline(
      fromCockatiel(
        circuitBreaker(handleAll, { halfOpenAfter: 10_000, breaker: new ConsecutiveBreaker(2) }),
        {
          name: 'cockatiel-breaker',
        },
      ),
    );
    for (let i = 0; i < 2; i++)
      await expect(p.execute(t.call)).rejects.toBeInstanceOf(OpenAI.InternalServerError);
    await expect(p.execute(t.call)).rejects.toBeInstanceOf(BrokenCircuitError);
    expect(t.sent()).toBe(2);
    expect(p.middlewares[0]?.name).toBe('cockatiel-breaker');
  });

  it('timeout: its signal reaches the request, which is aborted when it fires', async () => {
    const t = await setup([{ kind: 'hang' }]);
    const p = pipeline(fromCockatiel(timeout(50, TimeoutStrategy.Aggressive)));
    await expect(p.execute(t.call)).rejects.toBeInstanceOf(TaskCancelledError);
    expect(t.seen).toHaveLength(1);
    expect(t.seen[0]!.signal.aborted).toBe(true);
  });

  it('wrap(retry, timeout): a hung attempt times out and the retry succeeds', async () => {
    const t = await setup([{ kind: 'hang' }]);
    const policy = retry(handleAll, { maxAttempts: 2 });
    policy.onRetry(() => t.server.setFaults([]));
    const p = pipeline(fromCockatiel(wrap(policy, timeout(100, TimeoutStrategy.Cooperative))));
    const answer = await p.execute(t.call);
    expect(answer.object).toBe('chat.completion');
    expect(t.seen.map((s) => s.attempt)).toEqual([1, 2]);
    expect(t.seen[0]!.signal.aborted).toBe(true);
  });

  it("the caller's abort reaches the request through the policy", async () => {
    const t = await setup([{ kind: 'hang' }]);
    const controller = new AbortController();
    const p = pipeline(fromCockatiel(retry(handleAll, { maxAttempts: 0 })));
    const call = p.execute(t.call, { signal: controller.signal });
    while (t.seen.length === 0) await new Promise((resolve) => setTimeout(resolve, 1));
    controller.abort();
    await expect(call).rejects.toBeInstanceOf(OpenAI.APIUserAbortError);
  });
});
