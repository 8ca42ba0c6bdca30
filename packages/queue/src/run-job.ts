import { type Classification, classify } from '@unfazed/classify';
import type { Channel, ConsumeMessage } from 'amqplib';
import { planDelay } from './delay.ts';
import type { JobMessage } from './job-message.ts';
import { deadlineFailure } from './job-status.ts';
import type { Claim } from './job-store.ts';
import { type CallScope, inCall, sendJob } from './worker-client.ts';
import type { WorkerCore } from './worker-core.ts';

/** One delivery of a message: acked or returned on the channel it came on. */
export interface Delivery {
  readonly ch: Channel;
  readonly msg: ConsumeMessage;
}

/** A job this worker is running: every delivery of it that arrived meanwhile is settled with it. */
export interface Run {
  readonly job: JobMessage;
  readonly deliveries: Delivery[];
  readonly controller: AbortController;
}

type Stop = { readonly kind: 'deadline' | 'lease-lost' | 'stop' };

/** Acks (or returns to its queue) each delivery; one whose channel died is redelivered anyway. */
export function settle(deliveries: readonly Delivery[], how: 'ack' | 'requeue'): void {
  for (const d of deliveries) {
    try {
      if (how === 'ack') d.ch.ack(d.msg);
      else d.ch.nack(d.msg, false, true);
    } catch {
      // The channel closed: RabbitMQ redelivers the message, and its state in Redis says what to do.
    }
  }
}

/**
 * Handles one delivered job: claims it in Redis, and either drops it (already finished), delays the
 * copy (another worker's live lease, or a retry copy back early), fails it (deadline passed), or
 * runs it and records the outcome before acking, so a worker dying at any point loses nothing.
 */
export async function processJob(w: WorkerCore, delivery: Delivery, job: JobMessage): Promise<void> {
  const scope = { key: job.key ?? String(job.request.model), tags: job.tags };
  let claim: Claim = await w.persist(() => w.store.claim(job, w.o.clock.now(), w.id, w.o.leaseMs));
  if (claim.kind === 'mine') {
    const run = w.running.get(job.id);
    // A copy of a job this worker runs (its connection dropped and RabbitMQ redelivered): settle it with the run.
    if (run) return void run.deliveries.push(delivery);
    claim = await w.persist(() => w.store.claim(job, w.o.clock.now(), w.id, w.o.leaseMs, true));
  }
  switch (claim.kind) {
    case 'final':
      return settle([delivery], 'ack');
    case 'leased':
    case 'early': {
      const delayMs = claim.kind === 'leased' ? claim.leftMs + w.o.leaseMs / 10 : claim.leftMs;
      await w.delayCopy(job, [delivery], delayMs);
      w.events.emit(
        { ...scope },
        delayedEvent(w, job, delayMs, claim.kind === 'leased' ? 'leased' : 'early'),
      );
      return;
    }
    case 'expired':
      failedEvent(
        w,
        job,
        scope,
        undefined,
        'deadline',
        deadlineFailure('its deadline passed before a worker could send it'),
      );
      return settle([delivery], 'ack');
    case 'mine':
      return settle([delivery], 'requeue');
    case 'claimed':
      return runClaimed(w, delivery, job, claim);
  }
}

async function runClaimed(
  w: WorkerCore,
  delivery: Delivery,
  job: JobMessage,
  claim: Extract<Claim, { kind: 'claimed' }>,
): Promise<void> {
  const { clock } = w.o;
  const scope = { key: job.key ?? String(job.request.model), tags: job.tags, attempt: claim.attempts };
  const started = clock.now();
  w.events.emit(scope, {
    type: 'queue.started',
    source: w.o.source,
    jobId: job.id,
    lane: job.lane,
    waitedMs: Math.max(0, started - claim.enqueuedAt),
    redelivered: delivery.msg.fields.redelivered,
    inDoubt: claim.inDoubt,
    worker: w.id,
  });
  const run: Run = { job, deliveries: [delivery], controller: new AbortController() };
  const stop = (kind: Stop['kind']) => run.controller.abort({ kind } satisfies Stop);
  w.running.set(job.id, run);
  const cancels: (() => void)[] = [];
  if (job.deadline !== undefined)
    cancels.push(clock.schedule(job.deadline - started, () => stop('deadline')));
  // A renewal in flight when the call settles must not schedule another: `over` ends the loop.
  let over = false;
  const renew = () => {
    if (over) return;
    cancels.push(
      clock.schedule(w.o.leaseMs / 3, () => {
        w.store.renew(job.id, clock.now(), w.id, w.o.leaseMs).then(
          (held) => (held ? renew() : stop('lease-lost')),
          () => renew(), // Redis is away: nobody else can take the lease meanwhile; try again.
        );
      }),
    );
  };
  renew();
  const onHalt = () => stop('stop');
  w.halt.addEventListener('abort', onHalt);
  if (w.halt.aborted) onHalt();
  const call: CallScope = { job, waiting: false, requestId: undefined, sent: false };
  let outcome: { ok: true; value: unknown } | { ok: false; error: unknown };
  try {
    outcome = { ok: true, value: await inCall(call, () => sendJob(w.client, job, run.controller.signal)) };
  } catch (error) {
    outcome = { ok: false, error };
  } finally {
    over = true;
    for (const cancel of cancels) cancel();
    w.halt.removeEventListener('abort', onHalt);
  }
  try {
    await finishRun(w, run, call, outcome, scope, started);
  } finally {
    w.running.delete(job.id);
  }
}

async function finishRun(
  w: WorkerCore,
  run: Run,
  call: CallScope,
  outcome: { ok: true; value: unknown } | { ok: false; error: unknown },
  scope: { key: string; tags: Readonly<Record<string, string>>; attempt: number },
  started: number,
): Promise<void> {
  const { job } = run;
  const { clock } = w.o;
  const stopped = run.controller.signal.aborted ? (run.controller.signal.reason as Stop).kind : undefined;
  if (outcome.ok) {
    const requestId = (outcome.value as { _request_id?: string } | null)?._request_id ?? call.requestId;
    const now = clock.now();
    const done = await w.persist(() =>
      w.store.finish(job.id, now, { state: 'done', result: outcome.value, requestId }),
    );
    if (done === 'ok') {
      w.events.emit(scope, {
        type: 'queue.completed',
        source: w.o.source,
        jobId: job.id,
        lane: job.lane,
        durationMs: now - started,
        totalMs: now - job.enqueuedAt,
        requestId,
      });
    }
    return settle(run.deliveries, 'ack');
  }
  if (stopped === 'lease-lost') return settle(run.deliveries, 'ack'); // another worker holds the job and its message
  if (stopped === 'stop') {
    await w.store.release(job.id, w.id).catch(() => {});
    return settle(run.deliveries, 'requeue');
  }
  if (stopped === 'deadline') {
    return fail(w, run, scope, 'deadline', deadlineFailure('its deadline passed while it was being sent'));
  }
  const now = clock.now();
  const c = classify(outcome.error, { now });
  const plan = planDelay(c, outcome.error, scope.attempt - 1, w.o.backoff);
  if (plan === undefined) return fail(w, run, scope, 'not-retryable', c);
  const until = now + plan.delayMs;
  const decided = await w.persist(() =>
    w.store.delay(job.id, {
      now,
      worker: w.id,
      until,
      failure: c,
      countFailure: plan.countFailure,
      maxAttempts: w.o.maxAttempts,
    }),
  );
  if (decided === 'exhausted' || decided === 'deadline') {
    failedEvent(
      w,
      job,
      scope,
      undefined,
      decided,
      decided === 'deadline' ? deadlineFailure('it would retry after its deadline') : c,
    );
    return settle(run.deliveries, 'ack');
  }
  if (decided !== 'delayed') return settle(run.deliveries, 'ack');
  await w.delayCopy(job, run.deliveries, plan.delayMs);
  w.events.emit(scope, { ...delayedEvent(w, job, plan.delayMs, 'retry'), ...failureFields(c) });
}

async function fail(
  w: WorkerCore,
  run: Run,
  scope: { key: string; tags: Readonly<Record<string, string>>; attempt: number },
  why: 'not-retryable' | 'deadline',
  failure: Classification,
): Promise<void> {
  const recorded = await w.persist(() =>
    w.store.finish(run.job.id, w.o.clock.now(), { state: 'failed', failure, why }),
  );
  if (recorded === 'ok') failedEvent(w, run.job, scope, scope.attempt, why, failure);
  settle(run.deliveries, 'ack');
}

function failureFields(c: Classification) {
  return { category: c.category, reason: c.reason, status: c.status, code: c.code, requestId: c.requestId };
}

function failedEvent(
  w: WorkerCore,
  job: JobMessage,
  scope: { key: string; tags: Readonly<Record<string, string>> },
  attempt: number | undefined,
  why: 'not-retryable' | 'exhausted' | 'deadline',
  c: Classification,
): void {
  w.events.emit(
    { ...scope, attempt },
    { type: 'queue.failed', source: w.o.source, jobId: job.id, lane: job.lane, why, ...failureFields(c) },
  );
}

function delayedEvent(w: WorkerCore, job: JobMessage, delayMs: number, why: 'retry' | 'leased' | 'early') {
  return {
    type: 'queue.delayed' as const,
    source: w.o.source,
    jobId: job.id,
    lane: job.lane,
    delayMs,
    why,
    category: undefined,
    reason: undefined,
    status: undefined,
    code: undefined,
    requestId: undefined,
  };
}
