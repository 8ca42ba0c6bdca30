import { createResilientClient } from '@unfazed/openai-adapter';
import { type ChaosServer, startChaosServer } from '@unfazed/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { type TelemetryOptions, telemetry } from '../src/index.ts';
import { callSpans, type Observed, observe } from './harness.ts';

const KEY = 'sk-proj-PRIVACY-k3y-9f8e7d6c5b4a3210';
const WRONG_KEY = 'sk-proj-WRONG-k3y-0a1b2c3d4e5f6789';
const PROMPT = 'My account number is 4242-4242 and my secret plan is to visit Antarctica';
const USER = 'alice@example.com';
const body = { model: 'gpt-4o-mini', messages: [{ role: 'user' as const, content: PROMPT }], max_tokens: 16 };
const headers = { 'x-unfazed-tag-feature': 'support-chat', 'x-unfazed-tag-user': USER };

let server: ChaosServer | undefined;
let o: Observed | undefined;
afterEach(async () => {
  await server?.close();
  await o?.shutdown();
});

/**
 * Runs a mix of calls and returns everything exported: a retried 5xx (whose retry hook throws an
 * error quoting the key), a success, a stream, a 401, and a proxy's 502 that echoes the key and
 * the Authorization header in its message.
 */
async function traffic(t: TelemetryOptions): Promise<string> {
  const chaos = await startChaosServer({ keys: [KEY], faults: [{ kind: 'status', status: 500, rate: 1 }] });
  server = chaos;
  o = observe();
  const options = {
    tracerProvider: o.tracerProvider,
    meterProvider: o.meterProvider,
    logger: o.logger,
    ...t,
  };
  const client = createResilientClient({
    apiKey: KEY,
    baseURL: server.url,
    retry: {
      baseDelayMs: 30,
      jitter: 'none',
      onRetry: () => {
        throw new Error(`my hook logged in with ${KEY}`);
      },
    },
    telemetry: telemetry(options),
    // The first attempt meets the 500; every later one is served.
    fetch: async (input, init) => {
      const response = await fetch(input, init);
      chaos.setFaults([]);
      return response;
    },
  });
  await client.chat.completions.create(body, { headers }).catch(() => {});
  await client.chat.completions.create(body, { headers });
  const stream = await client.chat.completions.create({ ...body, stream: true }, { headers });
  for await (const _ of stream) {
    // read it all
  }
  const wrong = createResilientClient({
    apiKey: WRONG_KEY,
    baseURL: server.url,
    telemetry: telemetry(options),
  });
  await wrong.chat.completions.create(body, { headers }).catch(() => {});
  const echo = `upstream refused api_key=${KEY} (Authorization: Bearer ${KEY})`;
  server.setFaults([
    { kind: 'status', status: 502, body: { error: { message: echo, type: 'proxy_error' } } },
  ]);
  const once = createResilientClient({
    apiKey: KEY,
    baseURL: server.url,
    retry: false,
    telemetry: telemetry(options),
  });
  await once.chat.completions.create(body, { headers }).catch(() => {});
  await new Promise((r) => setTimeout(r, 20));
  expect(callSpans(o.spans()).length).toBe(5);
  // What would have leaked was there to leak: the hook failed, the proxy's message was recorded (redacted).
  expect(o.spans().some((s) => s.events.some((e) => e.name === 'unfazed.hook.failed'))).toBe(true);
  expect(await o.sum('unfazed.hook.failures', { 'unfazed.hook': 'onRetry', 'unfazed.source': 'retry' })).toBe(
    1,
  );
  expect(
    o.logs.some((l) =>
      String((l.error as { message?: string } | undefined)?.message).includes('upstream refused'),
    ),
  ).toBe(true);
  expect(o.logs.some((l) => l.level === 50)).toBe(true);
  return o.everything();
}

const secretParts = (key: string) => [key, key.slice(8), key.slice(-12)];

describe('what telemetry never records', () => {
  it('no API key (not even in the 401’s message), no Authorization, no prompt text, no user id: by default', async () => {
    const all = await traffic({});
    for (const part of [...secretParts(KEY), ...secretParts(WRONG_KEY)]) expect(all).not.toContain(part);
    expect(all.toLowerCase()).not.toContain('bearer');
    expect(all).not.toContain('Antarctica');
    expect(all).not.toContain('4242-4242');
    expect(all).not.toContain(USER);
    expect(all).not.toContain('unfazed.user');
    // …while the scan does see what is recorded: the feature, and the 401 itself.
    expect(all).toContain('support-chat');
    expect(all).toContain('authentication');
  });

  it('the scan finds the prompt when recordContent opts in (and still no key), so its silence above means something', async () => {
    const all = await traffic({ recordContent: true });
    expect(all).toContain('Antarctica');
    for (const part of [...secretParts(KEY), ...secretParts(WRONG_KEY)]) expect(all).not.toContain(part);
    const span = callSpans(o!.spans())[0];
    expect(JSON.parse(String(span?.attributes['gen_ai.input.messages']))).toEqual(body.messages);
  });

  it('captureUser "hash": a salted hash on spans and log lines, a bucket on metrics, never the id', async () => {
    const all = await traffic({ captureUser: 'hash', userSalt: 'pepper', userBuckets: 8 });
    expect(all).not.toContain(USER);
    const spans = callSpans(o!.spans());
    const hash = spans[0]?.attributes['unfazed.user'];
    expect(hash).toMatch(/^[0-9a-f]{16}$/);
    expect(new Set(spans.map((s) => s.attributes['unfazed.user']))).toEqual(new Set([hash]));
    expect(
      o!.logs.filter((l) => l.user !== undefined).every((l) => (l.user as { id: string }).id === hash),
    ).toBe(true);
    const calls = await o!.points('unfazed.calls');
    const buckets = new Set(calls.map((p) => p.attributes['unfazed.user.bucket']));
    expect(buckets.size).toBe(1);
    expect(Number([...buckets][0])).toBeLessThan(8);
    // Only the call counter carries the bucket: histograms stay per model and feature.
    expect(
      (await o!.points('gen_ai.client.operation.duration')).some(
        (p) => 'unfazed.user.bucket' in p.attributes,
      ),
    ).toBe(false);
  });

  it('another salt, another hash: hashes cannot be matched across services without the salt', async () => {
    await traffic({ captureUser: 'hash', userSalt: 'pepper' });
    const first = callSpans(o!.spans())[0]?.attributes['unfazed.user'];
    await server?.close();
    await o?.shutdown();
    await traffic({ captureUser: 'hash', userSalt: 'salt' });
    expect(callSpans(o!.spans())[0]?.attributes['unfazed.user']).not.toBe(first);
  });

  it('captureUser "raw-in-spans": the raw id on spans only; log lines and metrics keep the hash and the bucket', async () => {
    await traffic({ captureUser: 'raw-in-spans', userSalt: 'pepper' });
    expect(callSpans(o!.spans()).every((s) => s.attributes['unfazed.user'] === USER)).toBe(true);
    expect(JSON.stringify(o!.logs)).not.toContain(USER);
    expect(JSON.stringify(await o!.metrics())).not.toContain(USER);
  });
});
