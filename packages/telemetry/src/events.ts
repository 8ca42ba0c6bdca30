import type { EventBase } from '@unfazed/core';

declare module '@unfazed/core' {
  interface ResilienceEventMap {
    'telemetry.attributes-folded': TelemetryAttributesFoldedEvent;
  }
}

/**
 * An instrument reached `maxAttributeSets` distinct attribute sets: from now on its new sets have
 * their open-ended values (model, feature, key, user bucket) recorded as `other`. Emitted once per
 * instrument, on the call that first folded.
 */
export interface TelemetryAttributesFoldedEvent extends EventBase {
  readonly type: 'telemetry.attributes-folded';
  /** The instrument's name, e.g. `unfazed.calls`. */
  readonly instrument: string;
  /** The `maxAttributeSets` option. */
  readonly limit: number;
}
