import type { Clock } from '@unfazed/core';
import { onAbort } from '@unfazed/core/internal';
import type { Redis } from 'ioredis';
import type { JobStatus } from './job-status.ts';
import type { JobStore } from './job-store.ts';

type Final = Extract<JobStatus, { state: 'done' | 'failed' }>;
type Waiter = (status: Final | Error) => void;

const isFinal = (s: JobStatus | undefined): s is Final => s?.state === 'done' || s?.state === 'failed';

/**
 * Waits for jobs to finish: one Redis subscription to the queue's `finished` channel wakes the
 * waiters of a job at once, and one poll of every awaited job per `pollMs` (a single round trip)
 * covers an announcement missed while Redis reconnected. The subscription is opened on first use.
 */
export class ResultWaiter {
  readonly #redis: Redis;
  readonly #channel: string;
  readonly #store: JobStore;
  readonly #clock: Clock;
  readonly #pollMs: number;
  readonly #waiters = new Map<string, Set<Waiter>>();
  #sub: Redis | undefined;
  #subscribed: Promise<void> | undefined;
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(redis: Redis, channel: string, store: JobStore, clock: Clock, pollMs: number) {
    this.#redis = redis;
    this.#channel = channel;
    this.#store = store;
    this.#clock = clock;
    this.#pollMs = pollMs;
  }

  /** Resolves with the job's final state; rejects when `signal` aborts or the job is unknown. */
  async wait(id: string, signal?: AbortSignal): Promise<Final> {
    signal?.throwIfAborted();
    await this.#subscribe();
    const first = await this.#store.read(id, this.#clock.now());
    if (first === undefined) throw new Error(`queue: no job ${id} (never enqueued, or its state expired)`);
    if (isFinal(first)) return first;
    return new Promise<Final>((resolve, reject) => {
      let set = this.#waiters.get(id);
      if (set === undefined) {
        set = new Set();
        this.#waiters.set(id, set);
      }
      const waiters = set;
      const done: Waiter = (status) => {
        remove();
        waiters.delete(done);
        if (waiters.size === 0) this.#waiters.delete(id);
        if (this.#waiters.size === 0) this.#stopPolling();
        if (status instanceof Error) reject(status);
        else resolve(status);
      };
      const remove = onAbort(signal, (reason) =>
        done(reason instanceof Error ? reason : new Error(String(reason))),
      );
      waiters.add(done);
      this.#startPolling();
    });
  }

  async #subscribe(): Promise<void> {
    this.#subscribed ??= (async () => {
      const sub = this.#redis.duplicate();
      this.#sub = sub;
      sub.on('error', () => {});
      sub.on('message', (_channel: string, id: string) => {
        if (this.#waiters.has(id)) this.#check([id]);
      });
      await sub.subscribe(this.#channel);
    })();
    try {
      await this.#subscribed;
    } catch (error) {
      this.#subscribed = undefined;
      throw error;
    }
  }

  #check(ids: string[]): void {
    this.#store.readMany(ids, this.#clock.now()).then(
      (states) => {
        states.forEach((status, i) => {
          const id = ids[i]!;
          const waiters = this.#waiters.get(id);
          if (waiters === undefined) return;
          if (isFinal(status)) for (const w of [...waiters]) w(status);
          else if (status === undefined) {
            for (const w of [...waiters]) w(new Error(`queue: job ${id} is gone (its state expired)`));
          }
        });
      },
      () => {
        // Redis is away: the next poll tries again.
      },
    );
  }

  #startPolling(): void {
    if (this.#timer !== undefined) return;
    this.#timer = setInterval(() => this.#check([...this.#waiters.keys()]), this.#pollMs);
  }

  #stopPolling(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** Rejects every waiter and closes the subscription. */
  async close(): Promise<void> {
    this.#stopPolling();
    for (const waiters of [...this.#waiters.values()]) {
      for (const w of [...waiters]) w(new Error('queue: the producer was closed'));
    }
    const sub = this.#sub;
    this.#sub = undefined;
    this.#subscribed = undefined;
    if (sub) await sub.quit().catch(() => sub.disconnect());
  }
}
