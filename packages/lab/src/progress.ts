import type { ScenarioProgress } from './lab.ts';

/** Where progress goes: a stream, and whether it is a terminal that can rewrite its line. */
export interface ProgressSink {
  write(text: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

/** One scenario's progress: per client, calls settled of calls due, and the success rate so far. */
export function progressLine(p: ScenarioProgress): string {
  const clients = p.clients.map((c) => {
    const rate = c.done === 0 ? '  –' : `${Math.round((100 * c.ok) / c.done)}%`.padStart(4);
    return `${c.client} ${String(c.done).padStart(String(c.total).length)}/${c.total} ${rate}`;
  });
  return `${p.scenario.padEnd(18)} ${clients.join(' · ')}`;
}

/**
 * Prints a progress line per scenario. On a terminal the line is rewritten in place (at most ten
 * times a second, cut to the terminal's width so it never wraps) and left in full when the scenario
 * ends; elsewhere (CI logs) only the finished line is printed.
 */
export function progressPrinter(sink: ProgressSink): (p: ScenarioProgress) => void {
  let last = 0;
  return (p) => {
    if (p.finished) {
      sink.write(`${sink.isTTY ? '\r\x1b[2K' : ''}${progressLine(p)}\n`);
      return;
    }
    if (!sink.isTTY) return;
    const now = performance.now();
    if (now - last < 100) return;
    last = now;
    const width = Math.max(20, (sink.columns ?? 100) - 1);
    sink.write(`\r\x1b[2K${progressLine(p).slice(0, width)}`);
  };
}
