/**
 * Real-world error responses of the OpenAI and Azure OpenAI APIs (bodies verbatim, organisation and
 * request ids anonymised), with what `classify` must say about each. Shared by the tests.
 */
import type { Classification } from './vocabulary.ts';

/** One recorded HTTP error response and its expected classification. */
export interface HttpFixture {
  name: string;
  status: number;
  headers: Record<string, string>;
  /** The body exactly as the server sent it. */
  body: string;
  expect: Partial<Classification>;
}

const json = { 'content-type': 'application/json' };

export const RPM_429_BODY =
  '{"error":{"message":"Rate limit reached for gpt-4o-mini in organization org-x on requests per min (RPM): Limit 3, Used 3, Requested 1. Please try again in 20s. Visit https://platform.openai.com/account/rate-limits to learn more.","type":"requests","param":null,"code":"rate_limit_exceeded"}}';
export const QUOTA_429_BODY =
  '{"error":{"message":"You exceeded your current quota, please check your plan and billing details.","type":"insufficient_quota","param":null,"code":"insufficient_quota"}}';
export const AZURE_429_BODY =
  '{"error":{"code":"429","message":"Requests to the ChatCompletions_Create Operation under Azure OpenAI API version 2024-08-01-preview have exceeded token rate limit of your current OpenAI S0 pricing tier. Please retry after 86400 seconds. ..."}}';
export const STREAM_ERROR_LINE =
  'data: {"error":{"message":"The server experienced an error while processing your request.","type":"server_error","param":null,"code":null}}';
export const TPM_429_BODY =
  '{"error":{"message":"Rate limit reached for gpt-4o in organization org-x on tokens per min (TPM): Limit 30000, Used 29600, Requested 700. Please try again in 644ms. Visit https://platform.openai.com/account/rate-limits to learn more.","type":"tokens","param":null,"code":"rate_limit_exceeded"}}';
export const TOO_LARGE_429_BODY =
  '{"error":{"message":"Request too large for gpt-4o in organization org-x on tokens per min (TPM): Limit 30000, Requested 50000. The input or output tokens must be reduced in order to run successfully. Visit https://platform.openai.com/account/rate-limits to learn more.","type":"tokens","param":null,"code":"rate_limit_exceeded"}}';

const limits = (requests: [string, string], tokens: [string, string]) => ({
  'x-ratelimit-limit-requests': '500',
  'x-ratelimit-remaining-requests': requests[0],
  'x-ratelimit-reset-requests': requests[1],
  'x-ratelimit-limit-tokens': '30000',
  'x-ratelimit-remaining-tokens': tokens[0],
  'x-ratelimit-reset-tokens': tokens[1],
});

/** The HTTP error corpus. */
export const HTTP_FIXTURES: readonly HttpFixture[] = [
  {
    // Limit 3 per minute, none left: the bucket is full again in 60 s, but one request fits in 20 s.
    name: '429 requests per minute',
    status: 429,
    headers: {
      ...json,
      'x-request-id': 'req_rpm',
      ...limits(['0', '1m0s'], ['29990', '20ms']),
      'x-ratelimit-limit-requests': '3',
    },
    body: RPM_429_BODY,
    expect: {
      category: 'transient',
      retryable: true,
      reason: 'rate_limit_requests',
      code: 'rate_limit_exceeded',
      type: 'requests',
      retryAfterMs: 20_000,
      retryAfterSource: 'message',
      requestId: 'req_rpm',
    },
  },
  {
    name: '429 requests per minute, no headers (message hint)',
    status: 429,
    headers: {},
    body: RPM_429_BODY,
    expect: { reason: 'rate_limit_requests', retryAfterMs: 20_000, retryAfterSource: 'message' },
  },
  {
    // OpenAI at 1000 RPM: "try again in 4ms" while reset-requests says the bucket is full in 5.998 s.
    // The reset header is the time until *full*: one request fits after 5998 / 1000 = 6 ms.
    name: '429 requests per minute, reset header and message disagree',
    status: 429,
    headers: { ...limits(['0', '5.998s'], ['199000', '300ms']), 'x-ratelimit-limit-requests': '1000' },
    body: RPM_429_BODY.replace('Limit 3, Used 3', 'Limit 1000, Used 1000').replace('in 20s', 'in 4ms'),
    expect: { reason: 'rate_limit_requests', retryAfterMs: 4, retryAfterSource: 'message' },
  },
  {
    name: '429 requests per minute, reset header only: scaled to one request',
    status: 429,
    headers: { ...limits(['0', '5.998s'], ['199000', '300ms']), 'x-ratelimit-limit-requests': '1000' },
    body: '{"error":{"message":"Rate limit reached for requests","type":"requests","param":null,"code":"rate_limit_exceeded"}}',
    expect: { reason: 'rate_limit_requests', retryAfterMs: 6, retryAfterSource: 'rate-limit-reset' },
  },
  {
    name: '429 requests per minute, a message asking longer than the reset header allows',
    status: 429,
    headers: { ...limits(['0', '5.998s'], ['199000', '300ms']), 'x-ratelimit-limit-requests': '1000' },
    body: RPM_429_BODY.replace('Limit 3, Used 3', 'Limit 1000, Used 1000'),
    expect: { reason: 'rate_limit_requests', retryAfterMs: 6, retryAfterSource: 'rate-limit-reset' },
  },
  {
    // 30 000 TPM, 400 left, 700 requested: 300 more at 0.5 tokens/ms is 600 ms; the bucket is full
    // in 59.2 s. The message's 644 ms is longer than what the headers say, so the headers bound it.
    name: '429 tokens per minute',
    status: 429,
    headers: { 'x-request-id': 'req_tpm', ...limits(['499', '120ms'], ['400', '59.2s']) },
    body: TPM_429_BODY,
    expect: {
      category: 'transient',
      retryable: true,
      reason: 'rate_limit_tokens',
      type: 'tokens',
      retryAfterMs: 600,
      retryAfterSource: 'rate-limit-reset',
    },
  },
  {
    name: '429 tokens per minute, message hint only',
    status: 429,
    headers: {},
    body: TPM_429_BODY,
    expect: { reason: 'rate_limit_tokens', retryAfterMs: 644, retryAfterSource: 'message' },
  },
  {
    name: '429 request too large',
    status: 429,
    headers: limits(['499', '120ms'], ['30000', '0s']),
    body: TOO_LARGE_429_BODY,
    expect: {
      category: 'client',
      retryable: false,
      reason: 'request_too_large',
      code: 'rate_limit_exceeded',
    },
  },
  {
    name: '429 insufficient_quota',
    status: 429,
    headers: { 'x-request-id': 'req_quota' },
    body: QUOTA_429_BODY,
    expect: {
      category: 'client',
      retryable: false,
      reason: 'quota_exhausted',
      code: 'insufficient_quota',
      requestId: 'req_quota',
    },
  },
  {
    name: '400 billing_hard_limit_reached',
    status: 400,
    headers: {},
    body: '{"error":{"code":"billing_hard_limit_reached","message":"Billing hard limit has been reached","param":null,"type":"invalid_request_error"}}',
    expect: { category: 'client', retryable: false, reason: 'quota_exhausted' },
  },
  {
    name: '429 billing_not_active',
    status: 429,
    headers: {},
    body: '{"error":{"message":"Your account is not active, please check your billing details on our website.","type":"billing_not_active","param":null,"code":"billing_not_active"}}',
    expect: { category: 'client', retryable: false, reason: 'quota_exhausted' },
  },
  {
    name: '429 access_terminated',
    status: 429,
    headers: {},
    body: '{"error":{"message":"You have been rate limited due to access termination.","type":"access_terminated","param":null,"code":"access_terminated"}}',
    expect: { category: 'client', retryable: false, reason: 'quota_exhausted' },
  },
  {
    name: 'Azure 429 token rate limit',
    status: 429,
    headers: { 'retry-after': '86400', 'apim-request-id': 'apim-1f2e', 'x-ms-region': 'East US' },
    body: AZURE_429_BODY,
    expect: {
      category: 'transient',
      retryable: true,
      reason: 'rate_limit_tokens',
      code: '429',
      retryAfterMs: 86_400_000,
      retryAfterSource: 'retry-after',
      requestId: 'apim-1f2e',
    },
  },
  {
    name: 'Azure 429 call rate limit, retry-after-ms and x-ms-retry-after-ms',
    status: 429,
    headers: { 'retry-after': '6', 'x-ms-retry-after-ms': '5400', 'apim-request-id': 'apim-2' },
    body: '{"error":{"code":"429","message":"Requests to the ChatCompletions_Create Operation under Azure OpenAI API version 2024-02-01 have exceeded call rate limit of your current OpenAI S0 pricing tier. Please retry after 6 seconds. Please go here: https://aka.ms/oai/quotaincrease if you would like to further increase the default rate limit."}}',
    expect: { reason: 'rate_limit_requests', retryAfterMs: 5400, retryAfterSource: 'retry-after' },
  },
  {
    name: '400 context_length_exceeded',
    status: 400,
    headers: {},
    body: '{"error":{"message":"This model\'s maximum context length is 128000 tokens. However, your messages resulted in 130412 tokens. Please reduce the length of the messages.","type":"invalid_request_error","param":"messages","code":"context_length_exceeded"}}',
    expect: { category: 'client', retryable: false, reason: 'context_length_exceeded' },
  },
  {
    name: 'Azure 400 content_filter',
    status: 400,
    headers: { 'apim-request-id': 'apim-cf' },
    body: '{"error":{"message":"The response was filtered due to the prompt triggering Azure OpenAI\'s content management policy. Please modify your prompt and retry.","type":null,"param":"prompt","code":"content_filter","status":400,"innererror":{"code":"ResponsibleAIPolicyViolation","content_filter_result":{"hate":{"filtered":true,"severity":"high"}}}}}',
    expect: { category: 'client', retryable: false, reason: 'content_filter', requestId: 'apim-cf' },
  },
  {
    name: '400 content_policy_violation',
    status: 400,
    headers: {},
    body: '{"error":{"code":"content_policy_violation","message":"Your request was rejected as a result of our safety system. Your prompt may contain text that is not allowed by our safety system.","param":null,"type":"invalid_request_error"}}',
    expect: { category: 'client', reason: 'content_filter' },
  },
  {
    name: '401 invalid_api_key',
    status: 401,
    headers: { 'x-request-id': 'req_401' },
    body: '{"error":{"message":"Incorrect API key provided: sk-abc***xyz. You can find your API key at https://platform.openai.com/account/api-keys.","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}',
    expect: { category: 'client', retryable: false, reason: 'authentication', code: 'invalid_api_key' },
  },
  {
    name: '403 unsupported region',
    status: 403,
    headers: {},
    body: '{"error":{"code":"unsupported_country_region_territory","message":"Country, region, or territory not supported","param":null,"type":"request_forbidden"}}',
    expect: { category: 'client', retryable: false, reason: 'permission' },
  },
  {
    name: '404 model_not_found',
    status: 404,
    headers: {},
    body: '{"error":{"message":"The model `gpt-5-turbo` does not exist or you do not have access to it.","type":"invalid_request_error","param":null,"code":"model_not_found"}}',
    expect: { category: 'client', retryable: false, reason: 'not_found', code: 'model_not_found' },
  },
  {
    name: '400 invalid request',
    status: 400,
    headers: {},
    body: '{"error":{"message":"Invalid value for \'temperature\': expected a number between 0 and 2.","type":"invalid_request_error","param":"temperature","code":"invalid_value"}}',
    expect: { category: 'client', retryable: false, reason: 'bad_request', code: 'invalid_value' },
  },
  {
    name: '408 request timeout',
    status: 408,
    headers: {},
    body: '{"error":{"message":"Request timed out.","type":"timeout","param":null,"code":null}}',
    expect: { category: 'transient', retryable: true, reason: 'timeout' },
  },
  {
    name: '409 conflict',
    status: 409,
    headers: {},
    body: '{"error":{"message":"The fine-tuning job is already being cancelled.","type":"invalid_request_error","param":null,"code":null}}',
    expect: { category: 'transient', retryable: true, reason: 'conflict' },
  },
  {
    name: '422 unprocessable',
    status: 422,
    headers: {},
    body: '{"error":{"message":"Unprocessable Entity","type":"invalid_request_error","param":null,"code":null}}',
    expect: { category: 'client', retryable: false, reason: 'unprocessable' },
  },
  {
    name: '500 server error',
    status: 500,
    headers: { 'x-request-id': 'req_500' },
    body: '{"error":{"message":"The server had an error while processing your request. Sorry about that!","type":"server_error","param":null,"code":null}}',
    expect: { category: 'transient', retryable: true, reason: 'server_error', requestId: 'req_500' },
  },
  {
    name: '502 bad gateway (HTML from the CDN)',
    status: 502,
    headers: { 'content-type': 'text/html' },
    body: '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>cloudflare</center>\r\n</body>\r\n</html>\r\n',
    expect: { category: 'transient', retryable: true, reason: 'server_error' },
  },
  {
    name: '503 engine overloaded',
    status: 503,
    headers: {},
    body: '{"error":{"message":"The engine is currently overloaded, please try again later.","type":"server_error","param":null,"code":null}}',
    expect: { category: 'transient', retryable: true, reason: 'overloaded' },
  },
  {
    name: '503 slow down',
    status: 503,
    headers: { 'retry-after': '2' },
    body: '{"error":{"message":"Slow Down","type":"server_error","param":null,"code":null}}',
    expect: { reason: 'overloaded', retryable: true, retryAfterMs: 2000 },
  },
  {
    name: '500 saying overloaded',
    status: 500,
    headers: {},
    body: '{"error":{"message":"That model is currently overloaded with other requests. You can retry your request.","type":"server_error","param":null,"code":null}}',
    expect: { category: 'transient', reason: 'overloaded' },
  },
  {
    name: '504 gateway timeout',
    status: 504,
    headers: {},
    body: 'upstream request timeout',
    expect: { category: 'transient', retryable: true, reason: 'server_error' },
  },
  {
    name: '500 with x-should-retry: false',
    status: 500,
    headers: { 'x-should-retry': 'false' },
    body: '{"error":{"message":"The server had an error processing your request.","type":"server_error","param":null,"code":null}}',
    expect: { category: 'transient', retryable: false, reason: 'server_error' },
  },
  {
    name: '400 with x-should-retry: true',
    status: 400,
    headers: { 'X-Should-Retry': 'true' },
    body: '{"error":{"message":"Could not process image.","type":"invalid_request_error","param":null,"code":null}}',
    expect: { category: 'client', retryable: true, reason: 'bad_request' },
  },
  {
    name: '429 without body, retry-after as HTTP date',
    status: 429,
    headers: { 'retry-after': 'Wed, 21 Oct 2026 07:28:30 GMT' },
    body: '',
    expect: {
      category: 'transient',
      reason: 'rate_limit',
      retryAfterMs: 30_000,
      retryAfterSource: 'retry-after',
    },
  },
];

/** `now` for fixtures whose `retry-after` is an HTTP date. */
export const FIXTURE_NOW = Date.parse('Wed, 21 Oct 2026 07:28:00 GMT');

/** Error objects arriving inside a 200 stream, as raw SSE text. */
export const STREAM_FIXTURES: readonly { name: string; chunk: string; expect: Partial<Classification> }[] = [
  {
    name: 'chat completions server_error line',
    chunk: STREAM_ERROR_LINE,
    expect: { category: 'transient', retryable: true, reason: 'server_error', type: 'server_error' },
  },
  {
    name: 'Responses API error event',
    chunk:
      'event: error\ndata: {"type":"error","code":"server_error","message":"An error occurred while processing your request.","param":null,"sequence_number":4}\n\n',
    expect: { category: 'transient', reason: 'server_error', code: 'server_error' },
  },
  {
    name: 'Responses API response.failed',
    chunk:
      'event: response.failed\ndata: {"type":"response.failed","sequence_number":9,"response":{"id":"resp_1","status":"failed","error":{"code":"rate_limit_exceeded","message":"Rate limit reached for gpt-4o on tokens per min (TPM): Limit 30000, Used 30000, Requested 900. Please try again in 1.8s."}}}\n\n',
    expect: { category: 'transient', reason: 'rate_limit_tokens', retryAfterMs: 1800 },
  },
  {
    name: 'Azure stream error with code "429"',
    chunk: `data: ${AZURE_429_BODY}\n\n`,
    expect: { category: 'transient', reason: 'rate_limit_tokens', code: '429', retryAfterMs: 86_400_000 },
  },
  {
    name: 'content filter mid-stream',
    chunk:
      'data: {"error":{"message":"The response was filtered due to the prompt triggering content management policy.","type":null,"param":null,"code":"content_filter"}}\n\n',
    expect: { category: 'client', retryable: false, reason: 'content_filter' },
  },
];

/** A Node or undici network error with its `code`, as `fetch` wraps it: `TypeError('fetch failed', { cause })`. */
export function fetchFailed(code: string, message = `connect ${code}`, name = 'Error'): TypeError {
  const cause = Object.assign(new Error(message), { code, errno: -1, syscall: 'connect' });
  cause.name = name;
  return new TypeError('fetch failed', { cause });
}

/** Network error codes and the reason each must produce. */
export const NETWORK_FIXTURES: readonly { code: string; name?: string; reason: 'connection' | 'timeout' }[] =
  [
    { code: 'ECONNRESET', reason: 'connection' },
    { code: 'ECONNREFUSED', reason: 'connection' },
    { code: 'ENOTFOUND', reason: 'connection' },
    { code: 'EAI_AGAIN', reason: 'connection' },
    { code: 'EPIPE', reason: 'connection' },
    { code: 'EHOSTUNREACH', reason: 'connection' },
    { code: 'ETIMEDOUT', reason: 'timeout' },
    { code: 'UND_ERR_CONNECT_TIMEOUT', name: 'ConnectTimeoutError', reason: 'timeout' },
    { code: 'UND_ERR_HEADERS_TIMEOUT', name: 'HeadersTimeoutError', reason: 'timeout' },
    { code: 'UND_ERR_BODY_TIMEOUT', name: 'BodyTimeoutError', reason: 'timeout' },
    { code: 'UND_ERR_SOCKET', name: 'SocketError', reason: 'connection' },
    { code: 'UND_ERR_CLOSED', name: 'ClientClosedError', reason: 'connection' },
  ];
