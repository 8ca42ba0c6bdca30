import type { CallContext } from '@unfazed/core';
import { runHook } from '@unfazed/core/internal';
import { estimateTokens } from './estimate.ts';
import type { Cost } from './store.ts';

type Estimate = (request: unknown, ctx: CallContext) => number | Promise<number>;

const ONE_REQUEST: Cost = { requests: 1, tokens: 0 };
const FAILED = Symbol('estimate failed');
const isCount = (n: unknown): n is number => typeof n === 'number' && Number.isFinite(n) && n >= 0;

/**
 * What a call costs: one request, and the estimate of its tokens when tokens may be limited. A
 * user's estimate that throws, rejects or answers something that is not a count falls back to the
 * default estimate (with a `hook.failed` event): an estimate hook never decides a call's fate.
 */
export function costOf(
  ctx: CallContext,
  source: string,
  estimate: Estimate | undefined,
  tokens: boolean,
): Cost | Promise<Cost> {
  if (!tokens) return ONE_REQUEST;
  const fallback = () => estimateTokens(ctx.request);
  if (estimate === undefined) return { requests: 1, tokens: Math.ceil(fallback()) };
  const checked = (value: unknown): Cost => {
    if (isCount(value)) return { requests: 1, tokens: Math.ceil(value) };
    // A throw was reported by runHook already; an answer that is not a count is reported here.
    if (value !== FAILED) {
      ctx.emit({
        type: 'hook.failed',
        source,
        hook: 'estimate',
        error: `estimate returned ${String(value)}, not a number >= 0`,
      });
    }
    return { requests: 1, tokens: Math.ceil(fallback()) };
  };
  const value = runHook<unknown>(ctx, source, 'estimate', () => estimate(ctx.request, ctx), FAILED);
  return value instanceof Promise ? value.then(checked) : checked(value);
}
