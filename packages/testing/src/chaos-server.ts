import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { boolean, duration, readOptions } from '@unfazed/core/internal';
import { scheduleRule } from './fault-rules.ts';
import type { FaultWindow } from './faults.ts';
import { handleRequest } from './handle-request.ts';
import { serverErrorBody } from './openai-errors.ts';
import { type ChaosServerOptions, resolveOptions } from './options.ts';
import { mulberry32 } from './prng.ts';
import { RateLimiter } from './rate-limiter.ts';
import { readArg } from './rules.ts';
import type { ServerState } from './server-state.ts';
import { type ChaosStats, StatsCollector } from './stats.ts';

/** A running chaos server. Close it in `afterAll`/`afterEach`; it also supports `await using`. */
export interface ChaosServer {
  /** Base URL for the openai SDK, e.g. `http://127.0.0.1:53211/v1`. */
  readonly url: string;
  /** `http://127.0.0.1:PORT`, without the `/v1` prefix. */
  readonly origin: string;
  readonly port: number;
  /** Ms since the server started (or was last reset) on its clock: the time base of fault windows. */
  elapsed(): number;
  /** A snapshot of the counters and the request log; `intervalMs` overrides the timeline interval. */
  stats(options?: { intervalMs?: number }): ChaosStats;
  /** Replaces the fault schedule; windows keep counting from start/reset. Validated like the option. */
  setFaults(faults: readonly FaultWindow[]): void;
  /** Turns `insufficient_quota` mode on or off. */
  setInsufficientQuota(on: boolean): void;
  /** Refills every bucket, clears the stats, re-seeds the PRNG and restarts the fault-window clock. */
  reset(): void;
  /** Stops listening and destroys every open socket, hanging requests included. Idempotent. */
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

const onOff = boolean({ required: true });

/**
 * Starts an OpenAI-compatible server on 127.0.0.1 with per-key RPM/TPM limits (with OpenAI's
 * headers and 429 bodies), a seeded fault schedule and statistics, for testing clients against
 * the failures production brings. It serves `POST /v1/chat/completions` (JSON and SSE),
 * `/v1/embeddings` and `/v1/responses` (JSON and SSE).
 *
 * @example
 * import OpenAI from 'openai';
 * import { startChaosServer } from '@unfazed/testing';
 *
 * const server = await startChaosServer({ rpm: 3, windowMs: 1_000, faults: [{ kind: 'status', status: 503, rate: 0.2 }] });
 * const client = new OpenAI({ apiKey: 'sk-test', baseURL: server.url, maxRetries: 0 });
 * await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hi' }] });
 * console.log(server.stats().byStatus);
 * await server.close();
 */
export async function startChaosServer(options?: ChaosServerOptions): Promise<ChaosServer> {
  const o = resolveOptions(options);
  const timers = new Set<NodeJS.Timeout>();
  let origin = o.now();
  const s: ServerState = {
    o,
    limiter: new RateLimiter(o),
    stats: new StatsCollector(o.maxLogEntries),
    faults: o.faults,
    insufficientQuota: o.insufficientQuota,
    random: mulberry32(o.seed),
    closed: false,
    elapsed: () => Math.max(0, o.now() - origin),
    pause: (ms) =>
      new Promise<void>((resolve) => {
        if (!(ms > 0)) return resolve();
        const timer = setTimeout(() => {
          timers.delete(timer);
          resolve();
        }, ms);
        timers.add(timer);
      }),
  };

  const server = createServer((req, res) => {
    handleRequest(s, req, res).catch(() => {
      if (!res.headersSent && !res.destroyed) {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify(serverErrorBody(500)));
      } else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;

  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolve) => {
      s.closed = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      server.close(() => resolve());
      server.closeAllConnections();
    });
    return closing;
  };

  return {
    url: `http://127.0.0.1:${port}/v1`,
    origin: `http://127.0.0.1:${port}`,
    port,
    elapsed: s.elapsed,
    stats(options) {
      const { intervalMs } = readOptions('stats', options, {
        intervalMs: duration({ above: 0, default: o.statsIntervalMs }),
      });
      return s.stats.snapshot(intervalMs);
    },
    setFaults(faults) {
      s.faults = readArg('setFaults', 'faults', scheduleRule, faults);
    },
    setInsufficientQuota(on) {
      s.insufficientQuota = readArg('setInsufficientQuota', 'on', onOff, on);
    },
    reset() {
      s.limiter.clear();
      s.stats.clear();
      s.random = mulberry32(o.seed);
      origin = o.now();
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}
