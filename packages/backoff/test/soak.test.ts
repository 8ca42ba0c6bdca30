import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const script = fileURLToPath(new URL('./soak-script.ts', import.meta.url));

describe('soak', () => {
  it('300 000 calls through retry + breaker + bulkhead + timeout leave nothing alive: the process exits by itself', async () => {
    const child = spawn(process.execPath, [script, '300000'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const started = performance.now();
    const code = await new Promise<number | null>((resolve) => {
      const killer = setTimeout(() => child.kill('SIGKILL'), 25_000);
      child.on('exit', (exitCode) => {
        clearTimeout(killer);
        resolve(exitCode);
      });
    });
    const exitedAfterMs = performance.now() - started;
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect(report.ok + report.failed).toBe(300_000);
    expect(report.ok).toBeGreaterThan(299_000);
    expect(report.activeResources.filter((r: string) => r === 'Timeout')).toEqual([]);
    expect(report.listenersAtEnd).toBeLessThanOrEqual(2);
    expect(report.listenersAfterIdle).toBe(0);
    // Exiting took no longer than the work itself plus start-up: nothing held the loop open.
    expect(exitedAfterMs).toBeLessThan(report.elapsedMs + 1_200 + 3_000);
  }, 30_000);
});
