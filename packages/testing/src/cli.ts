#!/usr/bin/env node
// `unfazed-chaos`: the chaos server alone, for services in any language. Exit status: 0 after a
// clean stop (SIGINT, SIGTERM), 2 for a bad flag or option.
import { startChaosServer } from './chaos-server.ts';
import { HELP, parseCli } from './cli-args.ts';
import type { ChaosCounts } from './stats.ts';

const counts = (c: ChaosCounts) => {
  const statuses = Object.entries(c.byStatus).map(([status, n]) => `${status}: ${n}`);
  const faults = Object.entries(c.byFault).map(([kind, n]) => `${kind}: ${n}`);
  return `${c.total} requests${statuses.length ? ` (${statuses.join(', ')})` : ''}${
    faults.length ? `, faults ${faults.join(', ')}` : ''
  }`;
};

let request: ReturnType<typeof parseCli>;
try {
  request = parseCli(process.argv.slice(2), process.cwd());
} catch (err) {
  process.stderr.write(
    `unfazed-chaos: ${(err as Error).message}\nRun unfazed-chaos --help for the options.\n`,
  );
  process.exit(2);
}
if (request.help) {
  process.stdout.write(`${HELP}\n`);
  process.exit(0);
}

let server: Awaited<ReturnType<typeof startChaosServer>>;
try {
  server = await startChaosServer(request.options);
} catch (err) {
  process.stderr.write(`unfazed-chaos: ${(err as Error).message}\n`);
  process.exit(2);
}
const chaos = server;
process.stdout.write(`${chaos.url}\n`);
process.stderr.write(
  `unfazed-chaos listening on ${chaos.url}\n  export OPENAI_BASE_URL=${chaos.url}\n  (any API key starting with sk- unless --keys says otherwise; Ctrl-C stops)\n`,
);

const ticker =
  request.statsEveryMs === undefined
    ? undefined
    : setInterval(() => process.stderr.write(`${counts(chaos.stats())}\n`), request.statsEveryMs);

let stopping = false;
const stop = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  if (ticker) clearInterval(ticker);
  const stats = chaos.stats();
  await chaos.close();
  process.stderr.write(`unfazed-chaos: ${signal}, stopped after ${counts(stats)}\n`);
  process.exitCode = 0;
};
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));
