// Failures mid-run, with a RabbitMQ node and a Redis of the test's own (restarting the machine's
// would break other tests): a worker SIGKILLed while its calls are in flight, then RabbitMQ
// restarted, then Redis killed and restarted. Every job completes, and each succeeds at the server once.
import { type ChaosServer, startChaosServer } from '@unfazed/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProducer, type Job } from '../src/index.ts';
import { killAll, spawnWorker, stopWorker, uniqueName, type WorkerProcess } from './helpers.ts';
import {
  canRunPrivate,
  type PrivateRabbit,
  type PrivateRedis,
  startRabbit,
  startRedis,
} from './private-services.ts';

if (!canRunPrivate) console.warn('crash.test.ts: skipped, rabbitmq-server or redis-server is not installed');

let rabbit: PrivateRabbit | undefined;
let redisServer: PrivateRedis | undefined;
const workers: WorkerProcess[] = [];
const servers: ChaosServer[] = [];

beforeAll(async () => {
  if (!canRunPrivate) return;
  [rabbit, redisServer] = await Promise.all([startRabbit(), startRedis()]);
}, 90_000);

afterAll(async () => {
  await killAll(workers);
  await Promise.all(servers.map((s) => s.close()));
  // Their own directories go with them: no queue or key is left anywhere.
  await Promise.all([rabbit?.stop(), redisServer?.stop()]);
}, 30_000);

const request = (i: number) => ({
  model: 'gpt-4o-mini',
  messages: [{ role: 'user', content: `Crash job ${i}` }],
  max_tokens: 30,
});

describe.skipIf(!canRunPrivate)('a worker killed mid-call, RabbitMQ restarted, Redis restarted', () => {
  it('loses no job and sends none to success twice', async () => {
    const name = uniqueName('crash');
    const env = {
      AMQP_URL: rabbit!.url,
      REDIS_URL: redisServer!.url,
      NAME: name,
      LEASE_MS: 1_500,
      CONCURRENCY: 8,
    };
    const server = await startChaosServer({
      rpm: 600,
      windowMs: 3_000,
      latencyMs: 10,
      maxLogEntries: 50_000,
    });
    // The victim's calls reach a server that never answers: it is killed with all of them in flight.
    const blackHole = await startChaosServer({ faults: [{ kind: 'hang' }] });
    servers.push(server, blackHole);
    const victim = spawnWorker({ ...env, BASE_URL: blackHole.url });
    workers.push(victim);
    await victim.ready;
    const redis = new Redis(redisServer!.url);
    redis.on('error', () => {});
    const producer = createProducer({ url: rabbit!.url, redis, name, pollIntervalMs: 200 });
    const offered = 300;
    const jobs: Promise<Job>[] = [];
    const started = performance.now();
    // Each stage is logged, so a run that hangs says how far it got.
    const stage = (what: string) =>
      console.log(`crash: ${what} at ${Math.round(performance.now() - started)} ms`);
    const pace = async (from: number, to: number) => {
      for (let i = from; i < to; i++) {
        const wait = started + i * 10 - performance.now();
        if (wait > 2) await new Promise((r) => setTimeout(r, wait));
        jobs.push(producer.enqueue(request(i)));
      }
    };
    await pace(0, 20);
    await expect.poll(() => blackHole.stats().total, { timeout: 5_000 }).toBeGreaterThanOrEqual(8);
    stage('the victim holds its calls');
    victim.child.kill('SIGKILL');
    await victim.exited;
    for (let i = 0; i < 2; i++)
      workers.push(spawnWorker({ ...env, BASE_URL: server.url, RPM: 600, WINDOW_MS: 3_000 }));
    await Promise.all(workers.slice(1).map((w) => w.ready));
    stage('two workers ready');
    await pace(20, 100);
    const restartRabbit = rabbit!.restart(300);
    await pace(100, 200);
    await restartRabbit;
    stage('RabbitMQ restarted');
    const restartRedis = redisServer!.restart(300);
    await pace(200, offered);
    await restartRedis;
    stage('Redis restarted');

    const handles = await Promise.all(jobs);
    stage('every job enqueued');
    const settled = Promise.allSettled(handles.map((j) => j.result()));
    // Rather than the test's timeout, a clear failure that says where the unfinished jobs are.
    const stuck = await Promise.race([
      settled.then(() => undefined),
      new Promise<string>((resolve) => {
        const timer = setTimeout(async () => {
          const states = await Promise.all(handles.map((j) => j.status()));
          const open = states.filter((st) => st?.state !== 'done' && st?.state !== 'failed');
          resolve(`${open.length} jobs unfinished after 30 s: ${JSON.stringify(open.slice(0, 3))}`);
        }, 30_000);
        settled.then(() => clearTimeout(timer));
      }),
    ]);
    expect(stuck).toBeUndefined();
    const results = await settled;
    const failed = results.flatMap((r) =>
      r.status === 'rejected' ? [String((r.reason as Error).message)] : [],
    );
    expect(failed.slice(0, 3)).toEqual([]);
    await producer.close();
    const reports = await Promise.all(workers.slice(1).map(stopWorker));
    redis.disconnect();

    const successes = new Map<string, number>();
    for (const r of server.stats().requests) {
      if (r.status === 200) successes.set(r.clientRequestId!, (successes.get(r.clientRequestId!) ?? 0) + 1);
    }
    expect(successes.size).toBe(offered);
    expect(Math.max(...successes.values())).toBe(1);
    // The victim's jobs were taken over once its leases ran out, each flagged in doubt (its call may
    // have reached a server), and completed once.
    const lost = blackHole.stats().requests.map((r) => r.clientRequestId!);
    for (const id of lost) expect(successes.get(id)).toBe(1);
    const inDoubt = reports.reduce((n, r) => n + (r?.counts.inDoubt ?? 0), 0);
    expect(inDoubt).toBeGreaterThanOrEqual(lost.length);
    console.log(
      `crash: ${offered} jobs in ${Math.round(performance.now() - started)} ms, ${lost.length} taken over from the killed worker`,
    );
  }, 60_000);
});
