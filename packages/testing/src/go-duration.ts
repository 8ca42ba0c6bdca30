/**
 * Formats milliseconds the way Go's `time.Duration.String()` does, which is how OpenAI writes
 * `x-ratelimit-reset-*` headers and the "try again in" hint: `120ms`, `1s`, `1m30.5s`, `6m0s`, `1h0m0s`.
 * Input is rounded up to a whole millisecond (a reset hint must never be early); zero is `0s`.
 *
 * @example
 * formatGoDuration(90_500); // '1m30.5s'
 * formatGoDuration(360_000); // '6m0s'
 */
export function formatGoDuration(ms: number): string {
  const total = Math.ceil(Math.max(0, ms));
  if (total === 0) return '0s';
  if (total < 1000) return `${total}ms`;
  const hours = Math.floor(total / 3_600_000);
  const minutes = Math.floor((total % 3_600_000) / 60_000);
  const millis = total % 60_000;
  const whole = Math.floor(millis / 1000);
  const fraction = millis % 1000;
  const seconds =
    fraction === 0 ? `${whole}` : `${whole}.${String(fraction).padStart(3, '0').replace(/0+$/, '')}`;
  if (hours > 0) return `${hours}h${minutes}m${seconds}s`;
  if (minutes > 0) return `${minutes}m${seconds}s`;
  return `${seconds}s`;
}
