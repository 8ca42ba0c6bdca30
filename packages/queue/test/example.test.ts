// examples/queue-service, run as a user runs it (two Node 24 processes on its .ts files), against
// the chaos server: POST enqueues, GET polls until the text is there; SIGTERM stops both cleanly.
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startChaosServer } from '@unfazed/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { AMQP_URL, cleanUp, REDIS_URL, uniqueName } from './helpers.ts';

const dir = fileURLToPath(new URL('../../../examples/queue-service/', import.meta.url));
const name = uniqueName('example');
const children: ChildProcess[] = [];

afterAll(async () => {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await cleanUp([name]);
});

function start(
  file: string,
  env: Record<string, string>,
  ready: RegExp,
): Promise<{ child: ChildProcess; line: string }> {
  const child = spawn(process.execPath, [`${dir}${file}`], {
    env: { ...process.env, AMQP_URL, REDIS_URL, QUEUE_NAME: name, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stdout!.on('data', (chunk) => {
      out += chunk;
      const m = ready.exec(out);
      if (m) resolve({ child, line: m[0] });
    });
    child.stderr!.on('data', (chunk) => {
      err += chunk;
    });
    child.on('exit', (code) => reject(new Error(`${file} exited with ${code}: ${err}`)));
  });
}

const exitCode = (child: ChildProcess) =>
  new Promise<number | null>((resolve) => {
    if (child.exitCode !== null) return resolve(child.exitCode);
    child.once('exit', (code) => resolve(code));
  });

describe('examples/queue-service', () => {
  it('answers POST with 202 and a job id, and GET with the state until the text is there', async () => {
    const openai = await startChaosServer({ latencyMs: 50 });
    try {
      const worker = await start(
        'worker.ts',
        { OPENAI_API_KEY: 'sk-example', OPENAI_BASE_URL: openai.url },
        /consuming/,
      );
      const server = await start('server.ts', { PORT: '0' }, /listening on (\S+)/);
      const base = /listening on (\S+)/.exec(server.line)![1]!;

      const bad = await fetch(`${base}/jobs`, { method: 'POST', body: '{}' });
      expect(bad.status).toBe(400);
      const posted = await fetch(`${base}/jobs`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': `${name}-1` },
        body: JSON.stringify({ prompt: 'A haiku about queues' }),
      });
      expect(posted.status).toBe(202);
      const { id, status } = (await posted.json()) as { id: string; status: string };
      expect(id).toBe(`${name}-1`);
      const seen = new Set<string>();
      let job: { state: string; text?: string; message?: string } = { state: '' };
      for (let i = 0; i < 200 && job.state !== 'done'; i++) {
        const res = await fetch(`${base}${status}`);
        job = (await res.json()) as typeof job;
        seen.add(job.state);
        if (job.state !== 'done') {
          expect(res.headers.get('retry-after')).toBe('1');
          expect(job.message).toBe('Generating your content, please wait…');
          await new Promise((r) => setTimeout(r, 10));
        }
      }
      expect(job.state).toBe('done');
      expect(job.text).toEqual(expect.any(String));
      expect((await fetch(`${base}/jobs/nope`)).status).toBe(404);
      // The same Idempotency-Key is the same job: the server saw one request.
      await fetch(`${base}/jobs`, {
        method: 'POST',
        headers: { 'idempotency-key': `${name}-1` },
        body: JSON.stringify({ prompt: 'A haiku about queues' }),
      });
      expect(openai.stats().total).toBe(1);

      server.child.kill('SIGTERM');
      worker.child.kill('SIGTERM');
      expect(await exitCode(server.child)).toBe(0);
      expect(await exitCode(worker.child)).toBe(0);
    } finally {
      await openai.close();
    }
  }, 30_000);
});
