import type { Worker } from './worker.ts';

/** Options of {@link handleSignals}. */
export interface HandleSignalsOptions {
  /** @default ['SIGTERM', 'SIGINT'] */
  signals?: readonly NodeJS.Signals[];
  /** How long running jobs may take to finish. @default the worker's `stopGraceMs` */
  graceMs?: number;
  /** Exit the process once stopped (code 0). @default true */
  exit?: boolean;
}

/**
 * Makes SIGTERM (and SIGINT) stop the worker the way a deploy expects: stop consuming, give back
 * what it has not started, let running jobs finish (for `graceMs`), close, then exit. A second
 * signal while stopping exits at once; RabbitMQ redelivers whatever was still held. Returns a
 * function that removes the handlers.
 *
 * @example
 * const worker = createWorker({ redis, client: { apiKey } });
 * handleSignals(worker, { graceMs: 20_000 });
 */
export function handleSignals(worker: Worker, options: HandleSignalsOptions = {}): () => void {
  const signals = options.signals ?? ['SIGTERM', 'SIGINT'];
  let stopping = false;
  const onSignal = () => {
    if (stopping) {
      if (options.exit !== false) process.exit(1);
      return;
    }
    stopping = true;
    const stop = options.graceMs === undefined ? worker.stop() : worker.stop({ graceMs: options.graceMs });
    stop.finally(() => {
      if (options.exit !== false) process.exit(0);
    });
  };
  for (const signal of signals) process.on(signal, onSignal);
  return () => {
    for (const signal of signals) process.off(signal, onSignal);
  };
}
