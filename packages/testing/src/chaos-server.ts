import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type FaultWindow, pickFault, validateFaults } from './faults.ts';
import { baseHeaders, embeddingInputs, readBody, retryAfterHeaders, validateBody } from './http-helpers.ts';
import {
  insufficientQuotaBody,
  invalidApiKeyBody,
  invalidRequestBody,
  missingApiKeyBody,
  notFoundBody,
  rateLimitBody,
  requestTooLargeBody,
  serverErrorBody,
} from './openai-errors.ts';
import {
  chatCompletion,
  embeddingResponse,
  makeAnswer,
  openaiId,
  responseObject,
} from './openai-payloads.ts';
import { type ChaosServerOptions, resolveOptions } from './options.ts';
import { mulberry32 } from './prng.ts';
import { RateLimiter } from './rate-limiter.ts';
import { sseFrames } from './sse-frames.ts';
import { type ChaosRequestRecord, type ChaosStats, StatsCollector } from './stats.ts';
import { estimateTokenCost, outputLimit } from './token-cost.ts';

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

const ROUTES: Record<string, 'chat' | 'embeddings' | 'responses'> = {
  '/v1/chat/completions': 'chat',
  '/v1/embeddings': 'embeddings',
  '/v1/responses': 'responses',
};

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
 * const server = await startChaosServer({ rpm: 3, minuteMs: 1_000, faults: [{ kind: 'status', status: 503, rate: 0.2 }] });
 * const client = new OpenAI({ apiKey: 'sk-test', baseURL: server.url, maxRetries: 0 });
 * await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hi' }] });
 * console.log(server.stats().byStatus);
 * await server.close();
 */
export async function startChaosServer(options?: ChaosServerOptions): Promise<ChaosServer> {
  const o = resolveOptions(options);
  const limiter = new RateLimiter(o);
  const stats = new StatsCollector(o.maxLogEntries);
  let faults = o.faults;
  let insufficientQuota = o.insufficientQuota;
  let random = mulberry32(o.seed);
  let origin = o.now();
  let closed = false;
  const timers = new Set<NodeJS.Timeout>();
  const elapsed = () => Math.max(0, o.now() - origin);

  /** A real-time pause that a server close abandons (the socket is destroyed anyway). */
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      if (!(ms > 0)) return resolve();
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.add(timer);
    });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    const time = elapsed();
    const raw = await readBody(req);
    const path = new URL(req.url ?? '/', 'http://chaos').pathname;
    const requestId = openaiId('req_', 16);
    const gone = () => closed || res.destroyed || req.socket.destroyed;
    const record: ChaosRequestRecord = {
      time,
      key: '',
      path,
      status: 0,
      tokens: 0,
      requestId,
      stream: false,
    };
    let rateHeaders: Record<string, string> = {};

    const send = async (status: number, body: unknown, extra: Record<string, string> = {}, delayMs = 0) => {
      record.status = status;
      stats.record(record);
      await pause(o.latencyMs + delayMs);
      if (gone()) return;
      res.writeHead(status, {
        ...baseHeaders(requestId, started),
        ...rateHeaders,
        ...extra,
        'content-type': 'application/json',
      });
      res.end(JSON.stringify(body));
    };

    const auth = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '');
    const key = auth?.[1]?.trim() ?? '';
    record.key = key;
    if (!key) return send(401, missingApiKeyBody());
    if (!o.acceptKey(key)) return send(401, invalidApiKeyBody(key));
    const kind = ROUTES[path];
    if (req.method !== 'POST' || !kind) return send(404, notFoundBody(req.method ?? 'GET', path));

    let body: Record<string, unknown>;
    try {
      const parsed: unknown = JSON.parse(raw);
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
        throw new Error('not an object');
      body = parsed as Record<string, unknown>;
    } catch {
      return send(400, invalidRequestBody('We could not parse the JSON body of your request.'));
    }
    const problem = validateBody(kind, body);
    if (problem) return send(400, invalidRequestBody(problem.message, problem.param));

    const model = String(body.model);
    const streaming = kind !== 'embeddings' && body.stream === true;
    const cost = estimateTokenCost(kind, body, o.defaultOutputTokens);
    record.stream = streaming;
    record.tokens = cost.total;

    if (insufficientQuota) {
      record.rateLimit = 'insufficient-quota';
      rateHeaders = limiter.peek(key, o.now());
      return send(429, insufficientQuotaBody());
    }

    const fault = pickFault(faults, { elapsed: time, path, streaming }, random);
    if (fault) record.fault = fault.kind;
    if (fault?.kind === 'reset') {
      stats.record(record);
      await pause(o.latencyMs);
      req.socket.resetAndDestroy();
      return;
    }
    if (fault?.kind === 'hang') {
      stats.record(record);
      return;
    }
    if (fault?.kind === 'status') {
      rateHeaders = limiter.peek(key, o.now());
      return send(fault.status, fault.body ?? serverErrorBody(fault.status));
    }

    const decision = limiter.take(key, cost.total, o.now());
    rateHeaders = decision.headers;
    if (!decision.ok) {
      record.rateLimit = decision.reason;
      if (decision.reason === 'too-large') {
        return send(
          429,
          requestTooLargeBody({ model, limit: decision.limit, requested: decision.requested }),
        );
      }
      return send(
        429,
        rateLimitBody({ model, dimension: decision.reason, ...decision }),
        retryAfterHeaders(o.retryAfter, decision.waitMs),
      );
    }

    const delayMs = fault?.kind === 'slow' ? fault.delayMs : 0;
    if (kind === 'embeddings') {
      const inputs = embeddingInputs(body.input);
      const asked = body.dimensions;
      const dimensions =
        Number.isInteger(asked) && (asked as number) > 0
          ? Math.min(asked as number, 4096)
          : o.embeddingDimensions;
      const base64 = body.encoding_format === 'base64';
      return send(
        200,
        embeddingResponse({ inputs, model, dimensions, base64, promptTokens: cost.promptTokens }),
        {},
        delayMs,
      );
    }
    const answer = makeAnswer(
      kind === 'chat' ? 'chatcmpl-' : 'resp_',
      model,
      cost.promptTokens,
      outputLimit(body),
    );
    if (!streaming) {
      return send(200, kind === 'chat' ? chatCompletion(answer) : responseObject(answer, body), {}, delayMs);
    }

    record.status = 200;
    stats.record(record);
    await pause(o.latencyMs + delayMs);
    if (gone()) return;
    res.writeHead(200, {
      ...baseHeaders(requestId, started),
      ...rateHeaders,
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
    });
    res.flushHeaders();
    const { frames, errorFrame, end } = sseFrames(kind, answer, body);
    const errorAt = fault?.kind === 'stream-error' ? Math.min(fault.afterChunks ?? 2, frames.length) : -1;
    for (let i = 0; i <= frames.length; i++) {
      if (i > 0 && o.chunkDelayMs > 0) await pause(o.chunkDelayMs);
      if (gone()) return;
      if (i === errorAt) {
        res.end(errorFrame);
        return;
      }
      if (i < frames.length) res.write(frames[i]);
    }
    res.end(end);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
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
      closed = true;
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
    elapsed,
    stats: ({ intervalMs = o.statsIntervalMs } = {}) => {
      if (!(intervalMs > 0))
        throw new TypeError(`chaos server: intervalMs must be a number > 0, got ${intervalMs}`);
      return stats.snapshot(intervalMs);
    },
    setFaults(next) {
      faults = validateFaults(next);
    },
    setInsufficientQuota(on) {
      insufficientQuota = on;
    },
    reset() {
      limiter.clear();
      stats.clear();
      random = mulberry32(o.seed);
      origin = o.now();
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}
