import type { Classification, Reason } from '@unfazed/classify';
import type { Endpoint, Lane } from './names.ts';

/** What every state of a job says. Times are the queue's clock (ms since the epoch). */
export interface JobStatusBase {
  readonly id: string;
  readonly lane: Lane;
  readonly endpoint: Endpoint;
  /** The partition key of its limits (its model, unless `key` was given). */
  readonly key: string | undefined;
  readonly tags: Readonly<Record<string, string>>;
  readonly enqueuedAt: number;
  /** Clock time by which it must be done, when it has a deadline. */
  readonly deadline: number | undefined;
  /** Deliveries a worker started (a redelivery after a crash counts). */
  readonly attempts: number;
}

/** In its lane, waiting for a worker (or delivered to one that has not started it yet). */
export interface JobQueued extends JobStatusBase {
  readonly state: 'queued';
}

/** A worker holds its lease and is sending it. */
export interface JobRunning extends JobStatusBase {
  readonly state: 'running';
  readonly startedAt: number;
  /** The worker's id. */
  readonly worker: string;
  /** The previous worker died holding it: its call may have reached the server (see the guide). */
  readonly inDoubt: boolean;
}

/** Not now: waiting until `until`, for the reason `why` says. */
export interface JobWaiting extends JobStatusBase {
  readonly state: 'waiting';
  /** When it is expected to go again (clock ms). */
  readonly until: number;
  /**
   * `retry`: it failed with a retryable error (or the pipeline said "not now") and waits in a delay
   * queue for the server's hint or a backoff; `reason` is classify's. `quota`: a worker holds it and
   * waits for rate-limit quota (shared by every worker).
   */
  readonly why: 'retry' | 'quota';
  readonly reason: Reason | undefined;
}

/** Done: `result` is the SDK's answer (a `ChatCompletion`, a `Response`, a `CreateEmbeddingResponse`). */
export interface JobDone extends JobStatusBase {
  readonly state: 'done';
  readonly result: unknown;
  readonly finishedAt: number;
  /** The server's `x-request-id` of the answer, when known. */
  readonly requestId: string | undefined;
}

/** Failed for good: `failure` is classify's verdict, `why` the queue's cause. */
export interface JobFailed extends JobStatusBase {
  readonly state: 'failed';
  readonly failure: Classification;
  readonly why: 'not-retryable' | 'exhausted' | 'deadline' | 'queue-full';
  readonly finishedAt: number;
}

/** A job's state, as `status(jobId)` reads it from Redis. */
export type JobStatus = JobQueued | JobRunning | JobWaiting | JobDone | JobFailed;

/** One of `queued`, `running`, `waiting`, `done`, `failed`. */
export type JobState = JobStatus['state'];

const json = <T>(text: string | undefined, fallback: T): T => {
  if (text === undefined || text === '') return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
};
const num = (text: string | undefined): number | undefined =>
  text === undefined || text === '' ? undefined : Number(text);

/** The failure of a job whose deadline passed (in the queue, while waiting, or in its call). */
export function deadlineFailure(message: string): Classification {
  return { category: 'cancelled', retryable: false, reason: 'deadline_exceeded', message };
}

/**
 * Reads a job's hash. A queued or waiting job whose deadline has passed is reported failed
 * (`deadline`) at once: the worker that meets it will record just that, without sending it.
 */
export function parseStatus(id: string, h: Record<string, string>, now: number): JobStatus | undefined {
  if (h.state === undefined) return undefined;
  const base: JobStatusBase = {
    id,
    lane: h.lane as Lane,
    endpoint: h.endpoint as Endpoint,
    key: h.key === '' ? undefined : h.key,
    tags: json(h.tags, {}),
    enqueuedAt: num(h.enqueuedAt) ?? 0,
    deadline: num(h.deadline),
    attempts: num(h.attempts) ?? 0,
  };
  const late = base.deadline !== undefined && now >= base.deadline;
  switch (h.state) {
    case 'queued':
    case 'waiting':
      if (late) {
        return Object.freeze({
          ...base,
          state: 'failed',
          why: 'deadline',
          failure: deadlineFailure('its deadline passed before a worker could send it'),
          finishedAt: base.deadline!,
        });
      }
      if (h.state === 'queued') return Object.freeze({ ...base, state: 'queued' });
      return Object.freeze({
        ...base,
        state: 'waiting',
        until: num(h.until) ?? now,
        why: h.why === 'quota' ? 'quota' : 'retry',
        reason: h.reason === '' || h.reason === undefined ? undefined : (h.reason as Reason),
      });
    case 'running':
      return Object.freeze({
        ...base,
        state: 'running',
        startedAt: num(h.startedAt) ?? now,
        worker: h.worker ?? '',
        inDoubt: h.inDoubt === '1',
      });
    case 'done':
      return Object.freeze({
        ...base,
        state: 'done',
        result: json(h.result, undefined),
        finishedAt: num(h.finishedAt) ?? now,
        requestId: h.requestId === '' ? undefined : h.requestId,
      });
    case 'failed':
      return Object.freeze({
        ...base,
        state: 'failed',
        failure: json<Classification>(h.failure, {
          category: 'unknown',
          retryable: false,
          reason: 'unknown',
        }),
        why: (h.why ?? 'not-retryable') as JobFailed['why'],
        finishedAt: num(h.finishedAt) ?? now,
      });
    default:
      return undefined;
  }
}
