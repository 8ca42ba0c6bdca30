/**
 * The events every middleware can emit, by `type`. Packages add theirs by augmenting this
 * interface, so a listener gets one typed, discriminated union. Event types follow one rule:
 * `<family>.<what happened, in the past tense>`, both parts kebab-case (`retry.scheduled`,
 * `breaker.state-changed`, `rate-limit.queued`); `docs/events.md` lists them all.
 *
 * @example
 * declare module '@unfazed/core' {
 *   interface ResilienceEventMap { 'cache.hit': CacheHitEvent }
 * }
 */
export interface ResilienceEventMap {
  'hook.failed': HookFailedEvent;
}

/** Fields every event carries, filled in by the context that emits it. */
export interface EventBase {
  /** Which event this is, e.g. `'retry.scheduled'`. */
  readonly type: string;
  /** The `name` of the middleware that emitted it (each middleware's `name` option). */
  readonly source: string;
  /** The clock's time when it was emitted (ms since the epoch). */
  readonly time: number;
  /** The call's partition key. */
  readonly key: string;
  /** The call's attempt number when it was emitted. */
  readonly attempt: number;
  /** The call's business tags (user, feature, …). */
  readonly tags: Readonly<Record<string, string>>;
  /** The name of the pipeline the call ran through. */
  readonly pipeline: string;
}

/**
 * A user hook (`onRetry`, `shouldRetry`, `classify`, `estimate`, …) threw or rejected. The call
 * went on as if the hook were absent: a hook observes, it never replaces the call's own outcome.
 */
export interface HookFailedEvent extends EventBase {
  readonly type: 'hook.failed';
  /** The option the hook was given as, e.g. `'onRetry'`. */
  readonly hook: string;
  /** What it threw: name and message, at most 200 characters. */
  readonly error: string;
}

/** Every event some installed package declared, as one union on `type`. */
export type ResilienceEvent = ResilienceEventMap[keyof ResilienceEventMap];

/** What a middleware passes to `ctx.emit`: its own fields; the context adds the common ones. */
export type EventInput<E = ResilienceEvent> = E extends EventBase
  ? Omit<E, 'time' | 'key' | 'attempt' | 'tags' | 'pipeline'>
  : never;

/** Receives events. A listener that throws is ignored: observing a call must never break it. */
export type EventListener = (event: ResilienceEvent) => void;
