import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { fallback } from '@unfazed/breaker';
import { ResilienceError, type ResilienceEvent } from '@unfazed/core';
import { createResilientClient, type ResilientClientOptions, resilienceOf } from '@unfazed/openai-adapter';
import { type ChaosServer, type ChaosServerOptions, startChaosServer } from '@unfazed/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { type TelemetryOptions, telemetry } from '../src/index.ts';
import { attemptSpans, callSpans, hist, type Observed, observe, only } from './harness.ts';

const KEY = 'sk-telemetry-test-S3CRET-0123456789';
const PROMPT = 'Tell me about the purple elephant named Wilhelmina';
const hello = {
  model: 'gpt-4o-mini',
  messages: [{ role: 'user' as const, content: PROMPT }],
  max_tokens: 20,
};
const tags = { 'x-unfazed-tag-feature': 'search', 'x-unfazed-tag-user': 'user-42' };

let server: ChaosServer | undefined;
let o: Observed | undefined;
afterEach(async () => {
  await server?.close();
  await o?.shutdown();
  server = undefined;
  o = undefined;
});

async function start(
  chaos: ChaosServerOptions = {},
  options: ResilientClientOptions = {},
  t: TelemetryOptions = {},
) {
  server = await startChaosServer(chaos);
  o = observe();
  const events: ResilienceEvent[] = [];
  const client = createResilientClient({
    apiKey: KEY,
    baseURL: server.url,
    retry: { baseDelayMs: 5, maxDelayMs: 20 },
    telemetry: telemetry({
      tracerProvider: o.tracerProvider,
      meterProvider: o.meterProvider,
      logger: o.logger,
      serviceName: 'checkout-api',
      captureUser: 'hash',
      userSalt: 'pepper',
      ...t,
    }),
    onEvent: (e) => events.push(e),
    ...options,
  });
  return { server, client, o, events };
}

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (e: unknown) => e,
  );
const DURATION = 'gen_ai.client.operation.duration';

describe('telemetry(): spans and metrics of one call', () => {
  it('a success: one CLIENT span with the GenAI attributes, one attempt, the conventions’ metrics', async () => {
    const { client, o, server } = await start();
    const answer = await client.chat.completions.create(hello, { headers: tags });
    await new Promise((r) => setTimeout(r, 20)); // the JSON summary settles right after the SDK read it
    const span = only(callSpans(o.spans()), () => true);
    expect(span.name).toBe('chat gpt-4o-mini');
    expect(span.kind).toBe(SpanKind.CLIENT);
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
    const request = server.stats().requests[0];
    expect(span.attributes).toMatchObject({
      'gen_ai.provider.name': 'openai',
      'gen_ai.operation.name': 'chat',
      'gen_ai.request.model': 'gpt-4o-mini',
      'gen_ai.request.max_tokens': 20,
      'gen_ai.response.model': answer.model,
      'gen_ai.response.id': answer.id,
      'gen_ai.usage.input_tokens': answer.usage?.prompt_tokens,
      'gen_ai.usage.output_tokens': answer.usage?.completion_tokens,
      'openai.api.type': 'chat_completions',
      'unfazed.outcome': 'success',
      'unfazed.attempts': 1,
      'unfazed.feature': 'search',
      'unfazed.key': 'gpt-4o-mini',
      'unfazed.request_id': request?.requestId,
      'unfazed.client_request_id': request?.clientRequestId,
      'unfazed.answer': 'read',
    });
    expect(span.attributes['unfazed.user']).toMatch(/^[0-9a-f]{16}$/);
    expect(span.attributes['gen_ai.request.stream']).toBeUndefined();
    const [attempt, ...more] = attemptSpans(o.spans(), span);
    expect(more).toHaveLength(0);
    expect(attempt?.attributes).toMatchObject({
      'unfazed.attempt': 1,
      'http.response.status_code': 200,
      'unfazed.request_id': request?.requestId,
    });

    const base = {
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'gpt-4o-mini',
    };
    expect(
      await o.count(DURATION, {
        ...base,
        'gen_ai.response.model': answer.model,
        'unfazed.feature': 'search',
      }),
    ).toBe(1);
    expect((await o.points(DURATION))[0]?.attributes['error.type']).toBeUndefined();
    expect(await o.count('gen_ai.client.token.usage', { 'gen_ai.token.type': 'input' })).toBe(1);
    expect(await o.count('gen_ai.client.token.usage', { 'gen_ai.token.type': 'output' })).toBe(1);
    const [input] = await o.points('gen_ai.client.token.usage', { 'gen_ai.token.type': 'input' });
    expect(hist(input).sum).toBe(answer.usage?.prompt_tokens);
    expect(
      await o.sum('unfazed.calls', { ...base, 'unfazed.outcome': 'success', 'unfazed.feature': 'search' }),
    ).toBe(1);
    expect(await o.sum('unfazed.attempts', { 'unfazed.outcome': 'success', 'unfazed.status': '200' })).toBe(
      1,
    );
    expect(await o.count('gen_ai.client.operation.time_to_first_chunk')).toBe(0);
    // The advised buckets of the conventions.
    const [duration] = await o.points(DURATION);
    expect(hist(duration).buckets.boundaries).toEqual([
      0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92,
    ]);
    // A remaining-quota gauge needs limits: none here (no x-ratelimit headers sent).
    expect(await o.points('unfazed.rate_limit.remaining_requests')).toHaveLength(0);
  });

  it('a retried success: two attempt spans, the retry and its delay source, attempts by outcome', async () => {
    let remainingHeader: string | null = null;
    const { client, o, server } = await start(
      { faults: [{ kind: 'status', status: 503, rate: 1 }], rpm: 1_000, tpm: 1_000_000 },
      {
        retry: { baseDelayMs: 40, jitter: 'none' },
        // The first attempt meets the 503; the next is served.
        fetch: async (input, init) => {
          const response = await fetch(input, init);
          server?.setFaults([]);
          remainingHeader = response.headers.get('x-ratelimit-remaining-requests');
          return response;
        },
      },
    );
    await client.chat.completions.create(hello, { headers: tags });
    await new Promise((r) => setTimeout(r, 20));
    const span = only(callSpans(o.spans()), () => true);
    const requests = server.stats().requests;
    expect(requests.map((r) => r.status)).toEqual([503, 200]);
    expect(span.attributes).toMatchObject({
      'unfazed.outcome': 'success',
      'unfazed.attempts': 2,
      'unfazed.retries': 1,
      'unfazed.retry.delay_source': 'backoff',
      'unfazed.request_ids': requests.map((r) => r.requestId),
    });
    expect(span.events.map((e) => e.name)).toContain('unfazed.retry.scheduled');
    const retried = span.events.find((e) => e.name === 'unfazed.retry.scheduled');
    expect(retried?.attributes).toMatchObject({ 'unfazed.delay_source': 'backoff', 'unfazed.status': 503 });
    const attempts = attemptSpans(o.spans(), span);
    expect(attempts.map((a) => a.attributes['http.response.status_code'])).toEqual([503, 200]);
    expect(attempts[0]?.status.code).toBe(SpanStatusCode.ERROR);
    expect(attempts[0]?.attributes['error.type']).toBe(retried?.attributes?.['unfazed.reason']);
    expect(
      await o.sum('unfazed.retries', { 'unfazed.delay_source': 'backoff', 'unfazed.feature': 'search' }),
    ).toBe(1);
    expect(await o.sum('unfazed.attempts', { 'unfazed.outcome': 'failure', 'unfazed.status': '503' })).toBe(
      1,
    );
    expect(await o.sum('unfazed.attempts', { 'unfazed.outcome': 'success' })).toBe(1);
    expect(await o.sum('unfazed.calls', { 'unfazed.outcome': 'success' })).toBe(1);
    // Limits learned from headers: the remaining-quota gauges, per key.
    const [remaining] = await o.points('unfazed.rate_limit.remaining_requests', {
      'unfazed.key': 'gpt-4o-mini',
    });
    expect(remainingHeader).not.toBeNull();
    expect(remaining?.value).toBe(Number(remainingHeader));
    // A retry at 5xx is no rate limit: an info line, not a warning.
    expect(o.logs.find((l) => (l.event as { action: string }).action === 'retry-scheduled')).toMatchObject({
      level: 30,
    });
  });

  it('a give-up: the span fails with error.type, the call counts as a failure, one error log line', async () => {
    const { client, o } = await start({ faults: [{ kind: 'status', status: 500, rate: 1 }] });
    const err = await failure(client.chat.completions.create(hello, { headers: tags }));
    expect(err).toBeInstanceOf(Error);
    const span = only(callSpans(o.spans()), () => true);
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: 'server_error (HTTP 500)' });
    expect(span.attributes).toMatchObject({
      'error.type': 'server_error',
      'unfazed.outcome': 'failure',
      'unfazed.category': 'transient',
      'unfazed.reason': 'server_error',
      'unfazed.attempts': 4,
      'unfazed.retries': 3,
      'unfazed.retry.why': 'exhausted',
      'unfazed.status': 500,
    });
    expect(span.events.find((e) => e.name === 'exception')?.attributes?.['exception.type']).toBe(
      'HttpStatusError',
    );
    expect(attemptSpans(o.spans(), span)).toHaveLength(4);
    expect(await o.count(DURATION, { 'error.type': 'server_error' })).toBe(1);
    expect(await o.count('gen_ai.client.token.usage')).toBe(0);
    expect(
      await o.sum('unfazed.calls', {
        'unfazed.outcome': 'failure',
        'unfazed.category': 'transient',
        'unfazed.reason': 'server_error',
        'unfazed.feature': 'search',
      }),
    ).toBe(1);
    expect(await o.sum('unfazed.retry.give_ups', { 'unfazed.why': 'exhausted' })).toBe(1);
    const errors = o.logs.filter((l) => l.level === 50);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({
      msg: 'chat gpt-4o-mini failed after 4 attempts: server_error (HTTP 500), exhausted',
      event: { action: 'call-failed', outcome: 'failure', dataset: 'unfazed.telemetry' },
      error: { type: 'server_error' },
      labels: { feature: 'search' },
      user: { id: span.attributes['unfazed.user'] },
      service: { name: 'checkout-api' },
      trace: { id: span.spanContext().traceId },
      http: { response: { status_code: 500 } },
      gen_ai: { request: { model: 'gpt-4o-mini' } },
      unfazed: { category: 'transient', reason: 'server_error', attempts: 4, why: 'exhausted' },
    });
  });

  it('a retry-budget refusal: the give-up says budget, on the span, the counter and the error line', async () => {
    const { client, o } = await start(
      { faults: [{ kind: 'status', status: 503, rate: 1 }] },
      { retry: { baseDelayMs: 1, maxDelayMs: 1, budget: { ratio: 0, minRetriesPerSecond: 0 } } },
    );
    await failure(client.chat.completions.create(hello, { headers: tags }));
    const span = only(callSpans(o.spans()), () => true);
    expect(span.attributes).toMatchObject({ 'unfazed.retry.why': 'budget', 'unfazed.attempts': 1 });
    expect(
      await o.sum('unfazed.retry.give_ups', { 'unfazed.why': 'budget', 'unfazed.feature': 'search' }),
    ).toBe(1);
    expect(o.logs.find((l) => l.level === 50)).toMatchObject({ unfazed: { why: 'budget' } });
  });

  it('a call the caller aborts: outcome "cancelled", no error line (the provider did not fail)', async () => {
    const { client, o } = await start({ latencyMs: 200 });
    const controller = new AbortController();
    const call = client.chat.completions.create(hello, { headers: tags, signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    await failure(call);
    await new Promise((r) => setTimeout(r, 10));
    const span = only(callSpans(o.spans()), () => true);
    expect(span.attributes).toMatchObject({
      'unfazed.outcome': 'cancelled',
      'unfazed.category': 'cancelled',
    });
    expect(await o.sum('unfazed.calls', { 'unfazed.outcome': 'cancelled' })).toBe(1);
    expect(o.logs.filter((l) => l.level === 50)).toEqual([]);
  });

  it('a circuit open: the refusal is a rejected failure with no attempt; transitions and state gauge per key', async () => {
    const { client, o } = await start(
      { faults: [{ kind: 'status', status: 503, rate: 1 }] },
      { retry: false, breaker: { policy: { consecutive: 1 } } },
    );
    await failure(client.chat.completions.create(hello, { headers: tags }));
    const refused = await failure(client.chat.completions.create(hello, { headers: tags }));
    expect(ResilienceError.is(refused)).toBe(true);
    const [first, second] = callSpans(o.spans());
    expect(first?.events.map((e) => e.name)).toContain('unfazed.breaker.state-changed');
    expect(second?.attributes).toMatchObject({
      'unfazed.outcome': 'failure',
      'unfazed.category': 'rejected',
      'unfazed.reason': 'circuit_open',
      'error.type': 'circuit_open',
      'unfazed.attempts': 0,
      'unfazed.breaker.state': 'open',
    });
    expect(attemptSpans(o.spans(), second!)).toHaveLength(0);
    expect(
      await o.sum('unfazed.breaker.transitions', {
        'unfazed.key': 'gpt-4o-mini',
        'unfazed.from': 'closed',
        'unfazed.to': 'open',
      }),
    ).toBe(1);
    const state = await o.points('unfazed.breaker.state', { 'unfazed.key': 'gpt-4o-mini' });
    expect(Object.fromEntries(state.map((p) => [p.attributes['unfazed.state'], p.value]))).toEqual({
      closed: 0,
      open: 1,
    });
    expect(
      await o.sum('unfazed.calls', { 'unfazed.reason': 'circuit_open', 'unfazed.category': 'rejected' }),
    ).toBe(1);
    expect(
      o.logs.find((l) => (l.event as { action: string }).action === 'breaker-state-changed'),
    ).toMatchObject({
      level: 40,
      msg: 'circuit gpt-4o-mini: closed → open',
      unfazed: { from: 'closed', to: 'open', reason: 'overloaded' },
    });
  });

  it('a limiter wait: the waits histogram, the span’s total wait, and a warning with the wait and its source', async () => {
    const { client, o } = await start({}, { rateLimit: { rpm: 2, windowMs: 200, burst: 0.5 } });
    await client.chat.completions.create(hello, { headers: tags });
    await client.chat.completions.create(hello, { headers: tags });
    const waited = callSpans(o.spans()).find((s) => s.attributes['unfazed.rate_limit.wait_ms'] !== undefined);
    expect(waited?.attributes['unfazed.rate_limit.wait_ms']).toBeGreaterThan(0);
    expect(waited?.events.find((e) => e.name === 'unfazed.rate-limit.queued')?.attributes).toMatchObject({
      'unfazed.why': 'requests',
    });
    expect(
      await o.count('unfazed.rate_limit.wait', { 'unfazed.why': 'requests', 'unfazed.feature': 'search' }),
    ).toBe(1);
    const warning = o.logs.find((l) => (l.event as { action: string }).action === 'rate-limit-queued');
    expect(warning).toMatchObject({ level: 40, labels: { feature: 'search' }, unfazed: { why: 'requests' } });
    expect((warning?.unfazed as { wait_ms?: number } | undefined)?.wait_ms).toBeGreaterThan(0);
    expect(warning?.msg).toMatch(/^rate limited: waiting \d+ ms for requests on gpt-4o-mini$/);
  });

  it('a 429 retried on the server’s retry-after: delay source, cooldown counter, a rate-limit warning', async () => {
    const { client, o } = await start(
      { rpm: 1, windowMs: 300, retryAfter: 'ms' },
      {
        rateLimit: { learnFromHeaders: false, rpm: 1_000, windowMs: 300 },
        retry: { baseDelayMs: 5, maxDelayMs: 20, budget: false },
      },
    );
    await client.chat.completions.create(hello);
    await client.chat.completions.create(hello);
    const retried = callSpans(o.spans())[1];
    expect(retried?.attributes['unfazed.retry.delay_source']).toBe('retry-after');
    expect(
      await o.sum('unfazed.retries', {
        'unfazed.delay_source': 'retry-after',
        'unfazed.reason': 'rate_limit_requests',
      }),
    ).toBeGreaterThan(0);
    expect(await o.sum('unfazed.attempts', { 'unfazed.status': '429' })).toBeGreaterThan(0);
    expect(
      await o.sum('unfazed.rate_limit.cooldowns', {
        'unfazed.key': 'gpt-4o-mini',
        'unfazed.hint_source': 'retry-after',
      }),
    ).toBeGreaterThan(0);
    const cooldown = o.logs.find((l) => (l.event as { action: string }).action === 'rate-limit-cooldown');
    expect(cooldown).toMatchObject({ level: 40, unfazed: { hint_source: 'retry-after' } });
    const warning = o.logs.find((l) => (l.event as { action: string }).action === 'retry-scheduled');
    expect(warning).toMatchObject({
      level: 40,
      error: { type: 'rate_limit_requests' },
      unfazed: { delay_source: 'retry-after' },
    });
  });

  it('a model fallback: the model switched to, the response model, the fallbacks counter', async () => {
    const { client, o } = await start({}, { fallback: { models: { 'gpt-4o': ['gpt-4o-mini'] } } });
    resilienceOf(client)?.stages.breaker &&
      (resilienceOf(client)!.stages.breaker as unknown as { isolate(k: string): void }).isolate('gpt-4o');
    const answer = await client.chat.completions.create({ ...hello, model: 'gpt-4o' }, { headers: tags });
    await new Promise((r) => setTimeout(r, 20));
    const span = only(callSpans(o.spans()), () => true);
    expect(span.name).toBe('chat gpt-4o');
    expect(span.attributes).toMatchObject({
      'unfazed.outcome': 'success',
      'unfazed.fallback': 'model',
      'unfazed.fallback.model': 'gpt-4o-mini',
      'gen_ai.request.model': 'gpt-4o',
      'gen_ai.response.model': answer.model,
    });
    expect(answer.model).toMatch(/^gpt-4o-mini/);
    expect(
      await o.sum('unfazed.fallbacks', {
        'unfazed.fallback': 'model',
        'gen_ai.request.model': 'gpt-4o',
        'unfazed.to': 'gpt-4o-mini',
        'unfazed.reason': 'circuit_open',
      }),
    ).toBe(1);
    expect(
      await o.sum('unfazed.calls', { 'gen_ai.request.model': 'gpt-4o', 'unfazed.outcome': 'success' }),
    ).toBe(1);
  });

  it('a stand-in answer of fallback(): outcome "fallback", the fallbacks counter', async () => {
    const stand = { id: 'cached-1', object: 'chat.completion', model: 'cache', created: 0, choices: [] };
    const { client, o } = await start(
      { faults: [{ kind: 'status', status: 503, rate: 1 }] },
      { retry: false, fallback: fallback({ value: stand }) },
    );
    const answer = await client.chat.completions.create(hello, { headers: tags });
    expect(answer.id).toBe('cached-1');
    const span = only(callSpans(o.spans()), () => true);
    expect(span.attributes).toMatchObject({ 'unfazed.outcome': 'fallback', 'unfazed.fallback': 'value' });
    expect(span.attributes['unfazed.status']).toBeUndefined();
    expect(
      await o.sum('unfazed.fallbacks', { 'unfazed.fallback': 'value', 'unfazed.reason': 'overloaded' }),
    ).toBe(1);
    expect(await o.sum('unfazed.calls', { 'unfazed.outcome': 'fallback' })).toBe(1);
  });

  it('a stream: the span ends when the stream is read, with usage and the time to first chunk', async () => {
    const { client, o } = await start({ latencyMs: 30, chunkDelayMs: 2 });
    const stream = await client.chat.completions.create({ ...hello, stream: true }, { headers: tags });
    // Headers are in, the body is not: the call is not over yet.
    expect(callSpans(o.spans())).toHaveLength(0);
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
    expect(text.length).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 10));
    const span = only(callSpans(o.spans()), () => true);
    expect(span.attributes).toMatchObject({
      'gen_ai.request.stream': true,
      'unfazed.outcome': 'success',
      'unfazed.answer': 'read',
    });
    expect(span.attributes['gen_ai.usage.output_tokens']).toBeGreaterThan(0);
    const ttfc = span.attributes['gen_ai.response.time_to_first_chunk'] as number;
    expect(ttfc).toBeGreaterThanOrEqual(0.03);
    expect(
      await o.count('gen_ai.client.operation.time_to_first_chunk', { 'gen_ai.request.model': 'gpt-4o-mini' }),
    ).toBe(1);
    const [duration] = await o.points(DURATION);
    expect(hist(duration).sum).toBeGreaterThanOrEqual(ttfc);
  });

  it('a stream that breaks after 200: the call fails with the stream’s reason', async () => {
    const { client, o } = await start({ faults: [{ kind: 'stream-error', afterChunks: 1 }] });
    const stream = await client.chat.completions.create({ ...hello, stream: true });
    await failure(
      (async () => {
        for await (const _ of stream) {
          // read until it breaks
        }
      })(),
    );
    await new Promise((r) => setTimeout(r, 10));
    const span = only(callSpans(o.spans()), () => true);
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.attributes).toMatchObject({
      'unfazed.outcome': 'failure',
      'unfazed.category': 'transient',
      'unfazed.reason': 'server_error',
      'gen_ai.request.stream': true,
    });
    expect(span.events.map((e) => e.name)).toContain('unfazed.openai.stream-failed');
    expect(
      await o.sum('unfazed.calls', { 'unfazed.outcome': 'failure', 'unfazed.reason': 'server_error' }),
    ).toBe(1);
  });
});
