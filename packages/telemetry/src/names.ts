// Every attribute and instrument name telemetry() writes, in one place: docs/monitoring/README.md
// tabulates them and the tests check the GenAI ones against @opentelemetry/semantic-conventions.

/** OpenTelemetry GenAI semantic conventions (development status; the OpenAI client spans and metrics). */
export const GEN_AI = {
  providerName: 'gen_ai.provider.name',
  operationName: 'gen_ai.operation.name',
  requestModel: 'gen_ai.request.model',
  requestStream: 'gen_ai.request.stream',
  requestMaxTokens: 'gen_ai.request.max_tokens',
  requestTemperature: 'gen_ai.request.temperature',
  requestTopP: 'gen_ai.request.top_p',
  requestSeed: 'gen_ai.request.seed',
  requestChoiceCount: 'gen_ai.request.choice.count',
  responseModel: 'gen_ai.response.model',
  responseId: 'gen_ai.response.id',
  responseTimeToFirstChunk: 'gen_ai.response.time_to_first_chunk',
  usageInputTokens: 'gen_ai.usage.input_tokens',
  usageOutputTokens: 'gen_ai.usage.output_tokens',
  usageCacheReadInputTokens: 'gen_ai.usage.cache_read.input_tokens',
  usageReasoningOutputTokens: 'gen_ai.usage.reasoning.output_tokens',
  tokenType: 'gen_ai.token.type',
  inputMessages: 'gen_ai.input.messages',
  openaiApiType: 'openai.api.type',
  openaiRequestServiceTier: 'openai.request.service_tier',
  errorType: 'error.type',
} as const;

/** Our own attributes: every one under the `unfazed.` prefix. */
export const UNFAZED = {
  // On every signal.
  key: 'unfazed.key',
  feature: 'unfazed.feature',
  outcome: 'unfazed.outcome',
  category: 'unfazed.category',
  reason: 'unfazed.reason',
  // Spans: one call's story.
  user: 'unfazed.user',
  tag: 'unfazed.tag.',
  code: 'unfazed.code',
  status: 'unfazed.status',
  attempt: 'unfazed.attempt',
  attempts: 'unfazed.attempts',
  retries: 'unfazed.retries',
  retryDelaySource: 'unfazed.retry.delay_source',
  retryDelayMs: 'unfazed.retry.delay_ms',
  retryWhy: 'unfazed.retry.why',
  limiterWaitMs: 'unfazed.rate_limit.wait_ms',
  breakerState: 'unfazed.breaker.state',
  fallback: 'unfazed.fallback',
  fallbackModel: 'unfazed.fallback.model',
  clientRequestId: 'unfazed.client_request_id',
  requestId: 'unfazed.request_id',
  requestIds: 'unfazed.request_ids',
  answer: 'unfazed.answer',
  // Metric dimensions (also the names span events give the same fields).
  userBucket: 'unfazed.user.bucket',
  delaySource: 'unfazed.delay_source',
  hintSource: 'unfazed.hint_source',
  why: 'unfazed.why',
  state: 'unfazed.state',
  from: 'unfazed.from',
  to: 'unfazed.to',
  hook: 'unfazed.hook',
  source: 'unfazed.source',
  instrument: 'unfazed.instrument',
} as const;

/** Standard attributes on attempt spans. */
export const HTTP_STATUS = 'http.response.status_code';

/** Instrument names (OpenTelemetry); the Prometheus exporter writes dots as underscores and adds unit suffixes. */
export const METRICS = {
  duration: 'gen_ai.client.operation.duration',
  tokenUsage: 'gen_ai.client.token.usage',
  timeToFirstChunk: 'gen_ai.client.operation.time_to_first_chunk',
  calls: 'unfazed.calls',
  attempts: 'unfazed.attempts',
  retries: 'unfazed.retries',
  giveUps: 'unfazed.retry.give_ups',
  breakerState: 'unfazed.breaker.state',
  breakerTransitions: 'unfazed.breaker.transitions',
  limiterWait: 'unfazed.rate_limit.wait',
  limiterRejections: 'unfazed.rate_limit.rejections',
  limiterCooldowns: 'unfazed.rate_limit.cooldowns',
  remainingRequests: 'unfazed.rate_limit.remaining_requests',
  remainingTokens: 'unfazed.rate_limit.remaining_tokens',
  bulkheadRejections: 'unfazed.bulkhead.rejections',
  fallbacks: 'unfazed.fallbacks',
  hookFailures: 'unfazed.hook.failures',
} as const;

/** The conventions' advised bucket boundaries for operation duration and time to first chunk, in seconds. */
export const DURATION_BUCKETS = [
  0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92,
] as const;

/** The conventions' advised bucket boundaries for token usage. */
export const TOKEN_BUCKETS = [
  1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864,
] as const;

/** Limiter waits run from a few ms (a smoothed burst) to a minute (a drained TPM bucket). */
export const WAIT_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 40, 60] as const;

/** The value a folded attribute takes once an instrument has seen `maxAttributeSets` sets. */
export const OTHER = 'other';
