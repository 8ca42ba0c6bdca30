// A small HTTP service that answers questions through OpenAI, with Unfazed's resilience pipeline
// and telemetry, exporting metrics for Prometheus on GET /metrics. Run it:
//   OPENAI_API_KEY=sk-… node examples/telemetry-service/service.ts
// then `curl -XPOST localhost:8080/ask -d '{"question":"Hi","user":"u1"}'` and scrape :8080/metrics.
// The monitoring kit's test (packages/telemetry/test/monitoring.test.ts) runs it against the chaos
// server with a real Prometheus and Alertmanager.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { ResilienceError } from '@unfazed/core';
import { createResilientClient, type ResilientClientOptions, withCallTags } from '@unfazed/openai-adapter';
import { type TelemetryLogger, telemetry } from '@unfazed/telemetry';

export interface ServiceOptions {
  /** Port to listen on. @default 8080 (0: any free port) */
  port?: number;
  /** Where OpenAI is (the chaos server in tests). @default the SDK's: OPENAI_BASE_URL or api.openai.com */
  baseURL?: string;
  /** @default OPENAI_API_KEY */
  apiKey?: string;
  /** Model of the main flow (`POST /ask`). @default 'gpt-4o-mini' */
  model?: string;
  /** Model of the minor feature (`POST /suggest`, embeddings). @default 'text-embedding-3-small' */
  embeddingModel?: string;
  /** Structured logs (pino). @default none */
  logger?: TelemetryLogger;
  /** Stage options of the resilience pipeline (tests shorten backoffs and the breaker's wait). */
  resilience?: Pick<ResilientClientOptions, 'retry' | 'breaker' | 'rateLimit' | 'fallback' | 'clock'>;
}

export interface Service {
  readonly url: string;
  close(): Promise<void>;
}

/** Starts the service; resolves once it listens. */
export async function startService(options: ServiceOptions = {}): Promise<Service> {
  // Metrics go to Prometheus through the exporter's request handler, on this service's own port.
  const exporter = new PrometheusExporter({ preventServerStart: true });
  const meterProvider = new MeterProvider({
    resource: resourceFromAttributes({ 'service.name': 'telemetry-service' }),
    readers: [exporter],
  });
  const client = createResilientClient({
    apiKey: options.apiKey ?? process.env.OPENAI_API_KEY,
    baseURL: options.baseURL,
    fallback: { models: { 'gpt-4o-mini': ['gpt-4o'] } },
    ...options.resilience,
    telemetry: telemetry({
      meterProvider,
      logger: options.logger,
      serviceName: 'telemetry-service',
      captureUser: 'hash',
      userSalt: process.env.USER_HASH_SALT ?? 'example-salt',
    }),
  });
  const model = options.model ?? 'gpt-4o-mini';
  const embeddingModel = options.embeddingModel ?? 'text-embedding-3-small';

  const routes: Record<string, (body: Record<string, unknown>) => Promise<unknown>> = {
    // The main flow: a chat answer.
    'POST /ask': async (body) => {
      const request = {
        model,
        messages: [{ role: 'user' as const, content: String(body.question ?? '') }],
        max_tokens: 64,
      };
      if (body.stream === true) {
        // Streamed: the call's span and duration end when the last chunk is read.
        let answer = '';
        for await (const chunk of await client.chat.completions.create({ ...request, stream: true })) {
          answer += chunk.choices[0]?.delta?.content ?? '';
        }
        return { answer, model };
      }
      const answer = await client.chat.completions.create(request);
      return { answer: answer.choices[0]?.message.content ?? '', model: answer.model };
    },
    // A minor feature: related questions, by embeddings.
    'POST /suggest': async (body) => {
      const result = await client.embeddings.create({
        model: embeddingModel,
        input: String(body.question ?? ''),
      });
      return { dimensions: result.data[0]?.embedding.length ?? 0 };
    },
  };

  const server = createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/metrics') return exporter.getMetricsRequestHandler(req, res);
    if (req.method === 'GET' && req.url === '/healthz') return send(res, 200, { ok: true });
    const route = routes[`${req.method} ${req.url}`];
    if (route === undefined) return send(res, 404, { error: 'not found' });
    void handle(req, res, route);
  });

  async function handle(
    req: IncomingMessage,
    res: ServerResponse,
    route: (body: Record<string, unknown>) => Promise<unknown>,
  ): Promise<void> {
    let body: Record<string, unknown>;
    try {
      body = JSON.parse((await readBody(req)) || '{}');
    } catch {
      return send(res, 400, { error: 'the body must be JSON' });
    }
    const feature = req.url === '/suggest' ? 'suggest' : 'ask';
    const tags: Record<string, string> = { feature };
    if (typeof body.user === 'string') tags.user = body.user;
    try {
      send(res, 200, await withCallTags(tags, () => route(body)));
    } catch (error) {
      // The pipeline refused (circuit open, quota): 503, try later. The provider failed: 502.
      const refused = ResilienceError.is(error);
      send(res, refused ? 503 : 502, {
        error: refused ? 'busy, try again later' : 'the model provider failed',
      });
    }
  }

  await new Promise<void>((resolve) => server.listen(options.port ?? 8080, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await meterProvider.shutdown();
    },
  };
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

async function readBody(req: IncomingMessage): Promise<string> {
  let text = '';
  for await (const chunk of req) text += chunk;
  return text;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { default: pino } = await import('pino');
  const service = await startService({ port: Number(process.env.PORT ?? 8080), logger: pino() });
  process.stdout.write(`telemetry-service on ${service.url} (metrics on ${service.url}/metrics)\n`);
}
