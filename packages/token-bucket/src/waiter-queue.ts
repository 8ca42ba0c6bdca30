import { type CallContext, onAbort, sleepOn } from '@unfazed/core';
import type { AcquireResult, Cost, WaitReason } from './store.ts';

/** One call waiting for quota. */
export interface Waiter {
  readonly ctx: CallContext;
  readonly cost: Cost;
  /** Latest time (on `ctx.clock`) by which it must be admitted; beyond it, it fails at once. */
  readonly deadline: number;
}

interface Entry extends Waiter {
  resolve(): void;
  reject(err: unknown): void;
  removeAbort(): void;
  /** Resolved, rejected or aborted: nothing more may happen to it. */
  done: boolean;
  /** The poller is asking the store for it right now. */
  asking: boolean;
}

interface KeyQueue {
  entries: Entry[];
  /** When the head is next tried (clock time): a lower bound of every waiter's wait. */
  nextTryAt: number;
  /** Why the head waits. */
  reason: WaitReason;
  /** Cuts the poller's sleep short (the head left, or the queue emptied). */
  wake: AbortController | undefined;
}

/** What the queue needs from the limiter. */
export interface QueueHooks {
  /** Asks the store for `waiter`'s quota. */
  acquire(waiter: Waiter): Promise<AcquireResult>;
  /** Gives back quota admitted for a waiter that was aborted while being asked for. */
  release(waiter: Waiter): void;
  /** The error for a waiter that cannot be admitted by its deadline. */
  tooLong(waiter: Waiter, retryAfterMs: number): unknown;
}

/**
 * Per-key FIFO queues of calls waiting for quota, in this process. Only the head of a queue asks
 * the store: it learns the exact wait, sleeps on the clock, asks again; the others wait behind
 * it, so a thousand waiters cost one store operation per wake-up, not a thousand. A waiter that
 * cannot make its deadline is failed as soon as that is known; an aborted one leaves at once.
 */
export class WaiterQueues {
  readonly #queues = new Map<string, KeyQueue>();
  readonly #hooks: QueueHooks;

  constructor(hooks: QueueHooks) {
    this.#hooks = hooks;
  }

  /** Milliseconds until the key's queue next moves (and why), or undefined when nobody waits on it. */
  pendingWait(key: string, now: number): { waitMs: number; reason: WaitReason } | undefined {
    const queue = this.#queues.get(key);
    return queue ? { waitMs: Math.max(0, queue.nextTryAt - now), reason: queue.reason } : undefined;
  }

  /** Calls waiting on `key`. */
  size(key: string): number {
    return this.#queues.get(key)?.entries.length ?? 0;
  }

  /**
   * Queues `waiter` behind any others on its key; resolves once its quota is charged. When the
   * queue is new, its first try is `firstWaitMs` from now (the wait the store just gave).
   */
  wait(waiter: Waiter, firstWaitMs: number, reason: WaitReason): Promise<void> {
    const key = waiter.ctx.key;
    let queue = this.#queues.get(key);
    const fresh = !queue;
    if (!queue) {
      queue = { entries: [], nextTryAt: waiter.ctx.clock.now() + firstWaitMs, reason, wake: undefined };
      this.#queues.set(key, queue);
    }
    const q = queue;
    const promise = new Promise<void>((resolve, reject) => {
      const entry: Entry = { ...waiter, resolve, reject, removeAbort: noop, done: false, asking: false };
      entry.removeAbort = onAbort(waiter.ctx.signal, (reason) => {
        if (entry.done) return;
        entry.done = true;
        if (!entry.asking) this.#remove(q, entry);
        reject(reason);
      });
      q.entries.push(entry);
    });
    if (fresh) void this.#drain(key, q, firstWaitMs);
    return promise;
  }

  #remove(q: KeyQueue, entry: Entry): void {
    const index = q.entries.indexOf(entry);
    if (index === -1) return;
    q.entries.splice(index, 1);
    // The head left or nobody is left: the sleep was for it, so re-plan now.
    if (index === 0) q.wake?.abort();
  }

  #settle(q: KeyQueue, entry: Entry, err?: unknown): void {
    this.#remove(q, entry);
    entry.removeAbort();
    if (entry.done) return;
    entry.done = true;
    if (err === undefined) entry.resolve();
    else entry.reject(err);
  }

  /** Sleeps on the head's clock; an abort of the head, or the queue emptying, cuts it short. */
  async #sleep(q: KeyQueue, head: Entry, ms: number): Promise<void> {
    const clock = head.ctx.clock;
    q.nextTryAt = clock.now() + ms;
    const wake = new AbortController();
    q.wake = wake;
    try {
      await sleepOn(clock, ms, wake.signal);
    } catch {
      // Woken early: the head left.
    } finally {
      q.wake = undefined;
    }
  }

  async #drain(key: string, q: KeyQueue, firstWaitMs: number): Promise<void> {
    let sleepMs = firstWaitMs;
    try {
      for (;;) {
        const head = q.entries[0];
        if (!head) return;
        if (sleepMs > 0) {
          await this.#sleep(q, head, sleepMs);
          sleepMs = 0;
          continue;
        }
        head.asking = true;
        let result: AcquireResult;
        try {
          result = await this.#hooks.acquire(head);
        } catch (err) {
          head.asking = false;
          this.#settle(q, head, err);
          continue;
        } finally {
          head.asking = false;
        }
        if (result.admitted) {
          // A reservation: the quota is ours from `waitMs` on; hold the head until then.
          if (result.waitMs > 0 && !head.done) await this.#sleep(q, head, result.waitMs);
          if (head.done) {
            this.#remove(q, head);
            this.#hooks.release(head);
          } else this.#settle(q, head);
          continue;
        }
        if (head.done) {
          this.#remove(q, head);
          continue;
        }
        const now = head.ctx.clock.now();
        for (const entry of [...q.entries]) {
          if (entry.deadline < now + result.waitMs) {
            this.#settle(q, entry, this.#hooks.tooLong(entry, result.waitMs));
          }
        }
        // Plan the next try for the head, unless it just left: then the new head asks at once.
        sleepMs = q.entries[0] === head ? Math.max(1, result.waitMs) : 0;
        q.reason = result.reason;
      }
    } catch (err) {
      // Nothing above should throw; if it does, fail the waiters rather than strand them.
      for (const entry of [...q.entries]) this.#settle(q, entry, err);
    } finally {
      this.#queues.delete(key);
    }
  }
}

function noop(): void {}
