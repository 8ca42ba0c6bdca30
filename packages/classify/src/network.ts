import { prop } from './body.ts';

/** What a transport-level failure means. */
export type TransportFailure = 'connection' | 'timeout' | 'aborted' | 'abort-timeout';

const TIMEOUT_CODES = new Set([
  'ETIMEDOUT',
  'ESOCKETTIMEDOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'ERR_SOCKET_CONNECTION_TIMEOUT',
]);

const CONNECTION_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EAI_FAIL',
  'EPIPE',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'ENETRESET',
  'EADDRNOTAVAIL',
  'EPROTO',
  'ERR_STREAM_PREMATURE_CLOSE',
  'ERR_HTTP2_STREAM_ERROR',
  'ERR_HTTP2_SESSION_ERROR',
  'ERR_HTTP2_GOAWAY_SESSION',
  'ERR_SSL_WRONG_VERSION_NUMBER',
]);

// undici codes that report a bug in the request or the caller, not a network failure.
const NOT_NETWORK_UNDICI = new Set([
  'UND_ERR_INVALID_ARG',
  'UND_ERR_INVALID_RETURN_VALUE',
  'UND_ERR_NOT_SUPPORTED',
  'UND_ERR_REQ_CONTENT_LENGTH_MISMATCH',
  'UND_ERR_RESPONSE_EXCEEDED_MAX_SIZE',
  'UND_ERR_BPL_MISSING_UPSTREAM',
]);

// Messages of undici/node failures that sometimes arrive without a code.
const CONNECTION_MESSAGE = /^(?:fetch failed|socket hang up|other side closed|terminated)$/i;

/** What a Node, undici or DOM error code means, if it is a transport failure. */
export function transportFailureOfCode(code: unknown): TransportFailure | undefined {
  if (typeof code !== 'string') return undefined;
  if (TIMEOUT_CODES.has(code)) return 'timeout';
  if (CONNECTION_CODES.has(code)) return 'connection';
  if (code === 'UND_ERR_ABORTED' || code === 'ABORT_ERR') return 'aborted';
  if (code.startsWith('UND_ERR_') && !NOT_NETWORK_UNDICI.has(code)) {
    return code.endsWith('_TIMEOUT') ? 'timeout' : 'connection';
  }
  return undefined;
}

/** The transport failure one error object reports by its name, code or message. */
function transportFailureOf(err: unknown): { failure: TransportFailure; code?: string } | undefined {
  const name = prop(err, 'name');
  if (name === 'AbortError') return { failure: 'aborted' };
  if (name === 'TimeoutError') return { failure: 'abort-timeout' };
  const code = prop(err, 'code');
  const failure = transportFailureOfCode(code);
  if (failure) return { failure, code: code as string };
  const message = prop(err, 'message');
  if (typeof message === 'string' && CONNECTION_MESSAGE.test(message.trim()))
    return { failure: 'connection' };
  return undefined;
}

/**
 * Looks for a transport failure in an error, its `cause` chain and `AggregateError.errors`
 * (Node's happy-eyeballs connect reports one error per address). The deepest known code wins,
 * so `TypeError('fetch failed', { cause: ECONNRESET })` reports `ECONNRESET`. Cycles and
 * hostile getters are survived; at most 32 errors are looked at.
 */
export function findTransportFailure(err: unknown): { failure: TransportFailure; code?: string } | undefined {
  const top = transportFailureOf(err);
  if (top?.failure === 'aborted' || top?.failure === 'abort-timeout') return top;
  let best = top;
  const seen = new Set<unknown>([err]);
  const queue: unknown[] = [...nested(err)];
  while (queue.length > 0 && seen.size < 32) {
    const current = queue.shift();
    if (current === null || typeof current !== 'object' || seen.has(current)) continue;
    seen.add(current);
    const found = transportFailureOf(current);
    // A coded failure is more precise than a bare message ("fetch failed") or name.
    if (found && (best === undefined || (found.code !== undefined && best.code === undefined))) best = found;
    queue.push(...nested(current));
  }
  return best;
}

function nested(err: unknown): unknown[] {
  try {
    const errors = prop(err, 'errors');
    return [prop(err, 'cause'), ...(Array.isArray(errors) ? errors.slice(0, 8) : [])];
  } catch {
    return [];
  }
}
