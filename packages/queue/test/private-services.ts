// A private RabbitMQ node and a private Redis, on ports of their own in a temporary directory, so a
// test can restart them without touching the machine's services (which other tests use).
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { connect } from 'amqplib';
import { Redis } from 'ioredis';

const run = promisify(execFile);
const RABBIT_BIN = '/usr/lib/rabbitmq/bin';
const REDIS_SERVER = '/usr/bin/redis-server';

/** Whether this machine can run the private services (Debian's rabbitmq-server and redis-server). */
export const canRunPrivate = existsSync(join(RABBIT_BIN, 'rabbitmq-server')) && existsSync(REDIS_SERVER);

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} did not come up within ${timeoutMs} ms`);
}

export interface PrivateRabbit {
  readonly url: string;
  /** Stops the broker application (every connection is closed, the port stops answering), then starts it again. */
  restart(downMs: number): Promise<void>;
  stop(): Promise<void>;
}

/** Starts a RabbitMQ node of its own (RABBITMQ_NODENAME / _NODE_PORT / _MNESIA_BASE in a temp dir). */
export async function startRabbit(): Promise<PrivateRabbit> {
  const dir = join(tmpdir(), `unfazed-rabbit-${process.pid}-${Date.now()}`);
  mkdirSync(dir, { recursive: true });
  const port = await freePort();
  const node = `unfazed-${process.pid}-${port}@localhost`;
  writeFileSync(join(dir, 'rabbitmq.conf'), `listeners.tcp.local = 127.0.0.1:${port}\n`);
  writeFileSync(join(dir, 'enabled_plugins'), '[].\n');
  const env = {
    ...process.env,
    RABBITMQ_NODENAME: node,
    RABBITMQ_NODE_PORT: String(port),
    RABBITMQ_DIST_PORT: String(await freePort()),
    RABBITMQ_MNESIA_BASE: join(dir, 'mnesia'),
    RABBITMQ_LOG_BASE: join(dir, 'log'),
    RABBITMQ_CONFIG_FILE: join(dir, 'rabbitmq'),
    RABBITMQ_ENABLED_PLUGINS_FILE: join(dir, 'enabled_plugins'),
  };
  const child: ChildProcess = spawn(join(RABBIT_BIN, 'rabbitmq-server'), [], { env, stdio: 'ignore' });
  const url = `amqp://guest:guest@127.0.0.1:${port}`;
  const answers = async () => {
    const conn = await connect(url);
    await conn.close();
    return true;
  };
  // Bounded: a rabbitmqctl that hangs fails the test with its command, not with the test's timeout.
  const ctl = (...args: string[]) =>
    run(join(RABBIT_BIN, 'rabbitmqctl'), ['-n', node, ...args], { env, timeout: 20_000 }).catch((error) => {
      throw new Error(`rabbitmqctl ${args.join(' ')} failed: ${(error as Error).message}`);
    });
  try {
    await until(`rabbitmq-server ${node}`, answers, 60_000);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return {
    url,
    async restart(downMs) {
      await ctl('stop_app');
      await new Promise((r) => setTimeout(r, downMs));
      await ctl('start_app');
      await until(`rabbitmq ${node} after start_app`, answers, 30_000);
    },
    async stop() {
      await ctl('stop').catch(() => child.kill('SIGKILL'));
      if (child.exitCode === null && child.signalCode === null) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
          child.once('exit', () => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface PrivateRedis {
  readonly url: string;
  /** Kills redis-server and starts it again on the same port and data (appendfsync always: nothing lost). */
  restart(downMs: number): Promise<void>;
  stop(): Promise<void>;
}

/** Starts a persistent redis-server of its own (AOF, fsync on every write) in a temp dir. */
export async function startRedis(): Promise<PrivateRedis> {
  const dir = join(tmpdir(), `unfazed-redis-${process.pid}-${Date.now()}`);
  mkdirSync(dir, { recursive: true });
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  let child: ChildProcess;
  const start = async () => {
    child = spawn(
      REDIS_SERVER,
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--dir',
        dir,
        '--appendonly',
        'yes',
        '--appendfsync',
        'always',
        '--save',
        '',
      ],
      { stdio: 'ignore' },
    );
    await until(
      `redis-server on ${port}`,
      async () => {
        const probe = new Redis(url, {
          lazyConnect: true,
          maxRetriesPerRequest: 0,
          retryStrategy: () => null,
        });
        probe.on('error', () => {});
        try {
          await probe.connect();
          return (await probe.ping()) === 'PONG';
        } finally {
          probe.disconnect();
        }
      },
      10_000,
    );
  };
  const kill = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
  await start();
  return {
    url,
    async restart(downMs) {
      await kill();
      await new Promise((r) => setTimeout(r, downMs));
      await start();
    },
    async stop() {
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
