// What createResilientClient() costs per call on top of the bare openai SDK, with the network out
// of the picture: both clients get the same in-process fetch that answers at once.
//   node packages/openai-adapter/bench/adapter.bench.ts   (or `pnpm bench adapter`)
// Importable by the root runner: `run()` returns rows { name, nsPerOp, p50Ns, opsPerSec }.
import { pathToFileURL } from 'node:url';
import OpenAI from 'openai';
import { Bench } from 'tinybench';
import { type BenchRow, tinybenchRows } from '../../../bench/tinybench-rows.ts';
import { createResilientClient } from '../src/index.ts';

const completion = JSON.stringify({
  id: 'chatcmpl-1',
  object: 'chat.completion',
  created: 1,
  model: 'gpt-4o-mini',
  choices: [
    { index: 0, message: { role: 'assistant', content: 'Hi!' }, finish_reason: 'stop', logprobs: null },
  ],
  usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 },
});
const headers = {
  'content-type': 'application/json',
  'x-request-id': 'req_1',
  'x-ratelimit-limit-requests': '1000000000',
  'x-ratelimit-remaining-requests': '999999999',
  'x-ratelimit-reset-requests': '1ms',
  'x-ratelimit-limit-tokens': '1000000000000',
  'x-ratelimit-remaining-tokens': '999999999999',
  'x-ratelimit-reset-tokens': '1ms',
};
const answer: typeof fetch = async () => new Response(completion, { status: 200, headers });

export async function run(options: { timeMs?: number } = {}): Promise<BenchRow[]> {
  const common = { apiKey: 'sk-bench', baseURL: 'http://bench.invalid/v1', fetch: answer };
  const bare = new OpenAI({ ...common, maxRetries: 0 });
  const resilient = createResilientClient(common);
  const body = {
    model: 'gpt-4o-mini',
    messages: [{ role: 'user' as const, content: 'Hello there' }],
    max_tokens: 20,
  };
  const bench = new Bench({ time: options.timeMs ?? 1_000 });
  bench
    .add('openai SDK, bare (in-process fetch)', async () => {
      await bare.chat.completions.create(body);
    })
    .add('createResilientClient(), every stage at its defaults', async () => {
      await resilient.chat.completions.create(body);
    });
  await bench.run();
  return tinybenchRows(bench);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) console.table(await run());
