// Run by soak.test.ts in a child process: many calls through retry + breaker + bulkhead + timeout,
// then report what is left alive. It must exit on its own (no process.exit): a leaked ref'd
// timer or handle would keep it running and the test would time out.

import { getEventListeners } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { breaker, bulkhead } from '@unfazed/breaker';
import { HttpStatusError, pipeline } from '@unfazed/core';
import { retry, timeout } from '../src/index.ts';

const CALLS = Number(process.argv[2] ?? 300_000);
const CONCURRENCY = 256;

const circuit = breaker({ halfOpenAfterMs: 5 });
const p = pipeline(
  retry({ baseDelayMs: 1, maxDelayMs: 4, deadlineMs: 1_000 }),
  circuit,
  bulkhead({ limit: 64, queue: CONCURRENCY }),
  timeout({ ms: 500 }),
);

// One long-lived caller signal (think: a server's shutdown signal) shared by every call.
const shutdown = new AbortController();
let n = 0;
const outcomes = { ok: 0, failed: 0 };
const failure = new HttpStatusError({ status: 503 });
const call = (i: number) =>
  p.execute(
    async () => {
      // About 0.25 % of attempts fail with a 503, so retries, backoff sleeps and the budget run too.
      if (i % 211 === 0 && Math.random() < 0.5) throw failure;
      return i;
    },
    { key: `model-${i % 50}`, signal: shutdown.signal },
  );

async function worker(): Promise<void> {
  while (n < CALLS) {
    const i = n++;
    try {
      await call(i);
      outcomes.ok++;
    } catch {
      outcomes.failed++;
    }
  }
}

const started = performance.now();
await Promise.all(Array.from({ length: CONCURRENCY }, worker));
const elapsedMs = performance.now() - started;
// The deadline and timeout wheels keep one listener on a busy parent signal; they drop it once
// idle for their duration (the housekeeping timer is unref'd, so this wait is ours, not theirs).
const listenersAtEnd = getEventListeners(shutdown.signal, 'abort').length;
await sleep(1_200);
process.stdout.write(
  `${JSON.stringify({
    calls: CALLS,
    ...outcomes,
    elapsedMs: Math.round(elapsedMs),
    listenersAtEnd,
    listenersAfterIdle: getEventListeners(shutdown.signal, 'abort').length,
    activeResources: process.getActiveResourcesInfo(),
  })}\n`,
);
