export type { TelemetryAttributesFoldedEvent } from './events.ts';
export { DURATION_BUCKETS, GEN_AI, METRICS, TOKEN_BUCKETS, UNFAZED, WAIT_BUCKETS } from './names.ts';
export type { CaptureUser, TelemetryLogger, TelemetryOptions } from './options.ts';
export { telemetry } from './telemetry.ts';
