import {
  type CallContext,
  pipeline,
  ResilienceError,
  type ResilienceEvent,
  recordResponse,
} from '@unfazed/core';
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { type ChaosServer, startChaosServer } from '../../testing/src/index.ts';
import { rateLimit } from '../src/index.ts';

let server: ChaosServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Offers `rate` calls per second for `durationMs` through `limited`, with the real SDK; settles all. */
async function offer(
  limited: ReturnType<typeof pipeline>,
  client: OpenAI,
  rate: number,
  durationMs: number,
  body: (i: number) => OpenAI.Chat.ChatCompletionCreateParamsNonStreaming,
) {
  const calls: Promise<PromiseSettledResult<unknown>>[] = [];
  const started = performance.now();
  const count = Math.round((rate * durationMs) / 1_000);
  for (let i = 0; i < count; i++) {
    // On schedule, catching up when the machine is slow, so the offered load is the same every run.
    await sleep(Math.max(0, started + (i * 1_000) / rate - performance.now()));
    const request = body(i);
    calls.push(
      limited
        .execute(
          async (ctx: CallContext) => {
            const { data, response } = await client.chat.completions
              .create(request, { signal: ctx.signal })
              .withResponse();
            recordResponse(ctx, { status: response.status, headers: response.headers, usage: data.usage });
            return data;
          },
          { request, key: 'chaos' },
        )
        .then(
          (value): PromiseSettledResult<unknown> => ({ status: 'fulfilled', value }),
          (reason: unknown): PromiseSettledResult<unknown> => ({ status: 'rejected', reason }),
        ),
    );
  }
  return Promise.all(calls);
}

describe('against the chaos server with the real openai SDK', () => {
  it('at twice the server RPM, keeps 429s to none and every call that fits in maxWaitMs succeeds', async () => {
    server = await startChaosServer({ rpm: 60, minuteMs: 1_000 });
    const client = new OpenAI({ apiKey: 'sk-test', baseURL: server.url, maxRetries: 0 });
    const limited = pipeline(rateLimit({ rpm: 60, windowMs: 1_000, maxWaitMs: 1_000 }));
    const events: ResilienceEvent[] = [];
    limited.on((e) => events.push(e));
    const body = (i: number) => ({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user' as const, content: `question ${i}` }],
      max_tokens: 16,
    });
    const results = await offer(limited, client, 120, 2_500, body);

    const stats = server.stats();
    const ok = results.filter((r) => r.status === 'fulfilled').length;
    const rejected = results
      .filter((r) => r.status === 'rejected')
      .map((r) => (r as PromiseRejectedResult).reason);
    // Nothing the server refused: the limiter kept the load under its RPM.
    expect(stats.byStatus[429] ?? 0).toBeLessThanOrEqual(1);
    // Every failure is the limiter saying "not within maxWaitMs", never a server error.
    for (const err of rejected) expect(ResilienceError.is(err, 'RATE_LIMIT_WAIT')).toBe(true);
    // What fits succeeded: the burst (5) plus 55 per second over the run and the last maxWaitMs.
    expect(ok).toBe(stats.byStatus[200]);
    expect(ok).toBeGreaterThanOrEqual(150);
    expect(ok).toBeLessThanOrEqual(5 + 55 * 3.6);
    expect(rejected.length).toBeGreaterThan(50);
    expect(events.some((e) => e.type === 'rate-limit.wait')).toBe(true);
  }, 20_000);

  it('configured above the real limit, adopts the limit the server announces: almost no 429s', async () => {
    server = await startChaosServer({ rpm: 30, minuteMs: 1_000, retryAfter: 'ms' });
    const client = new OpenAI({ apiKey: 'sk-test', baseURL: server.url, maxRetries: 0 });
    // Configured at four times what the server allows: only the server's answers can keep it in line.
    const limited = pipeline(rateLimit({ rpm: 120, windowMs: 1_000, maxWaitMs: 2_000 }));
    const events: ResilienceEvent[] = [];
    limited.on((e) => events.push(e));
    const body = (i: number) => ({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user' as const, content: `q${i}` }],
      max_tokens: 8,
    });
    await offer(limited, client, 60, 2_000, body);
    const stats = server.stats();
    const served = stats.byStatus[200] ?? 0;
    const refused = stats.byStatus[429] ?? 0;
    // The first answer announces the real limit (30), which the key adopts; remaining-* lowers the
    // view and a 429 pauses the key: calls keep succeeding at the server's pace, almost none refused.
    expect(events.find((e) => e.type === 'rate-limit.limits')).toMatchObject({ requests: 30 });
    expect(served).toBeGreaterThan(50);
    expect(refused).toBeLessThanOrEqual(3);
  }, 20_000);

  it('a 429 pauses the key for every caller (headers ignored): the calls keep succeeding', async () => {
    server = await startChaosServer({ rpm: 30, minuteMs: 1_000, retryAfter: 'ms' });
    const client = new OpenAI({ apiKey: 'sk-test', baseURL: server.url, maxRetries: 0 });
    const limited = pipeline(
      rateLimit({ rpm: 120, windowMs: 1_000, maxWaitMs: 2_000, learnFromHeaders: false }),
    );
    const events: ResilienceEvent[] = [];
    limited.on((e) => events.push(e));
    const body = (i: number) => ({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user' as const, content: `q${i}` }],
    });
    const results = await offer(limited, client, 60, 2_000, body);
    const stats = server.stats();
    const cooldowns = events.filter((e) => e.type === 'rate-limit.cooldown');
    expect(cooldowns.length).toBeGreaterThan(0);
    expect(cooldowns.length).toBe(stats.byStatus[429]);
    expect(cooldowns[0]).toMatchObject({ from: 'server' });
    // Paused after each refusal, the key keeps them well below the successes.
    expect(stats.byStatus[429]).toBeLessThan((stats.byStatus[200] ?? 0) / 2);
    // Every call that was not refused succeeded; none failed otherwise.
    const failed = results.filter((r) => r.status === 'rejected');
    expect(failed.length).toBe(stats.byStatus[429]);
  }, 20_000);
});
