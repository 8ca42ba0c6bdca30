import type { Classification } from '@unfazed/classify';
import { ResilienceError, type Usage } from '@unfazed/core';

/** Connection errors that mean the request never left this machine (or never reached a server). */
const NOT_SENT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/** Total tokens of an OpenAI `usage` object, or undefined when it says nothing usable. */
export function usedTokens(usage: Usage | undefined): number | undefined {
  if (!usage || typeof usage !== 'object') return undefined;
  if (isCount(usage.total_tokens)) return usage.total_tokens;
  const prompt = usage.prompt_tokens ?? usage.input_tokens;
  const output = usage.completion_tokens ?? usage.output_tokens;
  if (isCount(prompt) || isCount(output))
    return (isCount(prompt) ? prompt : 0) + (isCount(output) ? output : 0);
  return undefined;
}

/** The `usage` field of a call's result, when the result is an object with one. */
export function usageOfResult(result: unknown): Usage | undefined {
  if (result === null || typeof result !== 'object') return undefined;
  const usage = (result as { usage?: unknown }).usage;
  return usage !== null && typeof usage === 'object' ? (usage as Usage) : undefined;
}

/**
 * What a failed call gives back of its reservation, by classify's verdict:
 * - it never reached the server (the pipeline refused it inside the limiter: an open circuit, a
 *   full bulkhead; or a connection that could not be opened): everything;
 * - the server answered with an error status (4xx/5xx): its tokens, not its request, since
 *   OpenAI counts the request but runs no model;
 * - anything else (timeouts, resets mid-call, aborts): nothing, since the server may be working on it.
 */
export function refundOnFailure(err: unknown, c: Classification): 'all' | 'tokens' | 'none' {
  if (c.status !== undefined) return 'tokens';
  // A pipeline-made failure other than a timeout never left: classify says which is which.
  if (ResilienceError.is(err) && c.category !== 'network' && c.category !== 'cancelled') return 'all';
  if (c.category === 'network' && hasCode(err, NOT_SENT_CODES)) return 'all';
  return 'none';
}

function hasCode(err: unknown, codes: ReadonlySet<string>): boolean {
  let current: unknown = err;
  for (let depth = 0; depth < 8 && current !== null && typeof current === 'object'; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && codes.has(code)) return true;
    const errors = (current as { errors?: unknown }).errors;
    if (Array.isArray(errors) && errors.some((e) => hasCode(e, codes))) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}
