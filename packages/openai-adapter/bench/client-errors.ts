// How fast a client error comes back: a bad API key and insufficient_quota, N calls each (200 unless
// given as the first argument) through
// createResilientClient() and through the plain SDK, against a local chaos server that answers at
// once (what is measured is the client's own time: one attempt, no wait).
//   node packages/openai-adapter/bench/client-errors.ts [calls]
// (the SDK retries insufficient_quota twice with its own backoff, about 1.3 s a call)
import { startChaosServer } from '@unfazed/testing';
import OpenAI from 'openai';
import { createResilientClient } from '../src/index.ts';

const calls = Number(process.argv[2] ?? 200);
const body = { model: 'gpt-4o-mini', messages: [{ role: 'user' as const, content: 'Hi' }] };
const p = (xs: number[], q: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))]!;

async function measure(
  label: string,
  make: (baseURL: string) => OpenAI,
  server: Awaited<ReturnType<typeof startChaosServer>>,
) {
  const client = make(server.url);
  const ms: number[] = [];
  for (let i = 0; i < calls; i++) {
    const t = performance.now();
    await client.chat.completions.create(body).catch(() => {});
    ms.push(performance.now() - t);
  }
  const attempts = server.stats().total / calls;
  server.reset();
  return {
    case: label,
    attemptsPerCall: attempts,
    p50: +p(ms, 0.5).toFixed(2),
    p99: +p(ms, 0.99).toFixed(2),
  };
}

const badKey = await startChaosServer({ keys: ['sk-the-valid-key-0000000000'] });
const quota = await startChaosServer({ insufficientQuota: true });
const rows = [];
for (const [name, server] of [
  ['bad key', badKey],
  ['insufficient_quota', quota],
] as const) {
  rows.push(
    await measure(
      `${name}: openai SDK`,
      (baseURL) => new OpenAI({ apiKey: 'sk-revoked-key-000000000000', baseURL }),
      server,
    ),
  );
  rows.push(
    await measure(
      `${name}: createResilientClient`,
      (baseURL) => createResilientClient({ apiKey: 'sk-revoked-key-000000000000', baseURL }),
      server,
    ),
  );
}
console.table(rows);
await badKey.close();
await quota.close();
