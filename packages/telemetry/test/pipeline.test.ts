import { retry } from '@unfazed/backoff';
import { type AnswerSummary, callInfoMeta, pipeline, recordResponse, VirtualClock } from '@unfazed/core';
import { type ChaosServer, startChaosServer } from '@unfazed/testing';
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { telemetry } from '../src/index.ts';
import { callSpans, hist, type Observed, observe } from './harness.ts';

let server: ChaosServer | undefined;
let o: Observed | undefined;
afterEach(async () => {
  await server?.close();
  await o?.shutdown();
  server = undefined;
  o = undefined;
});

const body = {
  model: 'gpt-4o-mini',
  messages: [{ role: 'user' as const, content: 'Hello' }],
  max_tokens: 12,
};

describe('telemetry() in a pipeline of your own', () => {
  it('around the SDK with recordResponse: usage and status from what the call recorded, the call named from its body', async () => {
    server = await startChaosServer();
    o = observe();
    const client = new OpenAI({ apiKey: 'sk-pipeline-test-key-000', baseURL: server.url, maxRetries: 0 });
    const p = pipeline(
      telemetry({ tracerProvider: o.tracerProvider, meterProvider: o.meterProvider }),
      retry(),
    );
    const answer = await p.execute(
      async (ctx) => {
        const { data, response } = await client.chat.completions
          .create(body, { signal: ctx.signal })
          .withResponse();
        recordResponse(ctx, { status: response.status, headers: response.headers, usage: data.usage });
        return data;
      },
      { request: body, key: body.model, tags: { feature: 'summaries' } },
    );
    const [span] = callSpans(o.spans());
    expect(span?.name).toBe('chat gpt-4o-mini');
    expect(span?.attributes).toMatchObject({
      'openai.api.type': 'chat_completions',
      'gen_ai.usage.input_tokens': answer.usage?.prompt_tokens,
      'gen_ai.usage.output_tokens': answer.usage?.completion_tokens,
      'unfazed.status': 200,
      'unfazed.answer': 'returned',
      'unfazed.feature': 'summaries',
    });
    expect(await o.count('gen_ai.client.token.usage', { 'gen_ai.token.type': 'output' })).toBe(1);
  });

  it('callInfoMeta names the operation: an embeddings call', async () => {
    o = observe();
    const p = pipeline(telemetry({ tracerProvider: o.tracerProvider, meterProvider: o.meterProvider }));
    const info = {
      operation: 'embeddings',
      api: 'embeddings',
      provider: 'azure.ai.openai',
      model: 'text-embedding-3-small',
    };
    await p.execute(async () => [0.1], { meta: [callInfoMeta(info)], request: { input: 'x' } });
    const [span] = callSpans(o.spans());
    expect(span?.name).toBe('embeddings text-embedding-3-small');
    expect(span?.attributes).toMatchObject({
      'gen_ai.provider.name': 'azure.ai.openai',
      'gen_ai.operation.name': 'embeddings',
    });
    expect(span?.attributes['openai.api.type']).toBeUndefined(); // an inference attribute only
  });

  it('an answer nobody reads: the span ends after answerTimeoutMs as "unread", and no timer is left', async () => {
    o = observe();
    const clock = new VirtualClock(1_000_000);
    const p = pipeline(
      telemetry({
        tracerProvider: o.tracerProvider,
        meterProvider: o.meterProvider,
        answerTimeoutMs: 60_000,
      }),
    ).with({ clock });
    const never = new Promise<AnswerSummary>(() => {});
    await p.execute(
      async (ctx) => {
        recordResponse(ctx, { status: 200, answer: never });
        return 'stream';
      },
      { request: { ...body, stream: true } },
    );
    expect(callSpans(o.spans())).toHaveLength(0);
    expect(clock.pendingTimers).toBe(1);
    await clock.advance(60_000);
    const [span] = callSpans(o.spans());
    expect(span?.attributes['unfazed.answer']).toBe('unread');
    expect(clock.pendingTimers).toBe(0);
    const [duration] = await o.points('gen_ai.client.operation.duration');
    expect(hist(duration).sum).toBe(60);
  });

  it('an answer that settles cancels its timer', async () => {
    o = observe();
    const clock = new VirtualClock(0);
    const p = pipeline(telemetry({ tracerProvider: o.tracerProvider, meterProvider: o.meterProvider })).with({
      clock,
    });
    let settle!: (s: AnswerSummary) => void;
    const answer = new Promise<AnswerSummary>((resolve) => {
      settle = resolve;
    });
    await p.execute(
      async (ctx) => {
        recordResponse(ctx, { status: 200, answer });
        return 'stream';
      },
      { request: { ...body, stream: true } },
    );
    await clock.advance(2_500);
    settle({
      usage: { prompt_tokens: 3, completion_tokens: 5 },
      firstChunkMs: 400,
      model: 'gpt-4o-mini-2024',
    });
    await new Promise((r) => setTimeout(r, 1));
    expect(clock.pendingTimers).toBe(0);
    const [span] = callSpans(o.spans());
    expect(span?.attributes).toMatchObject({
      'unfazed.answer': 'read',
      'gen_ai.response.model': 'gpt-4o-mini-2024',
      'gen_ai.response.time_to_first_chunk': 0.4,
    });
    // Span times come from the pipeline's clock, as every duration does: 2.5 virtual seconds.
    expect(span?.duration).toEqual([2, 500_000_000]);
  });

  it('a logger that throws changes nothing', async () => {
    o = observe();
    const angry = {
      info: () => {
        throw new Error('disk full');
      },
      warn: () => {
        throw new Error('disk full');
      },
      error: () => {
        throw new Error('disk full');
      },
    };
    const p = pipeline(telemetry({ tracerProvider: o.tracerProvider, logger: angry }));
    const boom = new Error('the call failed');
    await expect(p.execute(() => Promise.reject(boom), { request: body })).rejects.toBe(boom);
    await expect(p.execute(async () => 7, { request: body })).resolves.toBe(7);
    expect(callSpans(o.spans())).toHaveLength(2);
  });
});
