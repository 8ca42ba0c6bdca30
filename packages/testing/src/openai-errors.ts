import { formatGoDuration } from './go-duration.ts';
import { maskKey } from './mask-key.ts';

/** The JSON error envelope OpenAI sends with every non-2xx response. */
export interface OpenAIErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

/** The organization name the chaos server puts into rate-limit messages. */
export const CHAOS_ORGANIZATION = 'org-chaos';

const RATE_LIMIT_DOCS = 'Visit https://platform.openai.com/account/rate-limits to learn more.';

function body(
  message: string,
  type: string,
  code: string | null,
  param: string | null = null,
): OpenAIErrorBody {
  return { error: { message, type, param, code } };
}

/** 401 for a key the server does not accept; the key is masked as OpenAI does. */
export function invalidApiKeyBody(key: string): OpenAIErrorBody {
  return body(
    `Incorrect API key provided: ${maskKey(key)}. You can find your API key at https://platform.openai.com/account/api-keys.`,
    'invalid_request_error',
    'invalid_api_key',
  );
}

/** 401 when no `Authorization: Bearer` header came at all. */
export function missingApiKeyBody(): OpenAIErrorBody {
  return body(
    "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY), or as the password field (with blank username) if you're accessing the API from your browser and are prompted for a username and password. You can obtain an API key from https://platform.openai.com/account/api-keys.",
    'invalid_request_error',
    null,
  );
}

/** 429 "Rate limit reached" for the requests (RPM) or tokens (TPM) dimension. */
export function rateLimitBody(input: {
  model: string;
  dimension: 'requests' | 'tokens';
  limit: number;
  used: number;
  requested: number;
  waitMs: number;
}): OpenAIErrorBody {
  const unit = input.dimension === 'requests' ? 'requests per min (RPM)' : 'tokens per min (TPM)';
  return body(
    `Rate limit reached for ${input.model} in organization ${CHAOS_ORGANIZATION} on ${unit}: Limit ${input.limit}, Used ${input.used}, Requested ${input.requested}. Please try again in ${formatGoDuration(input.waitMs)}. ${RATE_LIMIT_DOCS}`,
    input.dimension,
    'rate_limit_exceeded',
  );
}

/** 429 for a request whose token cost exceeds the TPM limit outright (it can never succeed). */
export function requestTooLargeBody(input: {
  model: string;
  limit: number;
  requested: number;
}): OpenAIErrorBody {
  return body(
    `Request too large for ${input.model} in organization ${CHAOS_ORGANIZATION} on tokens per min (TPM): Limit ${input.limit}, Requested ${input.requested}. The input or output tokens must be reduced in order to run successfully. ${RATE_LIMIT_DOCS}`,
    'tokens',
    'rate_limit_exceeded',
  );
}

/** 429 `insufficient_quota`: the account is out of credit; retrying changes nothing. */
export function insufficientQuotaBody(): OpenAIErrorBody {
  return body(
    'You exceeded your current quota, please check your plan and billing details. For more information on this error, read the docs: https://platform.openai.com/docs/guides/error-codes/api-errors.',
    'insufficient_quota',
    'insufficient_quota',
  );
}

/** The body OpenAI sends with a 5xx status (and inside a failing stream). */
export function serverErrorBody(status: number): OpenAIErrorBody {
  if (status === 503) {
    return body('The engine is currently overloaded, please try again later.', 'server_error', null);
  }
  if (status === 502) {
    return body('Bad gateway.', 'server_error', null);
  }
  if (status === 504) return body('Gateway timeout.', 'server_error', null);
  if (status >= 500)
    return body(
      'The server had an error while processing your request. Sorry about that!',
      'server_error',
      null,
    );
  return body(
    `The chaos server answered ${status}.`,
    status === 408 ? 'timeout' : 'invalid_request_error',
    null,
  );
}

/** The `data:` payload OpenAI writes into an SSE stream that fails after it started. */
export function streamErrorBody(): OpenAIErrorBody {
  return body('The server experienced an error while processing your request.', 'server_error', null);
}

/** 400 for a body the server cannot use. */
export function invalidRequestBody(message: string, param: string | null = null): OpenAIErrorBody {
  return body(message, 'invalid_request_error', null, param);
}

/** 404 for a path the server does not serve. */
export function notFoundBody(method: string, path: string): OpenAIErrorBody {
  return body(`Invalid URL (${method} ${path})`, 'invalid_request_error', null);
}
