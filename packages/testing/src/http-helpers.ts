import type { IncomingMessage } from 'node:http';

/** Headers OpenAI puts on every answer. */
export function baseHeaders(requestId: string, started: number): Record<string, string> {
  return {
    'x-request-id': requestId,
    'openai-organization': 'org-chaos',
    'openai-version': '2020-10-01',
    'openai-processing-ms': String(Math.round(performance.now() - started)),
  };
}

/** `retry-after` / `retry-after-ms` for a 429, as configured. */
export function retryAfterHeaders(
  mode: 'none' | 'seconds' | 'ms' | 'both',
  waitMs: number,
): Record<string, string> {
  const headers: Record<string, string> = {};
  if (mode === 'seconds' || mode === 'both')
    headers['retry-after'] = String(Math.max(1, Math.ceil(waitMs / 1000)));
  if (mode === 'ms' || mode === 'both') headers['retry-after-ms'] = String(Math.ceil(waitMs));
  return headers;
}

/** The whole request body as text. */
export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** The 400 OpenAI would send for a body missing what the endpoint needs, if any. */
export function validateBody(
  kind: 'chat' | 'embeddings' | 'responses',
  body: Record<string, unknown>,
): { message: string; param: string } | undefined {
  if (typeof body.model !== 'string' || body.model === '') {
    return { message: 'you must provide a model parameter', param: 'model' };
  }
  if (kind === 'chat' && !Array.isArray(body.messages)) {
    return { message: "Missing required parameter: 'messages'.", param: 'messages' };
  }
  if (kind === 'embeddings' && body.input === undefined) {
    return { message: "Missing required parameter: 'input'.", param: 'input' };
  }
  return undefined;
}

/** The embeddings `input` as one string per vector (token-id arrays are stringified). */
export function embeddingInputs(input: unknown): string[] {
  if (typeof input === 'string') return [input];
  if (!Array.isArray(input)) return [JSON.stringify(input)];
  if (input.every((item) => typeof item === 'number')) return [JSON.stringify(input)];
  return input.map((item) => (typeof item === 'string' ? item : JSON.stringify(item)));
}
