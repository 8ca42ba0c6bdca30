import type { TelemetryLogger } from './options.ts';

/** Levels the bridge writes at (pino's names). */
export type Level = 'info' | 'warn' | 'error';

/** What every log line of one call says about the call (Elastic Common Schema names where they exist). */
export interface LogScope {
  readonly operation: string;
  readonly provider: string;
  readonly model: string;
  readonly key: string;
  readonly feature: string | undefined;
  readonly user: string | undefined;
  readonly labels: Readonly<Record<string, string>> | undefined;
  readonly clientRequestId: string | undefined;
  readonly traceId: string | undefined;
  readonly spanId: string | undefined;
}

/** One line's own facts. `unfazed` holds ours; the rest are ECS fields. */
export interface LogFacts {
  readonly action: string;
  readonly outcome?: 'success' | 'failure' | 'unknown';
  /** ECS `event.duration`, given here in ms (written in ns, as ECS wants). */
  readonly durationMs?: number;
  readonly errorType?: string;
  readonly errorCode?: string;
  readonly errorMessage?: string;
  readonly status?: number;
  readonly unfazed: Readonly<Record<string, unknown>>;
}

/**
 * Turns telemetry's facts into structured log lines for a pino-shaped logger. Field names follow
 * the Elastic Common Schema (`event.action`, `error.type`, `user.id`, `labels.feature`,
 * `trace.id`, `service.name`, `http.request.id`, and ECS's `gen_ai.*` fields, which mirror
 * OpenTelemetry's), so "which users and features are hit" is one query in Elasticsearch or
 * OpenSearch: `error.type:* | stats count() by labels.feature, user.id`. Ours sit under `unfazed`.
 * A logger that throws is ignored.
 */
export class LogBridge {
  readonly #logger: TelemetryLogger | undefined;
  readonly #service: { name: string } | undefined;

  constructor(logger: TelemetryLogger | undefined, serviceName: string | undefined) {
    this.#logger = logger;
    this.#service = serviceName === undefined ? undefined : { name: serviceName };
  }

  get enabled(): boolean {
    return this.#logger !== undefined;
  }

  write(level: Level, scope: LogScope | undefined, facts: LogFacts, message: string): void {
    const logger = this.#logger;
    if (logger === undefined) return;
    const fields: Record<string, unknown> = {
      event: {
        action: facts.action,
        dataset: 'unfazed.telemetry',
        kind: 'event',
        ...(facts.outcome && { outcome: facts.outcome }),
        ...(facts.durationMs !== undefined && { duration: Math.round(facts.durationMs * 1e6) }),
      },
    };
    if (this.#service) fields.service = this.#service;
    if (scope !== undefined) {
      if (scope.traceId) fields.trace = { id: scope.traceId };
      if (scope.spanId) fields.span = { id: scope.spanId };
      if (scope.feature !== undefined || scope.labels !== undefined) {
        fields.labels = { ...scope.labels, ...(scope.feature !== undefined && { feature: scope.feature }) };
      }
      if (scope.user !== undefined) fields.user = { id: scope.user };
      fields.gen_ai = {
        operation: { name: scope.operation },
        provider: { name: scope.provider },
        request: { model: scope.model },
      };
    }
    const http: Record<string, unknown> = {};
    if (scope?.clientRequestId) http.request = { id: scope.clientRequestId };
    if (facts.status !== undefined) http.response = { status_code: facts.status };
    if (Object.keys(http).length > 0) fields.http = http;
    if (facts.errorType !== undefined) {
      fields.error = {
        type: facts.errorType,
        ...(facts.errorCode && { code: facts.errorCode }),
        ...(facts.errorMessage && { message: facts.errorMessage }),
      };
    }
    fields.unfazed = scope === undefined ? facts.unfazed : { key: scope.key, ...facts.unfazed };
    try {
      logger[level](fields, message);
    } catch {
      // A logger that breaks must never break the call it reports on.
    }
  }
}
