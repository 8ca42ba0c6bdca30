import type { Category, Reason } from '@unfazed/classify';
import type { EventBase } from '@unfazed/core';
import type { Lane } from './names.ts';

declare module '@unfazed/core' {
  interface ResilienceEventMap {
    'queue.enqueued': QueueEnqueuedEvent;
    'queue.started': QueueStartedEvent;
    'queue.delayed': QueueDelayedEvent;
    'queue.completed': QueueCompletedEvent;
    'queue.failed': QueueFailedEvent;
    'queue.dead-lettered': QueueDeadLetteredEvent;
  }
}

/** classify's verdict on a failure, under the names every event uses. */
export interface QueueFailureFields {
  readonly category: Category;
  readonly reason: Reason;
  readonly status: number | undefined;
  readonly code: string | undefined;
  readonly requestId: string | undefined;
}

/** Fields of every queue event about a job. */
export interface QueueJobFields {
  readonly jobId: string;
  readonly lane: Lane;
}

/** `queue.enqueued`: RabbitMQ confirmed the job (it is on disk, in its lane). */
export interface QueueEnqueuedEvent extends EventBase, QueueJobFields {
  readonly type: 'queue.enqueued';
  /** The RabbitMQ queue it went to. */
  readonly queue: string;
  /** The job's `deadlineMs`, when it has one. */
  readonly deadlineMs: number | undefined;
}

/** `queue.started`: a worker took the job's lease and sends it now (its `attempt` is the job's). */
export interface QueueStartedEvent extends EventBase, QueueJobFields {
  readonly type: 'queue.started';
  /** Since it was enqueued. */
  readonly waitedMs: number;
  /** RabbitMQ delivered it before (a worker or a connection died holding it). */
  readonly redelivered: boolean;
  /**
   * The worker that held it before died (or lost Redis) without recording an outcome: its call may
   * have reached the server. Sent again, with the same client request id.
   */
  readonly inDoubt: boolean;
  /** The worker's id. */
  readonly worker: string;
}

/** `queue.delayed`: the job waits in a delay queue and comes back after `delayMs`. */
export interface QueueDelayedEvent extends EventBase, QueueJobFields {
  readonly type: 'queue.delayed';
  readonly delayMs: number;
  /**
   * `retry`: a retryable failure or a refusal of the pipeline ("not now"; the failure fields say
   * which); `leased`: another worker runs it under a live lease (a duplicate delivery);
   * `early`: a copy came back before its time.
   */
  readonly why: 'retry' | 'leased' | 'early';
  readonly category: Category | undefined;
  readonly reason: Reason | undefined;
  readonly status: number | undefined;
  readonly code: string | undefined;
  readonly requestId: string | undefined;
}

/** `queue.completed`: the job is done; its result is in Redis. */
export interface QueueCompletedEvent extends EventBase, QueueJobFields {
  readonly type: 'queue.completed';
  /** This delivery's run, from its start to its answer. */
  readonly durationMs: number;
  /** From enqueue to result: what the user waited. */
  readonly totalMs: number;
  /** The server's `x-request-id` of the answer, when known. */
  readonly requestId: string | undefined;
}

/** `queue.failed`: the job ended without a result; `status(jobId)` says the same. */
export interface QueueFailedEvent extends EventBase, QueueJobFields, QueueFailureFields {
  readonly type: 'queue.failed';
  /**
   * `not-retryable`: a client error (400, 401, `insufficient_quota`, context length, …);
   * `exhausted`: `maxAttempts` sends all failed; `deadline`: its `deadlineMs` passed (in the queue,
   * waiting, or in the call); `queue-full`: the lane refused it at enqueue.
   */
  readonly why: 'not-retryable' | 'exhausted' | 'deadline' | 'queue-full';
}

/** `queue.dead-lettered`: a message that is not a valid job went to the dead letter queue, never retried. */
export interface QueueDeadLetteredEvent extends EventBase {
  readonly type: 'queue.dead-lettered';
  /** The job id, when the message had a readable one. */
  readonly jobId: string | undefined;
  readonly why: 'invalid';
  /** What is wrong with it, in words (also in the dead letter's `x-unfazed-error` header). */
  readonly error: string;
  /** The dead letter queue. */
  readonly queue: string;
}
