import { type AnswerSummary, type Clock, realClock } from '@unfazed/core';

/**
 * Calls `done` once `answer` settles (its body read: a stream consumed, cancelled or broken), or
 * after `timeoutMs` with `unread`, so an answer nobody reads never holds its span open. On the real
 * clock the timer is unref'd: a process is never kept alive for a span.
 */
export function waitForAnswer(
  clock: Clock,
  answer: Promise<AnswerSummary | undefined>,
  timeoutMs: number,
  done: (summary: AnswerSummary | undefined, unread: boolean) => void,
): void {
  let settled = false;
  const once = (summary: AnswerSummary | undefined, unread: boolean) => {
    if (settled) return;
    settled = true;
    cancel();
    done(summary, unread);
  };
  let cancel: () => void;
  if (clock === realClock) {
    const timer = setTimeout(() => once(undefined, true), timeoutMs);
    timer.unref();
    cancel = () => clearTimeout(timer);
  } else {
    cancel = clock.schedule(timeoutMs, () => once(undefined, true));
  }
  answer.then(
    (summary) => once(summary, false),
    (error: unknown) => once({ streamError: error }, false),
  );
}
