// The one way every suite turns a tinybench run into table rows (for bench/run.ts and console.table).
import type { Bench } from 'tinybench';

export type BenchRow = {
  name: string;
  /** Mean time per operation. */
  nsPerOp: number;
  /** Median time per operation, steadier than the mean on a shared machine (a GC pause moves the mean). */
  p50Ns: number;
  opsPerSec: number;
};

export function tinybenchRows(bench: Bench): BenchRow[] {
  return bench.tasks.map((task) => {
    const r = task.result as unknown as { latency?: { mean: number; p50?: number } } | undefined;
    const ms = r?.latency?.mean ?? Number.NaN;
    return {
      name: task.name,
      nsPerOp: Math.round(ms * 1e6),
      p50Ns: Math.round((r?.latency?.p50 ?? Number.NaN) * 1e6),
      opsPerSec: Math.round(1_000 / ms),
    };
  });
}
