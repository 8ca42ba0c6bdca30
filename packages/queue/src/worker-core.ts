import type { Clock } from '@unfazed/core';
import type OpenAI from 'openai';
import type { DelaySettings } from './delay.ts';
import type { JobMessage } from './job-message.ts';
import type { JobStore } from './job-store.ts';
import type { QueueEvents } from './queue-events.ts';
import type { Delivery, Run } from './run-job.ts';

/** What processing a job needs of its worker. */
export interface WorkerCore {
  readonly id: string;
  readonly o: {
    readonly clock: Clock;
    readonly source: string;
    readonly leaseMs: number;
    readonly maxAttempts: number;
    readonly backoff: DelaySettings;
  };
  readonly store: JobStore;
  readonly events: QueueEvents;
  readonly client: OpenAI;
  readonly running: Map<string, Run>;
  /** Aborts when the worker stops for good (its grace period is over). */
  readonly halt: AbortSignal;
  /** Retries a Redis operation (with backoff) until it answers, or the worker halts. */
  persist<T>(operation: () => Promise<T>): Promise<T>;
  /** Publishes a copy of `job` that comes back after `delayMs` (clock ms), then acks `deliveries`. */
  delayCopy(job: JobMessage, deliveries: readonly Delivery[], delayMs: number): Promise<void>;
}
