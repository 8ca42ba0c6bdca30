import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const WORKER = fileURLToPath(new URL('./fixtures/limiter-worker.ts', import.meta.url));

export interface Admission {
  sent: number;
  at: number;
  tokens: number;
}
export interface WorkerReport {
  pid: number;
  calls: number;
  settled: number;
  failures: number;
  events: Record<string, number>;
  admissions: Admission[];
  maxCallMs: number;
}

/** Runs one worker process to completion and parses its report; `onReady` fires when its calls start. */
export function runWorker(
  env: Record<string, string | number>,
  onReady: () => void = () => {},
  timeoutMs = 20_000,
): Promise<WorkerReport> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [WORKER], {
      env: { ...process.env, ...Object.fromEntries(Object.entries(env).map(([k, v]) => [k, String(v)])) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk) => {
      const before = out;
      out += chunk;
      if (!before.includes('ready\n') && out.includes('ready\n')) onReady();
    });
    child.stderr.on('data', (chunk) => {
      err += chunk;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code !== 0) return reject(new Error(`worker exited with ${code}: ${err}`));
      try {
        resolve(JSON.parse(out.trim().split('\n').at(-1) ?? ''));
      } catch (parseError) {
        reject(new Error(`worker printed no report: ${out} ${err}`, { cause: parseError }));
      }
    });
  });
}

/**
 * The largest total of `value` over admissions that certainly fell in one window of `windowMs`:
 * two admissions are surely less than a window apart when the later one's answer came less than
 * a window after the earlier one's request was sent (measurement can only make this stricter).
 */
export function worstWindow(
  admissions: Admission[],
  windowMs: number,
  value: (a: Admission) => number,
): number {
  const sorted = [...admissions].sort((a, b) => a.sent - b.sent);
  let worst = 0;
  for (let i = 0; i < sorted.length; i++) {
    let sum = 0;
    const start = sorted[i]!.sent;
    for (let j = i; j < sorted.length && sorted[j]!.sent - start < windowMs; j++) {
      if (sorted[j]!.at - start < windowMs) sum += value(sorted[j]!);
    }
    worst = Math.max(worst, sum);
  }
  return worst;
}
