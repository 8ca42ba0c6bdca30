// The web side: POST /jobs enqueues a generation and answers 202 at once; GET /jobs/:id is what the
// frontend polls ("Generating your content, please wait…") until the job is done or failed.
//   AMQP_URL=amqp://127.0.0.1 REDIS_URL=redis://127.0.0.1:6379 PORT=3000 node examples/queue-service/server.ts
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createProducer, type JobStatus, QueueFullError } from '@unfazed/queue';
import { Redis } from 'ioredis';

const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
const queue = createProducer({
  url: process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672',
  redis,
  name: process.env.QUEUE_NAME ?? 'content',
});
const MODEL = process.env.MODEL ?? 'gpt-4o-mini';

const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
};

async function readJson(req: IncomingMessage): Promise<Record<string, unknown> | undefined> {
  let text = '';
  for await (const chunk of req) {
    text += chunk;
    if (text.length > 100_000) return undefined;
  }
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** What the frontend needs of a job's state: no internals, the text once it is there. */
function view(s: JobStatus) {
  switch (s.state) {
    case 'queued':
    case 'running':
      return { id: s.id, state: s.state, message: 'Generating your content, please wait…' };
    case 'waiting':
      return {
        id: s.id,
        state: s.state,
        message: 'Generating your content, please wait…',
        retryAt: new Date(s.until).toISOString(),
      };
    case 'done': {
      const answer = s.result as { choices?: { message?: { content?: string } }[] };
      return { id: s.id, state: s.state, text: answer.choices?.[0]?.message?.content ?? '' };
    }
    case 'failed':
      return { id: s.id, state: s.state, reason: s.failure.reason, message: s.failure.message };
  }
}

const server = createServer(async (req, res) => {
  try {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.method === 'POST' && url.pathname === '/jobs') {
      const body = await readJson(req);
      if (typeof body?.prompt !== 'string' || body.prompt === '')
        return send(res, 400, { error: 'prompt (a string) is required' });
      const job = await queue.enqueue(
        { model: MODEL, messages: [{ role: 'user', content: body.prompt }], max_tokens: 300 },
        {
          priority: body.priority === 'batch' ? 'batch' : 'interactive',
          tags: { feature: 'content' },
          deadlineMs: 10 * 60_000,
          // A client retrying its POST (same Idempotency-Key) gets the same job, not a second one.
          jobId:
            typeof req.headers['idempotency-key'] === 'string' ? req.headers['idempotency-key'] : undefined,
        },
      );
      return send(res, 202, { id: job.id, status: `/jobs/${job.id}` }, { location: `/jobs/${job.id}` });
    }
    const match = /^\/jobs\/([^/]+)$/.exec(url.pathname);
    if (req.method === 'GET' && match) {
      const status = await queue.status(decodeURIComponent(match[1]!));
      if (status === undefined) return send(res, 404, { error: 'no such job' });
      const done = status.state === 'done' || status.state === 'failed';
      return send(res, 200, view(status), done ? {} : { 'retry-after': '1' });
    }
    send(res, 404, { error: 'not found' });
  } catch (error) {
    if (error instanceof QueueFullError)
      return send(res, 503, { error: 'busy, try again shortly' }, { 'retry-after': '30' });
    send(res, 500, { error: 'internal error' });
  }
});

server.listen(Number(process.env.PORT ?? 3000), '127.0.0.1', () => {
  const { port } = server.address() as { port: number };
  process.stdout.write(`listening on http://127.0.0.1:${port}\n`);
});

process.once('SIGTERM', () => {
  server.close();
  queue.close().finally(() => redis.disconnect());
});
