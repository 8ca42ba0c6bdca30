import { createHash } from 'node:crypto';
import type { Classification } from '@unfazed/classify';
import type { Redis } from 'ioredis';
import type { JobMessage } from './job-message.ts';
import { deadlineFailure, type JobStatus, parseStatus } from './job-status.ts';
import type { Names } from './names.ts';
import * as S from './scripts.ts';

const shas = new Map<string, string>();
const shaOf = (script: string) => {
  let sha = shas.get(script);
  if (sha === undefined) {
    sha = createHash('sha1').update(script).digest('hex');
    shas.set(script, sha);
  }
  return sha;
};

/** What a claim decided for one delivery. */
export type Claim =
  | {
      readonly kind: 'claimed';
      readonly attempts: number;
      readonly inDoubt: boolean;
      readonly enqueuedAt: number;
    }
  | { readonly kind: 'final' }
  | { readonly kind: 'mine' }
  | { readonly kind: 'leased'; readonly leftMs: number }
  | { readonly kind: 'early'; readonly leftMs: number }
  | { readonly kind: 'expired' };

/** What a retry's delay decided. */
export type DelayOutcome = 'delayed' | 'already' | 'lost' | 'exhausted' | 'deadline';

/** A failure as stored: classify's verdict, without the parsed rate-limit headers. */
export function storedFailure(c: Classification): string {
  const { rateLimit: _r, ...rest } = c;
  return JSON.stringify(rest);
}

/**
 * The state of every job of one queue in Redis: one hash per job with a TTL, changed only by the
 * scripts in scripts.ts. Uses the caller's Redis client as is (it never connects or quits it).
 */
export class JobStore {
  readonly #redis: Redis;
  readonly #names: Names;
  readonly #ttlMs: number;

  constructor(redis: Redis, names: Names, ttlMs: number) {
    this.#redis = redis;
    this.#names = names;
    this.#ttlMs = ttlMs;
  }

  async #run(script: string, id: string, args: (string | number)[]): Promise<unknown> {
    const key = this.#names.job(id);
    try {
      return await this.#redis.evalsha(shaOf(script), 1, key, ...args);
    } catch (error) {
      if (!String((error as Error)?.message).includes('NOSCRIPT')) throw error;
      return this.#redis.eval(script, 1, key, ...args);
    }
  }

  /** `created`, or `exists` with the state of the published job that already holds the id. */
  async create(job: JobMessage): Promise<'created' | 'exists'> {
    const reply = (await this.#run(S.CREATE, job.id, [
      this.#ttlMs,
      job.lane,
      job.key ?? '',
      JSON.stringify(job.tags),
      job.endpoint,
      job.enqueuedAt,
      job.deadline ?? '',
    ])) as string[];
    return reply[0] === 'exists' ? 'exists' : 'created';
  }

  async published(id: string): Promise<void> {
    await this.#run(S.PUBLISHED, id, []);
  }

  async refused(id: string, now: number, failure: Classification): Promise<void> {
    await this.#run(S.REFUSED, id, [now, this.#ttlMs, storedFailure(failure), this.#names.finished, id]);
  }

  async claim(job: JobMessage, now: number, worker: string, leaseMs: number, force = false): Promise<Claim> {
    const failure = storedFailure(deadlineFailure('its deadline passed before a worker could send it'));
    const reply = (await this.#run(S.CLAIM, job.id, [
      now,
      this.#ttlMs,
      worker,
      leaseMs,
      job.lane,
      job.key ?? '',
      JSON.stringify(job.tags),
      job.endpoint,
      job.enqueuedAt,
      job.deadline ?? '',
      force ? '1' : '0',
      // A retry copy coming back this much before its time is early; RabbitMQ's TTL is not that precise.
      50,
      failure,
      this.#names.finished,
      job.id,
    ])) as string[];
    switch (reply[0]) {
      case 'claimed':
        return {
          kind: 'claimed',
          attempts: Number(reply[1]),
          inDoubt: reply[2] === '1',
          enqueuedAt: Number(reply[3]),
        };
      case 'leased':
      case 'early':
        return { kind: reply[0], leftMs: Number(reply[1]) };
      case 'final':
      case 'mine':
      case 'expired':
        return { kind: reply[0] };
      default:
        throw new Error(`queue: unexpected claim reply ${String(reply[0])}`);
    }
  }

  /** False when another worker holds the lease now. */
  async renew(id: string, now: number, worker: string, leaseMs: number): Promise<boolean> {
    return (await this.#run(S.RENEW, id, [now, worker, leaseMs, this.#ttlMs])) === 1;
  }

  async mark(id: string, worker: string, state: 'running' | 'waiting', until = 0): Promise<void> {
    await this.#run(S.MARK, id, [worker, state, until]);
  }

  /** `already` when another outcome was recorded first. */
  async finish(
    id: string,
    now: number,
    outcome:
      | { state: 'done'; result: unknown; requestId: string | undefined }
      | { state: 'failed'; failure: Classification; why: string },
  ): Promise<'ok' | 'already'> {
    const payload =
      outcome.state === 'done' ? JSON.stringify(outcome.result ?? null) : storedFailure(outcome.failure);
    const reply = await this.#run(S.FINISH, id, [
      now,
      this.#ttlMs,
      '',
      outcome.state,
      payload,
      outcome.state === 'done' ? (outcome.requestId ?? '') : '',
      outcome.state === 'failed' ? outcome.why : '',
      this.#names.finished,
      id,
    ]);
    return reply === 'already' ? 'already' : 'ok';
  }

  async delay(
    id: string,
    input: {
      now: number;
      worker: string;
      until: number;
      failure: Classification;
      countFailure: boolean;
      maxAttempts: number;
    },
  ): Promise<DelayOutcome> {
    const late = deadlineFailure(`it would retry after its deadline (last failure: ${input.failure.reason})`);
    const reply = (await this.#run(S.DELAY, id, [
      input.now,
      this.#ttlMs,
      input.worker,
      input.until,
      'retry',
      input.failure.reason,
      input.countFailure ? '1' : '0',
      input.maxAttempts,
      storedFailure(input.failure),
      this.#names.finished,
      id,
      storedFailure(late),
    ])) as string[];
    if (reply[0] === 'failed') return reply[1] === 'deadline' ? 'deadline' : 'exhausted';
    return reply[0] as DelayOutcome;
  }

  async release(id: string, worker: string): Promise<void> {
    await this.#run(S.RELEASE, id, [worker]);
  }

  async read(id: string, now: number): Promise<JobStatus | undefined> {
    return parseStatus(id, await this.#redis.hgetall(this.#names.job(id)), now);
  }

  /** Reads many at once (one round trip). */
  async readMany(ids: readonly string[], now: number): Promise<(JobStatus | undefined)[]> {
    if (ids.length === 0) return [];
    const pipe = this.#redis.pipeline();
    for (const id of ids) pipe.hgetall(this.#names.job(id));
    const replies = (await pipe.exec()) ?? [];
    return ids.map((id, i) => {
      const [error, h] = replies[i] ?? [new Error('no reply'), undefined];
      return error ? undefined : parseStatus(id, h as Record<string, string>, now);
    });
  }
}
