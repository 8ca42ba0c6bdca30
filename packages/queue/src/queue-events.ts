import {
  type Clock,
  type EventInput,
  type EventListener,
  type Pipeline,
  pipeline,
  withContext,
} from '@unfazed/core';

/** Who an event is about: the job's partition key, tags and attempt. */
export interface EventScope {
  readonly key: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly attempt?: number;
}

/**
 * The queue's events go out the way every policy's do: `ctx.emit` inside `execute` of a pipeline
 * named after the queue, so they carry every common field (`time`, `key`, `attempt`, `tags`,
 * `pipeline`) and reach its listeners. A job's work happens outside any one call (between
 * deliveries, across processes), so each event is its own tiny call through that pipeline.
 */
export class QueueEvents {
  readonly pipeline: Pipeline;

  constructor(name: string, clock: Clock, onEvent: EventListener | undefined) {
    this.pipeline = pipeline().with({ name, clock });
    if (onEvent) this.pipeline.on(onEvent);
  }

  emit(scope: EventScope, event: EventInput): void {
    this.pipeline
      .execute(
        async (ctx) => {
          (scope.attempt === undefined ? ctx : withContext(ctx, { attempt: scope.attempt })).emit(event);
        },
        { key: scope.key, tags: scope.tags },
      )
      .catch(() => {});
  }

  on(listener: EventListener): () => void {
    return this.pipeline.on(listener);
  }
}
