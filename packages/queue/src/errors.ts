import type { Classification } from '@unfazed/classify';
import { ResilienceError } from '@unfazed/core';
import type { Lane } from './names.ts';

/**
 * The lane's queue holds `maxLength` jobs already: RabbitMQ refused the publish (its
 * `reject-publish` overflow), so nothing was enqueued. Back off, or tell the user to come back;
 * `classify()` calls it `rejected` / `queue_full`.
 */
export class QueueFullError extends ResilienceError {
  /** The RabbitMQ queue that refused the job. */
  readonly queue: string;
  readonly lane: Lane;
  readonly jobId: string;

  constructor(init: { queue: string; lane: Lane; jobId: string; maxLength: number }) {
    super(
      'QUEUE_FULL',
      `queue: ${init.queue} is full (maxLength ${init.maxLength}): job ${init.jobId} was not enqueued`,
    );
    this.queue = init.queue;
    this.lane = init.lane;
    this.jobId = init.jobId;
  }
}

/** What `job.result()` rejects with when the job failed: classify's verdict on why. */
export class JobFailedError extends Error {
  readonly jobId: string;
  /** classify's verdict on the failure (`category`, `reason`, `status`, `code`, `requestId`, `message`). */
  readonly failure: Classification;

  constructor(jobId: string, failure: Classification) {
    super(`job ${jobId} failed: ${failure.reason}${failure.message ? ` (${failure.message})` : ''}`);
    this.name = 'JobFailedError';
    this.jobId = jobId;
    this.failure = failure;
  }
}

/** A message that is not a valid job: why, in words (kept in the dead letter's headers). */
export class InvalidJobError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidJobError';
  }
}
