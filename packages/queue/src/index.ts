export { JobFailedError, QueueFullError } from './errors.ts';
export type {
  QueueCompletedEvent,
  QueueDeadLetteredEvent,
  QueueDelayedEvent,
  QueueEnqueuedEvent,
  QueueFailedEvent,
  QueueFailureFields,
  QueueJobFields,
  QueueStartedEvent,
} from './events.ts';
export type {
  JobDone,
  JobFailed,
  JobQueued,
  JobRunning,
  JobState,
  JobStatus,
  JobStatusBase,
  JobWaiting,
} from './job-status.ts';
export { ENDPOINTS, type Endpoint, LANES, type Lane } from './names.ts';
export type { QueueOptions } from './options.ts';
export {
  createProducer,
  type EnqueueOptions,
  type Job,
  type Producer,
  type ProducerOptions,
} from './producer.ts';
export { type RemoveQueueOptions, removeQueue } from './remove-queue.ts';
export { type HandleSignalsOptions, handleSignals } from './signals.ts';
export { createWorker, type Worker, type WorkerOptions } from './worker.ts';
