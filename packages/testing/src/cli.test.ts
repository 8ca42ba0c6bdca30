import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';

const CLI = fileURLToPath(new URL('./cli.ts', import.meta.url));
const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

/** Runs unfazed-chaos as its own process, as a user would (Node strips the types). */
function chaos(args: string[]) {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    stdout += d;
  });
  child.stderr.setEncoding('utf8').on('data', (d: string) => {
    stderr += d;
  });
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  const url = new Promise<string>((resolve, reject) => {
    child.stdout.on('data', () => {
      const line = stdout.split('\n')[0];
      if (stdout.includes('\n') && line) resolve(line);
    });
    void exited.then((code) => reject(new Error(`exited ${code}: ${stderr}`)));
  });
  url.catch(() => {}); // a run that is meant to fail never prints one

  return { child, url, exited, out: () => stdout, err: () => stderr };
}

const hello = { model: 'gpt-4o-mini', messages: [{ role: 'user' as const, content: 'Hi' }] };

describe('unfazed-chaos', () => {
  it('prints its URL first, serves limits and faults from flags, and stops cleanly on SIGTERM', async () => {
    const run = chaos(['--rpm', '2', '--retry-after', 'seconds', '--fault', '503,path=/v1/embeddings']);
    const url = await run.url;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    const client = new OpenAI({ apiKey: 'sk-any-key', baseURL: url, maxRetries: 0 });
    await client.chat.completions.create(hello);
    await client.chat.completions.create(hello);
    const limited = await client.chat.completions.create(hello).then(
      () => undefined,
      (e: InstanceType<typeof OpenAI.APIError>) => e,
    );
    expect(limited?.status).toBe(429);
    expect(limited?.headers?.get('retry-after')).toBe('30');
    const down = await client.embeddings
      .create({ model: 'text-embedding-3-small', input: 'x' })
      .catch((e) => e);
    expect(down.status).toBe(503);
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
    expect(run.err()).toContain(`export OPENAI_BASE_URL=${url}`);
    expect(run.err()).toContain('SIGTERM, stopped after 4 requests (200: 2, 429: 1, 503: 1)');
  });

  it('reads a config file, adds --fault windows to it, and stops on SIGINT with a request hanging', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'unfazed-chaos-'));
    const config = join(dir, 'chaos.json');
    writeFileSync(config, JSON.stringify({ keys: ['sk-from-the-file-000000'], insufficientQuota: false }));
    const run = chaos(['--config', config, '--fault', 'hang,path=/v1/embeddings']);
    const url = await run.url;
    const wrongKey = new OpenAI({ apiKey: 'sk-someone-else-0000', baseURL: url, maxRetries: 0 });
    expect((await wrongKey.chat.completions.create(hello).catch((e) => e)).status).toBe(401);
    const client = new OpenAI({ apiKey: 'sk-from-the-file-000000', baseURL: url, maxRetries: 0 });
    const hanging = client.embeddings.create({ model: 'text-embedding-3-small', input: 'x' }).catch((e) => e);
    await client.chat.completions.create(hello);
    run.child.kill('SIGINT');
    expect(await run.exited).toBe(0);
    expect(await hanging).toBeInstanceOf(OpenAI.APIConnectionError);
    expect(run.err()).toMatch(/SIGINT, stopped after 3 requests \(200: 1, 401: 1\), faults hang: 1/);
  });

  it('explains itself with --help, and refuses a bad flag or option with exit status 2', async () => {
    const help = chaos(['--help']);
    expect(await help.exited).toBe(0);
    for (const flag of [
      '--port',
      '--config',
      '--rpm',
      '--tpm',
      '--window',
      '--burst',
      '--retry-after',
      '--keys',
      '--fault',
      '--seed',
    ])
      expect(help.out()).toContain(flag);
    const unknown = chaos(['--rmp', '5']);
    expect(await unknown.exited).toBe(2);
    expect(unknown.err()).toMatch(/Unknown option '--rmp'/);
    const badFault = chaos(['--fault', 'reset,rate=2']);
    expect(await badFault.exited).toBe(2);
    expect(badFault.err()).toContain(
      'startChaosServer: faults[0].rate must be a finite number >= 0 and <= 1, got 2',
    );
    const badTime = chaos(['--window', 'soon']);
    expect(await badTime.exited).toBe(2);
    expect(badTime.err()).toContain('--window must be a time such as 500ms, 10s or 1m30s, got "soon"');
  });
});
