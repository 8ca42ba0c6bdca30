/**
 * The events every middleware can emit, by `type`. Packages add theirs by augmenting this
 * interface, so a listener gets one typed, discriminated union:
 *
 * @example
 * declare module '@unfazed/core' {
 *   interface ResilienceEventMap { 'retry': RetryEvent }
 * }
 */
// biome-ignore lint/suspicious/noEmptyInterface: filled in by module augmentation in each package
export interface ResilienceEventMap {}

/** Fields every event carries, filled in by the context that emits it. */
export interface EventBase {
  /** Which event this is, e.g. `'retry'` or `'breaker.state'`. */
  readonly type: string;
  /** The `name` of the middleware that emitted it. */
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

/** Every event some installed package declared, as one union on `type`. */
export type ResilienceEvent = [keyof ResilienceEventMap] extends [never]
  ? EventBase
  : ResilienceEventMap[keyof ResilienceEventMap];

/** What a middleware passes to `ctx.emit`: its own fields; the context adds the common ones. */
export type EventInput<E = ResilienceEvent> = E extends EventBase
  ? Omit<E, 'time' | 'key' | 'attempt' | 'tags' | 'pipeline'>
  : never;

/** Receives events. A listener that throws is ignored: observing a call must never break it. */
export type EventListener = (event: ResilienceEvent) => void;
