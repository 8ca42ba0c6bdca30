import type { Attributes } from '@opentelemetry/api';
import type { CallRecord } from './call-record.ts';
import { eventAttributes, hrTime, num, type SeenEvent, str } from './event-fields.ts';
import type { Level } from './log-bridge.ts';
import { METRICS, UNFAZED } from './names.ts';

/**
 * What one event of the call means for its span, its metrics and its log lines. Every event also
 * becomes a span event (`unfazed.<type>`, its fields as attributes), so nothing a policy reports
 * is lost even where no metric reads it.
 */
export function observe(rec: CallRecord, e: SeenEvent): void {
  if (e.type.startsWith('telemetry.')) return;
  if (rec.recording && !rec.ended) rec.span.addEvent(`unfazed.${e.type}`, eventAttributes(e), hrTime(e.time));
  const m = rec.m;
  const with_ = (extra: Attributes, model?: string): Attributes => {
    const a = rec.base(model);
    for (const k in extra) if (extra[k] !== undefined) a[k] = extra[k];
    return a;
  };
  const log = (level: Level, action: string, facts: Record<string, unknown>, message: string) => {
    if (!rec.r.log.enabled) return;
    const reason = str(e.reason);
    rec.r.log.write(
      level,
      rec.scope(),
      {
        action,
        errorType: reason,
        errorCode: str(e.code),
        status: num(e.status),
        unfazed: { source: e.source, attempt: e.attempt, ...definedOnly(facts) },
      },
      message,
    );
  };

  switch (e.type) {
    case 'retry.scheduled': {
      const source = str(e.delaySource);
      const delayMs = num(e.delayMs) ?? 0;
      rec.retries++;
      rec.delaySource = source;
      rec.retryDelayMs += delayMs;
      const reason = str(e.reason);
      m?.add(
        METRICS.retries,
        1,
        with_({
          [UNFAZED.delaySource]: source,
          [UNFAZED.category]: str(e.category),
          [UNFAZED.reason]: reason,
        }),
      );
      const limited = reason?.startsWith('rate_limit') === true;
      log(
        limited ? 'warn' : 'info',
        'retry-scheduled',
        {
          delay_ms: delayMs,
          delay_source: source,
          category: str(e.category),
          reason,
          request_id: str(e.requestId),
        },
        `${limited ? 'rate limited' : `attempt ${num(e.failedAttempt) ?? e.attempt} failed (${reason})`}: retrying in ${Math.round(delayMs)} ms (${source})`,
      );
      return;
    }
    case 'retry.gave-up':
      rec.giveUp = e;
      m?.add(METRICS.giveUps, 1, with_({ [UNFAZED.why]: str(e.why), [UNFAZED.reason]: str(e.reason) }));
      return;
    case 'rate-limit.queued': {
      const waitMs = num(e.waitMs) ?? 0;
      rec.waitMs += waitMs;
      m?.record(METRICS.limiterWait, waitMs / 1_000, with_({ [UNFAZED.why]: str(e.why) }));
      log(
        'warn',
        'rate-limit-queued',
        { wait_ms: waitMs, why: str(e.why), tokens: num(e.tokens) },
        `rate limited: waiting ${Math.round(waitMs)} ms for ${str(e.why)} on ${e.key}`,
      );
      return;
    }
    case 'rate-limit.rejected':
      m?.add(METRICS.limiterRejections, 1, with_({ [UNFAZED.why]: str(e.why) }));
      log(
        'warn',
        'rate-limit-rejected',
        { why: str(e.why), retry_after_ms: num(e.retryAfterMs), tokens: num(e.tokens) },
        `rate limited: refused at once (${str(e.why)}) on ${e.key}`,
      );
      return;
    case 'rate-limit.cooldown-started':
      m?.add(METRICS.limiterCooldowns, 1, {
        [UNFAZED.key]: e.key,
        [UNFAZED.hintSource]: str(e.hintSource) ?? 'default',
        [UNFAZED.reason]: str(e.reason) ?? 'rate_limit',
      });
      log(
        'warn',
        'rate-limit-cooldown',
        { cooldown_ms: num(e.cooldownMs), hint_source: str(e.hintSource), reason: str(e.reason) },
        `429 from the server: every call on ${e.key} pauses ${Math.round(num(e.cooldownMs) ?? 0)} ms (${str(e.hintSource)})`,
      );
      return;
    case 'breaker.state-changed': {
      const from = str(e.from) ?? 'closed';
      const to = str(e.to) ?? 'closed';
      rec.breakerState = to;
      rec.r.breakerStates.set(e.key, to, e.time);
      if (m !== undefined) {
        m.add(METRICS.breakerTransitions, 1, {
          [UNFAZED.key]: e.key,
          [UNFAZED.from]: from,
          [UNFAZED.to]: to,
        });
        m.set(METRICS.breakerState, 0, { [UNFAZED.key]: e.key, [UNFAZED.state]: from });
        m.set(METRICS.breakerState, 1, { [UNFAZED.key]: e.key, [UNFAZED.state]: to });
      }
      log(
        to === 'open' ? 'warn' : 'info',
        'breaker-state-changed',
        { from, to, retry_after_ms: num(e.retryAfterMs), category: str(e.category), reason: str(e.reason) },
        `circuit ${e.key}: ${from} → ${to}`,
      );
      return;
    }
    case 'bulkhead.rejected':
      m?.add(METRICS.bulkheadRejections, 1, with_({ [UNFAZED.why]: str(e.why) }));
      log(
        'warn',
        'bulkhead-rejected',
        { why: str(e.why), active: num(e.active), limit: num(e.limit) },
        `bulkhead full: call refused`,
      );
      return;
    case 'fallback.used':
      rec.fallback = 'value';
      m?.add(METRICS.fallbacks, 1, with_({ [UNFAZED.fallback]: 'value', [UNFAZED.reason]: str(e.reason) }));
      log(
        'warn',
        'fallback-used',
        { reason: str(e.reason), matched: str(e.matched) },
        `answered by the fallback after ${str(e.reason)}`,
      );
      return;
    case 'openai.model-switched': {
      const from = str(e.from) ?? rec.model;
      const to = str(e.to) ?? rec.model;
      rec.fallback = 'model';
      rec.fallbackModel = to;
      m?.add(
        METRICS.fallbacks,
        1,
        with_({ [UNFAZED.fallback]: 'model', [UNFAZED.to]: to, [UNFAZED.reason]: str(e.reason) }, from),
      );
      rec.model = to;
      log(
        'warn',
        'model-switched',
        { from, to, reason: str(e.reason) },
        `model fallback: ${from} → ${to} after ${str(e.reason)}`,
      );
      return;
    }
    case 'openai.responded':
      rec.attemptRequestId = str(e.requestId);
      return;
    case 'openai.stream-failed':
      // The first failure is the cause (an error frame); a "broken" one may follow as the SDK hangs up.
      rec.streamFailure ??= e;
      return;
    case 'hook.failed':
      m?.add(METRICS.hookFailures, 1, with_({ [UNFAZED.hook]: str(e.hook), [UNFAZED.source]: e.source }));
      log(
        'warn',
        'hook-failed',
        { hook: str(e.hook) },
        `hook ${str(e.hook)} of ${e.source} failed; the call went on without it`,
      );
      return;
    case 'rate-limit.store-failed':
      log(
        'warn',
        'rate-limit-store-failed',
        { mode: str(e.mode), scope: str(e.scope) },
        `rate-limit store failed: running ${str(e.mode)}`,
      );
      return;
    case 'rate-limit.store-recovered':
      log('info', 'rate-limit-store-recovered', { down_ms: num(e.downMs) }, 'rate-limit store answers again');
      return;
  }
}

function definedOnly(facts: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k in facts) if (facts[k] !== undefined) out[k] = facts[k];
  return out;
}
