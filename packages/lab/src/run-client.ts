import { type ChaosStats, startChaosServer } from '@unfazed/testing';
import { arrivalTimes } from './arrivals.ts';

import { type CallScope, countingFetch, inCallScope } from './call-scope.ts';
import type { ClientContext, ClientEntry } from './client.ts';
import { type EventRecord, eventLog } from './event-log.ts';

export type { EventRecord };

import { failureLabel } from './failure-label.ts';
import { requestBody } from './request-body.ts';
import type { ScaledClock } from './scaled-clock.ts';
import type { ResolvedScenario } from './scenario.ts';
import { realFaults, serverOptions } from './tune.ts';

/** One logical call as its caller saw it. Times are ms of scenario time since the load began. */
export interface CallOutcome {
  /** When it was due to arrive (open loop: latency counts from here, even if the process was late). */
  at: number;
  /** When it settled, or when the caller gave up on it. */
  end: number;
  ok: boolean;
  /** Why it failed (see `failureLabel`); `no answer in <patience>` when the caller gave up. */
  failure?: string;
  /** Requests it sent, as counted by `ctx.fetch` (0 when the client does not use it). */
  attempts: number;
}

/** Everything one client did in one scenario. */
export interface ClientRun {
  readonly client: { id: string; label: string; description: string };
  readonly calls: CallOutcome[];
  /** What the server counted (without its raw request log). */
  readonly server: Omit<ChaosStats, 'requests'>;
  /** Whether attempts were counted per call (the client passed `ctx.fetch` to its SDK). */
  readonly attemptsCounted: boolean;
  readonly events: EventRecord[];
  readonly eventCounts: Record<string, number>;
  /** Calls that settled only after their caller had given up. */
  readonly lateSettled: number;
  /** Real ms the run took. */
  readonly wallMs: number;
}

/** Progress of one client in a scenario. */
export interface ClientProgress {
  readonly client: string;
  readonly total: number;
  readonly done: number;
  readonly ok: number;
}

/** Options of {@link runClient}. */
export interface RunClientOptions {
  readonly clock: ScaledClock;
  /** Width of the time bins of the charts, in scenario ms. */
  readonly binMs: number;
  readonly onProgress?: (p: ClientProgress) => void;
}

/** Runs one client through one scenario against its own chaos server, and records what happened. */
export async function runClient(
  s: ResolvedScenario,
  entry: ClientEntry,
  o: RunClientOptions,
): Promise<ClientRun> {
  const { clock } = o;
  const started = performance.now();
  const server = await startChaosServer(serverOptions(s, clock, o.binMs));
  const cancels: (() => void)[] = [];
  const cleanups: (() => unknown)[] = [];
  let cleanupFailure: { error: unknown } | undefined;
  let run: ClientRun;
  try {
    const log = eventLog(clock);
    let origin = clock.now();
    const ctx: ClientContext = Object.freeze({
      baseURL: server.url,
      apiKey: s.apiKey,
      timeScale: clock.scale,
      clock,
      fetch: countingFetch(),
      onEvent: log.onEvent,
      patienceMs: s.patienceMs,
      onClose: (cleanup: () => unknown) => {
        if (typeof cleanup !== 'function') {
          throw new TypeError(`client ${entry.id}: ctx.onClose takes a function, got ${typeof cleanup}`);
        }
        cleanups.push(cleanup);
      },
    });
    const call = await entry.create(ctx);
    if (typeof call !== 'function') {
      throw new TypeError(
        `client ${entry.id}: its factory must return a function (request) => Promise, got ${typeof call}`,
      );
    }
    const arrivals = arrivalTimes(s);
    const calls: CallOutcome[] = arrivals.map((at) => ({ at, end: Number.NaN, ok: false, attempts: 0 }));
    const scopes: CallScope[] = arrivals.map(() => ({ attempts: 0 }));
    let done = 0;
    let ok = 0;
    let lateSettled = 0;
    const report = () => o.onProgress?.({ client: entry.id, total: calls.length, done, ok });
    const patience = `no answer in ${Math.round(s.patienceMs / 1000)} s`;
    let finish: () => void = () => {};
    const finished = new Promise<void>((resolve) => {
      finish = resolve;
    });
    const settle = (i: number, success: boolean, failure?: string) => {
      const c = calls[i]!;
      if (!Number.isNaN(c.end)) {
        lateSettled += 1;
        return;
      }
      c.end = clock.now() - origin;
      c.ok = success;
      if (failure !== undefined) c.failure = failure;
      done += 1;
      if (success) ok += 1;
      report();
      if (done === calls.length) finish();
    };
    const fire = (i: number) => {
      const cancelPatience = clock.schedule(calls[i]!.at + s.patienceMs - (clock.now() - origin), () =>
        settle(i, false, patience),
      );
      cancels.push(cancelPatience);
      inCallScope(scopes[i]!, () => Promise.resolve().then(() => call(requestBody(s, i)))).then(
        () => {
          cancelPatience();
          settle(i, true);
        },
        (err: unknown) => {
          cancelPatience();
          settle(i, false, failureLabel(err));
        },
      );
    };

    // The server's time 0 (its fault windows, its stats timeline) is the load's start.
    server.reset();
    origin = clock.now();
    log.setOrigin(origin);
    for (const change of s.changes) {
      cancels.push(
        clock.schedule(change.atMs, () => {
          if (change.faults) server.setFaults(realFaults(change.faults, clock));
          if (change.insufficientQuota !== undefined) server.setInsufficientQuota(change.insufficientQuota);
        }),
      );
    }
    let next = 0;
    const pump = () => {
      const now = clock.now() - origin;
      while (next < arrivals.length && arrivals[next]! <= now) fire(next++);
      if (next < arrivals.length) cancels.push(clock.schedule(arrivals[next]! - now, pump));
    };
    if (calls.length === 0) finish();
    else pump();
    await finished;

    for (let i = 0; i < calls.length; i++) calls[i]!.attempts = scopes[i]!.attempts;
    const { requests: _log, ...stats } = server.stats();
    run = {
      client: { id: entry.id, label: entry.label, description: entry.description },
      calls,
      server: stats,
      attemptsCounted: scopes.some((c) => c.attempts > 0),
      events: log.events,
      eventCounts: log.counts,
      lateSettled,
      wallMs: performance.now() - started,
    };
  } finally {
    for (const cancel of cancels) cancel();
    for (const cleanup of cleanups.reverse()) {
      try {
        await boundedCleanup(entry.id, cleanup);
      } catch (error) {
        cleanupFailure ??= { error };
      }
    }
    await server.close();
  }
  if (cleanupFailure) throw cleanupFailure.error;
  return run;
}

/** Real time a client's cleanup may take before the run fails instead of hanging. */
const CLEANUP_LIMIT_MS = 30_000;

async function boundedCleanup(client: string, cleanup: () => unknown): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`client ${client}: a cleanup given to ctx.onClose did not finish in 30 s`)),
      CLEANUP_LIMIT_MS,
    );
  });
  try {
    await Promise.race([Promise.resolve().then(cleanup), limit]);
  } finally {
    clearTimeout(timer);
  }
}
