import { HttpStatusError } from '@unfazed/core';
import {
  integer,
  list,
  oneOf,
  optionError,
  type Place,
  type Rule,
  readOptions,
  rule,
  type Schema,
  string,
} from '@unfazed/core/internal';
import { rateLimitBody, serverErrorBody } from './openai-errors.ts';
import { openaiId } from './openai-payloads.ts';
import { anyValue, headersRule, isRecord } from './rules.ts';

/** A failure that {@link injectFaults} / {@link faultyFetch} can produce instead of calling through. */
export type InjectedFault =
  /** A network failure shaped like undici's: `TypeError('fetch failed')` with a Node system error as `cause`. */
  | {
      kind: 'network';
      /** The system error code. @default 'ECONNRESET' */
      code?: string;
      /** The cause's message. @default `read ${code}` */
      message?: string;
    }
  /** An HTTP error answer: a synthetic `Response` from `faultyFetch`, an `HttpStatusError` from `injectFaults`. */
  | {
      kind: 'status';
      /** The HTTP status, an integer from 400 to 599. */
      status: number;
      /** JSON body. @default OpenAI's body for the status */
      body?: unknown;
      /** Extra response headers. @default none */
      headers?: Record<string, string>;
    }
  /** Throw this value (or what the function returns, called once per failure). */
  | { kind: 'error'; error: unknown };

const KINDS = ['network', 'status', 'error'] as const;
const kind = oneOf(KINDS, { required: true });

const SCHEMAS: Record<InjectedFault['kind'], Schema> = {
  network: { kind, code: string({ default: 'ECONNRESET' }), message: string() },
  status: {
    kind,
    status: integer({ min: 400, max: 599, required: true }),
    body: anyValue('any JSON value'),
    headers: headersRule,
  },
  error: { kind, error: anyValue('a value to throw (or a function making one)', { required: true }) },
};

const WORDS = 'a fault (an object with kind "network", "status" or "error")';

const faultRule = rule<InjectedFault>(WORDS, (value, place) => {
  if (!isRecord(value)) throw optionError(place, WORDS, value);
  const at: Place = { ...place, path: `${place.path}.kind` };
  const k = value.kind === undefined ? kind.absent(at) : kind.read(value.kind, at);
  return Object.freeze(readOptions(place.owner, value, SCHEMAS[k], place.path)) as InjectedFault;
}) as Rule<InjectedFault>;

const faultList = list(faultRule, { nonEmpty: true, required: true });
const NETWORK: readonly InjectedFault[] = Object.freeze([Object.freeze({ kind: 'network' as const })]);

/** The `faults` option: one fault, or a non-empty list to pick from. @default a network ECONNRESET */
export const injectedFaultsRule = rule<readonly InjectedFault[], { default: readonly InjectedFault[] }>(
  `${WORDS}, or a non-empty array of them`,
  (value, place) => (Array.isArray(value) ? faultList.read(value, place) : [faultRule.read(value, place)]),
  { default: NETWORK },
);

/** The error undici's `fetch` throws when the connection is reset (or fails with `code`). */
export function networkError(code = 'ECONNRESET', message = `read ${code}`): TypeError {
  return new TypeError('fetch failed', {
    cause: Object.assign(new Error(message), { code, syscall: 'read' }),
  });
}

/** The answer of a status fault: OpenAI's error body for the status, unless one was given. */
export function syntheticResponse(fault: Extract<InjectedFault, { kind: 'status' }>): Response {
  const body =
    fault.body ??
    (fault.status === 429
      ? rateLimitBody({
          model: 'unknown',
          dimension: 'requests',
          limit: 1,
          used: 1,
          requested: 1,
          waitMs: 1000,
        })
      : serverErrorBody(fault.status));
  return new Response(JSON.stringify(body), {
    status: fault.status,
    headers: { 'content-type': 'application/json', 'x-request-id': openaiId('req_', 16), ...fault.headers },
  });
}

/** Throws what a network or error fault stands for. */
export function raise(fault: Exclude<InjectedFault, { kind: 'status' }>): never {
  if (fault.kind === 'network') throw networkError(fault.code, fault.message);
  throw typeof fault.error === 'function' ? (fault.error as () => unknown)() : fault.error;
}

/** The `HttpStatusError` {@link injectFaults} throws for a status fault, body parsed as the SDK would. */
export async function statusError(
  fault: Extract<InjectedFault, { kind: 'status' }>,
): Promise<HttpStatusError> {
  const response = syntheticResponse(fault);
  return new HttpStatusError({
    status: fault.status,
    headers: response.headers,
    body: await response.json(),
  });
}
