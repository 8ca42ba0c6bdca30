import type { LabEvent } from './client.ts';
import type { ScaledClock } from './scaled-clock.ts';

/** An event kept for the charts: its type, its time since the load began, and the fields charted. */
export interface EventRecord {
  t: number;
  type: string;
  to?: string;
  waitMs?: number;
  why?: string;
  delayMs?: number;
}

/** The events the report draws; the rest are only counted. */
const CHARTED = new Set([
  'breaker.state-changed',
  'rate-limit.queued',
  'rate-limit.rejected',
  'rate-limit.cooldown-started',
  'retry.scheduled',
  'timeout.expired',
]);
// Enough for every wait of a busy scenario; a client that reports far more is cut, not the run.
const MAX_EVENTS = 50_000;

/** What a client reported: the charted events in order, and a count of every type. */
export interface EventLog {
  readonly events: EventRecord[];
  readonly counts: Record<string, number>;
  /** `ctx.onEvent`: takes any event, keeps what the charts need. Never throws. */
  readonly onEvent: (event: LabEvent) => void;
  /** Times are kept relative to this moment of the clock (the load's start). */
  setOrigin(time: number): void;
}

/** A log of one client's events on `clock`. */
export function eventLog(clock: ScaledClock): EventLog {
  const events: EventRecord[] = [];
  const counts: Record<string, number> = {};
  let origin = clock.now();
  const onEvent = (reported: LabEvent) => {
    if (!reported || typeof reported.type !== 'string') return;
    const event = reported as unknown as Record<string, unknown> & LabEvent;
    counts[event.type] = (counts[event.type] ?? 0) + 1;
    if (!CHARTED.has(event.type) || events.length >= MAX_EVENTS) return;
    const time = typeof event.time === 'number' ? event.time : clock.now();
    const e: EventRecord = { t: time - origin, type: event.type };
    for (const field of ['to', 'why'] as const) if (typeof event[field] === 'string') e[field] = event[field];
    for (const field of ['waitMs', 'delayMs'] as const)
      if (typeof event[field] === 'number') e[field] = event[field];
    events.push(e);
  };
  return {
    events,
    counts,
    onEvent,
    setOrigin(time) {
      origin = time;
    },
  };
}
