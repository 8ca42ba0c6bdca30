/**
 * The longest wait a hint may ask for (7 days). Longer values are treated as garbage: Azure's daily
 * quotas legitimately say "retry after 86400 seconds", but a week is a misread timestamp.
 */
export const MAX_HINT_MS = 7 * 24 * 60 * 60 * 1000;

const UNIT_MS: Readonly<Record<string, number>> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  μs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

// One Go duration component: a decimal number and a unit. `ms` must be tried before `m`.
const COMPONENT = /^(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|h|m|s)/;
const PLAIN_NUMBER = /^(?:\d+(?:\.\d*)?|\.\d+)$/;

/** A wait in ms if it is finite, >= 0 and not absurd; otherwise `undefined`. */
export function saneMs(ms: number): number | undefined {
  if (!Number.isFinite(ms) || ms < 0 || ms > MAX_HINT_MS) return undefined;
  // Round away float noise ("9.816s" is 9816 ms, not 9815.999999999998).
  return Math.round(ms * 1000) / 1000;
}

/**
 * Parses a Go duration as OpenAI sends in `x-ratelimit-reset-*` (`1s`, `6m0s`, `120ms`, `1m30.5s`,
 * `1h2m3s`) into milliseconds. A bare number is read as seconds. Never throws: negative, malformed
 * or absurd (over 7 days) values give `undefined`.
 *
 * @example
 * parseDuration('6m0s'); // 360000
 * parseDuration('1m30.5s'); // 90500
 * parseDuration('soon'); // undefined
 */
export function parseDuration(value: string | null | undefined): number | undefined {
  if (typeof value !== 'string') return undefined;
  let rest = value.trim();
  if (rest.length === 0 || rest.length > 64) return undefined;
  if (rest.startsWith('+')) rest = rest.slice(1);
  if (PLAIN_NUMBER.test(rest)) return saneMs(Number(rest) * 1000);
  let total = 0;
  while (rest.length > 0) {
    const match = COMPONENT.exec(rest);
    if (!match) return undefined;
    total += Number(match[1]) * (UNIT_MS[match[2] as string] ?? Number.NaN);
    rest = rest.slice(match[0].length);
  }
  return saneMs(total);
}
