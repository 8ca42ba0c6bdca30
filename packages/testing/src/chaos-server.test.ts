import OpenAI, { type APIError } from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { type ChaosServer, type ChaosServerOptions, startChaosServer } from './index.ts';

let server: ChaosServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(options?: ChaosServerOptions) {
  server = await startChaosServer(options);
  const client = new OpenAI({ apiKey: 'sk-test', baseURL: server.url, maxRetries: 0 });
  return { server, client };
}

const hello = { model: 'gpt-4o-mini', messages: [{ role: 'user' as const, content: 'Hello there, chaos!' }] };

describe('OpenAI endpoints through the real SDK', () => {
  it('answers a chat completion with realistic usage and headers', async () => {
    const { client, server } = await start();
    const { data, response, request_id } = await client.chat.completions
      .create({ ...hello, max_tokens: 50 })
      .withResponse();
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    expect(data.object).toBe('chat.completion');
    expect(data.model).toBe('gpt-4o-mini');
    expect(data.choices[0]?.message.role).toBe('assistant');
    expect(data.choices[0]?.message.content?.length).toBeGreaterThan(0);
    // 'Hello there, chaos!' is 19 characters → ceil(19 / 4) = 5 prompt tokens.
    expect(data.usage?.prompt_tokens).toBe(5);
    expect(data.usage?.completion_tokens).toBeGreaterThan(0);
    expect(data.usage?.completion_tokens).toBeLessThanOrEqual(50);
    expect(data.usage?.total_tokens).toBe(5 + (data.usage?.completion_tokens ?? 0));
    expect(request_id).toMatch(/^req_[0-9a-f]{32}$/);
    expect(Number(response.headers.get('openai-processing-ms'))).toBeGreaterThanOrEqual(0);
  });

  it('caps completion tokens at max_tokens', async () => {
    const { client } = await start();
    const data = await client.chat.completions.create({ ...hello, max_completion_tokens: 2 });
    expect(data.usage?.completion_tokens).toBe(2);
    expect(data.choices[0]?.finish_reason).toBe('length');
  });

  it('streams chunks, a final usage chunk and [DONE]', async () => {
    const { client, server } = await start({ rpm: 10 });
    const stream = await client.chat.completions.create({
      ...hello,
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    const chunks: OpenAI.ChatCompletionChunk[] = [];
    for await (const chunk of stream) {
      chunks.push(chunk);
      text += chunk.choices[0]?.delta.content ?? '';
    }
    const last = chunks.at(-1);
    expect(last?.choices).toEqual([]);
    expect(last?.usage?.prompt_tokens).toBe(5);
    expect(last?.usage?.completion_tokens).toBe(text.split(/(?=[ ,.])/).length);
    expect(chunks[0]?.choices[0]?.delta.role).toBe('assistant');
    expect(chunks.at(-2)?.choices[0]?.finish_reason).toBe('stop');
    expect(chunks.slice(0, -1).every((c) => c.usage === null)).toBe(true);
    expect(server.stats().requests[0]).toMatchObject({
      status: 200,
      stream: true,
      path: '/v1/chat/completions',
    });
  });

  it('ends a usage stream with the usage chunk, then data: [DONE], as OpenAI does', async () => {
    const { server } = await start();
    const response = await fetch(`${server.url}/chat/completions`, {
      method: 'POST',
      headers: { authorization: 'Bearer sk-test', 'content-type': 'application/json' },
      body: JSON.stringify({ ...hello, stream: true, stream_options: { include_usage: true } }),
    });
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const frames = (await response.text()).split('\n\n').filter(Boolean);
    expect(frames.at(-1)).toBe('data: [DONE]');
    const payloads = frames.slice(0, -1).map((f) => JSON.parse(f.replace(/^data: /, '')));
    expect(payloads.at(-1)).toMatchObject({
      object: 'chat.completion.chunk',
      choices: [],
      usage: { prompt_tokens: 5 },
    });
    expect(payloads.at(-2)?.choices[0]?.finish_reason).toBe('stop');
    expect(payloads.slice(0, -1).every((p) => p.usage === null && p.choices.length === 1)).toBe(true);
  });

  it('streams without a usage chunk unless asked', async () => {
    const { client } = await start();
    const chunks: OpenAI.ChatCompletionChunk[] = [];
    for await (const chunk of await client.chat.completions.create({ ...hello, stream: true }))
      chunks.push(chunk);
    expect(chunks.length).toBeGreaterThan(2);
    expect(chunks.every((c) => c.usage === undefined && c.choices.length === 1)).toBe(true);
  });

  it('serves embeddings as floats and as the SDK-default base64', async () => {
    const { client } = await start();
    const decoded = await client.embeddings.create({
      model: 'text-embedding-3-small',
      input: ['alpha', 'beta gamma'],
    });
    expect(decoded.data).toHaveLength(2);
    expect(decoded.data[0]?.embedding).toHaveLength(16);
    // 5 + 10 characters in total → ceil(15 / 4) = 4.
    expect(decoded.usage.prompt_tokens).toBe(4);
    const norm = Math.hypot(...(decoded.data[0]?.embedding ?? []));
    expect(norm).toBeCloseTo(1, 4);
    const floats = await client.embeddings.create({
      model: 'text-embedding-3-small',
      input: 'alpha',
      encoding_format: 'float',
      dimensions: 4,
    });
    expect(floats.data[0]?.embedding).toHaveLength(4);
    const again = await client.embeddings.create({ model: 'text-embedding-3-small', input: 'alpha' });
    expect(again.data[0]?.embedding).toEqual(decoded.data[0]?.embedding);
  });

  it('serves the Responses API, JSON and streamed', async () => {
    const { client } = await start();
    const response = await client.responses.create({
      model: 'gpt-4o-mini',
      instructions: 'Be brief.',
      input: 'Say hi',
      max_output_tokens: 40,
    });
    expect(response.status).toBe('completed');
    expect(response.output_text.length).toBeGreaterThan(0);
    // 'Say hi' (6) + 'Be brief.' (9) = 15 characters → 4 tokens.
    expect(response.usage?.input_tokens).toBe(4);
    const stream = await client.responses.create({ model: 'gpt-4o-mini', input: 'Say hi', stream: true });
    let deltas = '';
    let completed: OpenAI.Responses.Response | undefined;
    for await (const event of stream) {
      if (event.type === 'response.output_text.delta') deltas += event.delta;
      if (event.type === 'response.completed') completed = event.response;
    }
    const message = completed?.output[0] as { content: { text: string }[] } | undefined;
    expect(deltas).toBe(message?.content[0]?.text);
    expect(deltas.length).toBeGreaterThan(0);
    expect(completed?.usage?.input_tokens).toBe(2);
  });

  it('rejects a bad key with 401 invalid_api_key and a missing key with 401', async () => {
    const { server } = await start({ keys: ['sk-good'] });
    const bad = new OpenAI({ apiKey: 'sk-wrong-key-1234', baseURL: server.url, maxRetries: 0 });
    const error = await bad.chat.completions.create(hello).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
    expect((error as APIError).code).toBe('invalid_api_key');
    expect((error as APIError).message).toContain('Incorrect API key provided: sk-**********1234.');
    const raw = await fetch(`${server.url}/chat/completions`, {
      method: 'POST',
      body: JSON.stringify(hello),
    });
    expect(raw.status).toBe(401);
    expect(((await raw.json()) as { error: { type: string } }).error.type).toBe('invalid_request_error');
    const good = new OpenAI({ apiKey: 'sk-good', baseURL: server.url, maxRetries: 0 });
    await expect(good.chat.completions.create(hello)).resolves.toMatchObject({ object: 'chat.completion' });
    expect(server.stats().byStatus).toEqual({ 200: 1, 401: 2 });
  });

  it("records each request's model and x-client-request-id", async () => {
    const { client, server } = await start();
    await client.chat.completions.create(hello, { headers: { 'x-client-request-id': 'client-req-1' } });
    await client.embeddings.create({ model: 'text-embedding-3-small', input: 'x' });
    await client.chat.completions.create({ messages: [] } as never).catch(() => undefined);
    const [first, second, third] = server.stats().requests;
    expect(first).toMatchObject({ model: 'gpt-4o-mini', clientRequestId: 'client-req-1', status: 200 });
    expect(second).toMatchObject({ model: 'text-embedding-3-small', status: 200 });
    expect(second).not.toHaveProperty('clientRequestId');
    expect(third).toMatchObject({ status: 400 });
    expect(third).not.toHaveProperty('model');
  });

  it('answers unknown paths with 404 and bad bodies with 400', async () => {
    const { client, server } = await start();
    await expect(client.post('/nope', { body: {} })).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    await expect(client.chat.completions.create({ messages: [] } as never)).rejects.toBeInstanceOf(
      OpenAI.BadRequestError,
    );
    expect(server.stats().byStatus).toEqual({ 400: 1, 404: 1 });
  });
});
