import { type Classification, classify } from '@unfazed/classify';

/**
 * A short, stable label for why a call failed, in classify's vocabulary: `429 rate_limit_requests`,
 * `503 server_error`, `connection (ECONNRESET)`, `circuit_open`. Failures of the same kind share a
 * label, so the most common ones can be counted. An error that carries classify's verdict on the
 * failure behind it as `failure` (`@unfazed/queue`'s `JobFailedError`: the job failed in a worker)
 * is labelled by that verdict.
 */
export function failureLabel(error: unknown): string {
  const carried = carriedVerdict(error);
  const c = carried ?? classify(error);
  if (c.status !== undefined) return `${c.status} ${c.reason}`;
  // A socket error's code (ECONNRESET, ECONNREFUSED) says more than `connection` alone.
  if (c.category === 'network' && c.code && /^E[A-Z]+$/.test(c.code)) return `${c.reason} (${c.code})`;
  if (c.reason !== 'unknown') return c.reason;
  const name = (error as { name?: unknown } | null)?.name;
  return typeof name === 'string' && name !== '' ? name : 'unknown';
}

function carriedVerdict(error: unknown): Classification | undefined {
  const failure = (error as { failure?: unknown } | null)?.failure;
  if (typeof failure !== 'object' || failure === null) return undefined;
  const { category, reason } = failure as Partial<Classification>;
  return typeof category === 'string' && typeof reason === 'string' ? (failure as Classification) : undefined;
}
