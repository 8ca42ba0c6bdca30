import type { IncomingMessage, ServerResponse } from 'node:http';
import { answer } from './answer.ts';
import { answering } from './answering.ts';
import { pickFault } from './faults.ts';
import { readBody, retryAfterHeaders, validateBody } from './http-helpers.ts';
import { maskKey } from './mask-key.ts';
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
import { openaiId } from './openai-payloads.ts';
import type { ServerState } from './server-state.ts';
import type { ChaosRequestRecord } from './stats.ts';
import { estimateTokenCost } from './token-cost.ts';

type Kind = 'chat' | 'embeddings' | 'responses';

const ROUTES: Record<string, Kind> = {
  '/v1/chat/completions': 'chat',
  '/v1/embeddings': 'embeddings',
  '/v1/responses': 'responses',
};
const ENDPOINTS: Record<string, Kind> = {
  'chat/completions': 'chat',
  embeddings: 'embeddings',
  responses: 'responses',
};
// Azure OpenAI: /openai/deployments/{deployment}/chat/completions, /openai/v1/responses, …
const AZURE = /^\/openai\/(?:deployments\/([^/]+)\/|v1\/)?(chat\/completions|embeddings|responses)$/;

/** Which endpoint a path is (OpenAI's or Azure OpenAI's), and the Azure deployment it names. */
function routeOf(path: string): { kind: Kind; deployment?: string } | undefined {
  const kind = ROUTES[path];
  if (kind) return { kind };
  const m = AZURE.exec(path);
  const endpoint = m ? ENDPOINTS[m[2] as string] : undefined;
  if (!m || !endpoint) return undefined;
  return m[1] === undefined ? { kind: endpoint } : { kind: endpoint, deployment: decodeURIComponent(m[1]) };
}

function parseObject(raw: string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(raw);
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) {
      return parsed as Record<string, unknown>;
    }
  } catch {
    // Unparsable: answered with OpenAI's 400 below.
  }
  return undefined;
}

/** Answers one request: auth, routing, quota mode, the fault schedule, the limiter, then the answer. */
export async function handleRequest(
  s: ServerState,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const { o, limiter, stats } = s;
  const time = s.elapsed();
  const raw = await readBody(req);
  const path = new URL(req.url ?? '/', 'http://chaos').pathname;
  const body = parseObject(raw);
  const auth = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '');
  const azureKey = req.headers['api-key'];
  // The raw key only buckets the limiter and is checked against `keys`; what is kept is masked.
  const key = auth?.[1]?.trim() ?? (typeof azureKey === 'string' ? azureKey.trim() : '');
  const record: ChaosRequestRecord = {
    time,
    key: maskKey(key),
    path,
    status: 0,
    tokens: 0,
    requestId: openaiId('req_', 16),
    stream: false,
  };
  if (typeof body?.model === 'string' && body.model !== '') record.model = body.model;
  const clientRequestId = req.headers['x-client-request-id'];
  if (typeof clientRequestId === 'string') record.clientRequestId = clientRequestId;
  const a = answering(s, req, res, record);

  if (!key) return a.send(401, missingApiKeyBody());
  if (!o.acceptKey(key)) return a.send(401, invalidApiKeyBody(key));
  const route = routeOf(path);
  if (req.method !== 'POST' || !route) return a.send(404, notFoundBody(req.method ?? 'GET', path));
  const { kind } = route;
  if (!body) return a.send(400, invalidRequestBody('We could not parse the JSON body of your request.'));
  // An Azure deployment stands for the model when the body names none.
  if (route.deployment !== undefined && (typeof body.model !== 'string' || body.model === '')) {
    body.model = route.deployment;
    record.model = route.deployment;
  }
  const problem = validateBody(kind, body);
  if (problem) return a.send(400, invalidRequestBody(problem.message, problem.param));

  const model = String(body.model);
  const streaming = kind !== 'embeddings' && body.stream === true;
  const cost = estimateTokenCost(kind, body, o.defaultOutputTokens);
  record.stream = streaming;
  record.tokens = cost.total;

  if (s.insufficientQuota) {
    record.rateLimit = 'insufficient-quota';
    a.rateHeaders = limiter.peek(key, o.now());
    return a.send(429, insufficientQuotaBody());
  }

  // `status`, `reset` and `hang` come before the limiter and spend no quota.
  const fault = pickFault(s.faults, { elapsed: time, path, streaming }, s.random);
  if (fault) record.fault = fault.kind;
  if (fault?.kind === 'reset') {
    stats.record(record);
    await s.pause(o.latencyMs);
    req.socket.resetAndDestroy();
    return;
  }
  if (fault?.kind === 'hang') {
    stats.record(record);
    return;
  }
  if (fault?.kind === 'status') {
    a.rateHeaders = limiter.peek(key, o.now());
    return a.send(fault.status, fault.body ?? serverErrorBody(fault.status));
  }

  const decision = limiter.take(key, cost.total, o.now());
  a.rateHeaders = decision.headers;
  if (!decision.ok) {
    record.rateLimit = decision.reason;
    if (decision.reason === 'too-large') {
      return a.send(
        429,
        requestTooLargeBody({ model, limit: decision.limit, requested: decision.requested }),
      );
    }
    return a.send(
      429,
      rateLimitBody({ model, dimension: decision.reason, ...decision }),
      retryAfterHeaders(o.retryAfter, decision.waitMs),
    );
  }
  return answer(s, a, { kind, body, model, cost, streaming, fault });
}
