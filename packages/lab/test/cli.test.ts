import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const CLI = fileURLToPath(new URL('../src/cli.ts', import.meta.url));

/** Runs unfazed-lab as its own process, as a user would. */
async function lab(args: string[], cwd: string) {
  const child = spawn(process.execPath, [CLI, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    stdout += d;
  });
  child.stderr.setEncoding('utf8').on('data', (d: string) => {
    stderr += d;
  });
  const [code] = await once(child, 'exit');
  return { code: code as number, stdout, stderr };
}

/** A user's own client: no SDK at all, plain fetch, errors carrying status, headers and body. */
const CLIENT = `
export const label = 'my fetch client';
export default (ctx) => async (request) => {
  const res = await ctx.fetch(ctx.baseURL + '/chat/completions', {
    method: 'POST',
    headers: { authorization: 'Bearer ' + ctx.apiKey, 'content-type': 'application/json' },
    body: JSON.stringify(request),
  });
  const body = await res.json();
  if (!res.ok) throw Object.assign(new Error('HTTP ' + res.status), { status: res.status, headers: res.headers, error: body.error });
  return body;
};
`;

// Ten calls, one a second; the bucket holds five and nothing refills within the hour-long window.
const SCENARIO = {
  name: 'five-of-ten',
  title: 'Five of ten',
  durationMs: 10_000,
  load: { rpm: 60, arrivals: 'uniform' },
  server: { rpm: 5, windowMs: 3_600_000 },
};

function workspace(): string {
  const dir = mkdtempSync(join(tmpdir(), 'unfazed-lab-cli-'));
  writeFileSync(join(dir, 'my-client.mjs'), CLIENT);
  writeFileSync(join(dir, 'scenario.json'), JSON.stringify(SCENARIO));
  return dir;
}

const run = ['--scenario', 'scenario.json', '--client', './my-client.mjs', '--time-scale', '20', '--quiet'];

describe('unfazed-lab', () => {
  it('runs a user’s scenario file against a user’s client module, and gates on a threshold', async () => {
    const dir = workspace();
    const passed = await lab(
      [...run, '--min-success', 'five-of-ten=50', '--html', 'r.html', '--json-out', 'r.json'],
      dir,
    );
    expect(passed.stderr).toContain('all 1 threshold(s) met');
    expect(passed.code).toBe(0);
    expect(passed.stdout).toContain('five-of-ten: Five of ten');
    expect(passed.stdout).toMatch(/my fetch client\s+50\.0 %\s+1\.00\s+5\s+0/);
    expect(passed.stdout).toContain('429 rate_limit_requests ×5');
    expect(readFileSync(join(dir, 'r.html'), 'utf8')).toContain('data-client="my-client"');
    const json = JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8'));
    expect(json.scenarios[0].results[0].summary).toMatchObject({ calls: 10, ok: 5, successPct: 50 });

    const missed = await lab(
      [...run, '--min-success', 'five-of-ten/my-client=95', '--max-attempts', '*=1'],
      dir,
    );
    expect(missed.code).toBe(1);
    expect(missed.stderr).toContain(
      'threshold missed: five-of-ten/my-client: min-success >= 95.0 %, got 50.0 %',
    );
    expect(missed.stderr).not.toContain('max-attempts');
  });

  it('prints JSON alone with --json, and applies --rate, --duration and --seed', async () => {
    const dir = workspace();
    const out = await lab([...run, '--json', '--rate', '120', '--duration', '5s', '--seed', '4'], dir);
    expect(out.code).toBe(0);
    const json = JSON.parse(out.stdout);
    const [scenario] = json.scenarios;
    expect(scenario.scenario).toMatchObject({ durationMs: 5_000, seed: 4, load: { rpm: 120 } });
    expect(scenario.results[0].summary.calls).toBe(10);
    expect(json.timeScale).toBe(20);
  });

  it('explains itself, lists what is built in, and refuses bad usage with exit status 2', async () => {
    const dir = workspace();
    const help = await lab(['--help'], dir);
    expect(help.code).toBe(0);
    for (const flag of [
      '--scenario',
      '--client',
      '--duration',
      '--rate',
      '--seed',
      '--time-scale',
      '--html',
      '--json-out',
      '--json',
      '--min-success',
      '--max-attempts',
      '--max-p99',
    ])
      expect(help.stdout).toContain(flag);
    const list = await lab(['--list'], dir);
    expect(list.stdout).toMatch(/storm-retry-after[\s\S]*hangs[\s\S]*fixed-interval[\s\S]*unfazed/);

    const unknown = await lab(['--sceanrio', 'storm'], dir);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("Unknown option '--sceanrio'");
    writeFileSync(join(dir, 'typo.json'), JSON.stringify({ ...SCENARIO, load: { rmp: 60 } }));
    const typo = await lab(['--scenario', 'typo.json'], dir);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain(
      'scenario file typo.json: scenario: load.rmp is not an option (did you mean rpm?)',
    );
    const noClient = await lab(['--client', 'nobody'], dir);
    expect(noClient.code).toBe(2);
    expect(noClient.stderr).toMatch(/client "nobody" is neither a built-in \(fixed-interval, openai-sdk/);
    const badGate = await lab(['--min-success', 'storm'], dir);
    expect(badGate.code).toBe(2);
    expect(existsSync(join(dir, 'r.html'))).toBe(false);
  });
});
