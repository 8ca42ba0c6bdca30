import { parseDuration, saneMs } from './duration.ts';

// OpenAI: "Please try again in 20s." / "in 644ms" / "in 1m30.5s". `ms` is tried before `m`.
const TRY_AGAIN_GO = /(?:try again|retry) in ((?:\d+(?:\.\d+)?(?:ns|us|µs|ms|h|m|s))+)(?![a-z])/i;
// Azure: "Please retry after 86400 seconds." / "Try again in 59 seconds."
const TRY_AGAIN_WORDS =
  /(?:try again|retry) (?:after|in) (\d+(?:\.\d+)?) ?(milliseconds?|ms|seconds?|secs?|minutes?|mins?|hours?)\b/i;
const WORD_UNIT_MS: Readonly<Record<string, number>> = {
  ms: 1,
  mil: 1,
  sec: 1000,
  min: 60_000,
  hou: 3_600_000,
};

/** The wait a human-readable error message asks for, in ms; `undefined` when it names none. */
export function retryAfterFromMessage(message: string | undefined): number | undefined {
  if (!message) return undefined;
  const go = TRY_AGAIN_GO.exec(message);
  if (go) return parseDuration(go[1]);
  const words = TRY_AGAIN_WORDS.exec(message);
  if (!words) return undefined;
  const unit = (words[2] as string).toLowerCase();
  const scale = WORD_UNIT_MS[unit === 'ms' ? 'ms' : unit.slice(0, 3)] ?? Number.NaN;
  return saneMs(Number(words[1]) * scale);
}

// "Request too large for gpt-4o ... on tokens per min (TPM): Limit 30000, Requested 50000."
const LIMIT_REQUESTED = /Limit:? (\d+), (?:Used:? \d+, )?Requested:? (\d+)/i;

/** The "Requested N" of a rate-limit message: how much of the limit the request needs. */
export function requestedAmount(message: string | undefined): number | undefined {
  if (!message) return undefined;
  const m = LIMIT_REQUESTED.exec(message);
  return m ? Number(m[2]) : undefined;
}

/** True when the message says one request is larger than the whole limit, so no wait can help. */
export function saysRequestTooLarge(message: string | undefined): boolean {
  if (!message) return false;
  if (/request too large/i.test(message)) return true;
  const m = LIMIT_REQUESTED.exec(message);
  return m !== null && Number(m[2]) > Number(m[1]);
}

/** Which rate-limit dimension a 429 message names, if any. */
export function rateLimitDimension(message: string | undefined): 'requests' | 'tokens' | undefined {
  if (!message) return undefined;
  if (/\((?:RPM|RPD)\)|requests per (?:min|day)|call rate limit|request rate limit/i.test(message)) {
    return 'requests';
  }
  if (/\((?:TPM|TPD)\)|tokens per (?:min|day)|token rate limit/i.test(message)) return 'tokens';
  return undefined;
}

/** "You exceeded your current quota", spend or billing limits: nothing but a human can fix it. */
export const QUOTA_MESSAGE =
  /exceeded your current quota|check your plan and billing|billing hard limit|(?:monthly )?spend(?:ing)? limit/i;
/** The prompt plus the requested completion does not fit the model. */
export const CONTEXT_MESSAGE = /maximum context length|context length exceeded|exceeds the context window/i;
/** OpenAI's 503 "Slow Down" and "engine is currently overloaded", Anthropic-style 529 "Overloaded". */
export const OVERLOADED_MESSAGE = /overload|slow down|at capacity|over capacity/i;
