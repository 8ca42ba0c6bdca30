import type { Attributes } from '@opentelemetry/api';
import { redact } from './redact.ts';

/** An event as the sink sees it: a type and readonly fields (docs/events.md). */
export interface SeenEvent {
  readonly type: string;
  readonly source: string;
  readonly time: number;
  readonly key: string;
  readonly attempt: number;
  readonly [field: string]: unknown;
}

// Every event carries these; the span already says them, or they are not attributes (tags).
const BASE = new Set(['type', 'source', 'time', 'key', 'attempt', 'tags', 'pipeline']);
// Free text a user's code wrote (a hook's error, a store's message): redacted before recording.
const TEXT = new Set(['error']);

/**
 * A span event's attributes for `event`: each of its own fields as `unfazed.<snake_case>`
 * (`delayMs` → `unfazed.delay_ms`), so an event added to docs/events.md later needs no code here.
 * Objects are left out; lists keep their strings.
 */
export function eventAttributes(event: SeenEvent): Attributes {
  const out: Attributes = { 'unfazed.source': event.source, 'unfazed.attempt': event.attempt };
  for (const name of Object.keys(event)) {
    if (BASE.has(name)) continue;
    const value = event[name];
    const key = `unfazed.${snake(name)}`;
    if (typeof value === 'string') out[key] = TEXT.has(name) ? redact(value) : value;
    else if (typeof value === 'number' || typeof value === 'boolean') out[key] = value;
    else if (Array.isArray(value)) out[key] = value.filter((v): v is string => typeof v === 'string');
  }
  return out;
}

const cache = new Map<string, string>();

function snake(name: string): string {
  let out = cache.get(name);
  if (out === undefined) {
    out = name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
    cache.set(name, out);
  }
  return out;
}

/** `value` when it is a finite number. */
export function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** `value` when it is a non-empty string. */
export function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * A clock reading (ms since the epoch) as an OpenTelemetry time. Spans take their times from the
 * pipeline's clock, as every duration here does, so a span lasts what its metric says (on a
 * VirtualClock too); a plain number would be read as `performance.now()` when it is small.
 */
export function hrTime(ms: number): [number, number] {
  const seconds = Math.floor(ms / 1_000);
  return [seconds, Math.round((ms - seconds * 1_000) * 1e6)];
}
