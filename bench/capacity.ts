// How much of the account's quota each client turns into answers, and how many refusals it earns,
// offered twice what the limits allow: the plain openai SDK and createResilientClient() with no
// limits configured (it learns them from x-ratelimit-*), each against its own chaos server at
// 1000 RPM / 200k TPM, in one run of the lab (time ×5, so 3 minutes of traffic take 36 s).
//   node bench/capacity.ts        (or `pnpm bench capacity`)
// Importable by the root runner: `run()` returns one row per client.
import { pathToFileURL } from 'node:url';
import { builtInClients, runLab, type Scenario } from '@unfazed/lab';

const RPM = 1_000;
const TPM = 200_000;
const WINDOW_MS = 60_000;

// A 400-character prompt (100 tokens by the usual 4-characters estimate) and max_tokens 100:
// 200 tokens a request, so 1000 requests a minute meet both limits at once.
const storm: Scenario = {
  name: 'capacity',
  title: '2× the RPM and TPM limits',
  durationMs: 180_000,
  load: { rpm: 2 * RPM },
  server: { rpm: RPM, tpm: TPM, latencyMs: 300 },
  request: { messages: [{ role: 'user', content: 'Summarise this. '.repeat(25) }], max_tokens: 100 },
};

export async function run(): Promise<Record<string, string | number>[]> {
  const clients = builtInClients.filter((c) => c.id === 'openai-sdk' || c.id === 'unfazed');
  const result = await runLab({ scenarios: [storm], clients, timeScale: 5 });
  const scenario = result.scenarios[0]!;
  return scenario.results.map(({ run, summary }) => {
    // What the server could have served from its start to the last answer: a full bucket, then
    // its continuous refill.
    const lastOk = Math.max(0, ...run.calls.filter((c) => c.ok).map((c) => c.end));
    const capacity = RPM + (RPM * lastOk) / WINDOW_MS;
    return {
      client: run.client.label,
      calls: summary.calls,
      answered: summary.ok,
      'capacity used': `${((100 * summary.ok) / capacity).toFixed(1)} %`,
      'attempts/call': summary.attemptsPerCall.toFixed(2),
      '429s / attempts': `${((100 * summary.server.status429) / Math.max(1, summary.server.requests)).toFixed(2)} %`,
      'p99 (s)': (summary.latency.p99 / 1000).toFixed(1),
      'event loop p99 (ms, real)': scenario.loopDelay.p99.toFixed(0),
    };
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) console.table(await run());
