import type { Circuit } from './circuit.ts';
import { CircuitOpenError } from './errors.ts';

/** The refusal a circuit that is not closed gives a call at `now`. */
export function refusal(key: string, c: Circuit, now: number, halfOpenAfterMs: number): CircuitOpenError {
  const cause = c.lastFailure === undefined ? undefined : { cause: c.lastFailure };
  if (c.state === 'isolated') return new CircuitOpenError(key, 'isolated', undefined, cause);
  if (c.state === 'half-open') {
    return new CircuitOpenError(
      key,
      'half-open',
      Math.max(0, c.probeStartedAt + halfOpenAfterMs - now),
      cause,
    );
  }
  return new CircuitOpenError(key, 'open', Math.max(0, c.reopenAt - now), cause);
}

/**
 * A call met a circuit that is not closed: throws its refusal, or lets it through as the one probe
 * (moving an open circuit whose time is up to half-open first). Nothing queues behind a probe:
 * every other call fails fast until it answers, or until it is `halfOpenAfterMs` old and counts
 * as lost (then the next call probes, and the lost one's late answer decides nothing).
 */
export function admitProbe(
  key: string,
  c: Circuit,
  now: number,
  halfOpenAfterMs: number,
  toHalfOpen: () => void,
): void {
  if (c.state === 'isolated') throw refusal(key, c, now, halfOpenAfterMs);
  if (c.state === 'open') {
    if (now < c.reopenAt) throw refusal(key, c, now, halfOpenAfterMs);
    toHalfOpen();
  } else if (c.probing) {
    if (now < c.probeStartedAt + halfOpenAfterMs) throw refusal(key, c, now, halfOpenAfterMs);
    c.generation++;
  }
  c.probing = true;
  c.probeStartedAt = now;
}
