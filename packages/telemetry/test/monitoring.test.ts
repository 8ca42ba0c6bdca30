// The monitoring kit against the real thing: the example service exporting through the OpenTelemetry
// Prometheus exporter, calling the chaos server; a real Prometheus scraping it and evaluating
// docs/monitoring/alerts.yml; a real Alertmanager routing with docs/monitoring/alertmanager.yml to a
// local webhook receiver. Time is compressed (minutes → seconds). Skips when the binaries are absent.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type ChaosServer, startChaosServer } from '@unfazed/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { type Service, startService } from '../../../examples/telemetry-service/service.ts';

const run = promisify(execFile);
const KIT = new URL('../../../docs/monitoring/', import.meta.url).pathname;
const BIN = {
  prometheus: '/usr/bin/prometheus',
  promtool: '/usr/bin/promtool',
  alertmanager: '/usr/bin/prometheus-alertmanager',
  amtool: '/usr/bin/amtool',
};
const missing = Object.values(BIN).filter((path) => !existsSync(path));
const title = missing.length
  ? `the monitoring kit (SKIPPED: ${missing.join(', ')} missing; apt-get install prometheus prometheus-alertmanager)`
  : 'the monitoring kit, with a real Prometheus and Alertmanager';

/** Minutes become seconds: `[5m]` → `[5s]`, `for: 2m` → `for: 2s`. */
const compress = (rules: string) => rules.replace(/(\[|for: )(\d+)m\b/g, '$1$2s');

interface Notification {
  receiver: string;
  status: 'firing' | 'resolved';
  alerts: { status: string; labels: Record<string, string> }[];
}

// In CI (`CI=true`, as .ci/run sets it) a missing binary is a failure, not a skip.
const required = process.env.CI === 'true' || process.env.CI === '1';

describe.skipIf(missing.length > 0 && !required)(title, () => {
  it('promtool: the rules are valid and their unit tests pass', async () => {
    const check = await run(BIN.promtool, ['check', 'rules', join(KIT, 'alerts.yml')]);
    expect(check.stdout).toContain('SUCCESS: 8 rules found');
    const test = await run(BIN.promtool, ['test', 'rules', join(KIT, 'alerts.test.yml')]);
    expect(test.stdout).toContain('SUCCESS');
  });

  it('amtool: the Alertmanager configuration is valid', async () => {
    const { stdout } = await run(BIN.amtool, ['check-config', join(KIT, 'alertmanager.yml')]);
    expect(stdout).toContain('SUCCESS');
    expect(stdout).toContain('2 receivers');
  });

  describe('live: traffic, scrapes, alerts and routing', () => {
    let dir: string;
    let chaos: ChaosServer;
    let service: Service;
    let receiver: Server;
    const notifications: Notification[] = [];
    const processes: ChildProcess[] = [];
    let prometheus: string;
    let started: number;

    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'unfazed-monitoring-'));
      chaos = await startChaosServer({ rpm: 60, tpm: 1_000_000, windowMs: 1_000, retryAfter: 'ms' });
      service = await startService({
        port: 0,
        baseURL: chaos.url,
        apiKey: 'sk-monitoring-test-0123456789',
        resilience: { retry: { baseDelayMs: 5, maxDelayMs: 20 }, breaker: { halfOpenAfterMs: 1_000 } },
      });
      receiver = createServer((req, res) => {
        let body = '';
        req.on('data', (c) => {
          body += c;
        });
        req.on('end', () => {
          const n = JSON.parse(body) as Notification;
          notifications.push({ ...n, receiver: req.url === '/pages' ? 'pages' : 'warnings' });
          res.end('ok');
        });
      });
      await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
      const receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;

      const [amPort, promPort] = await freePorts(2);
      const am = (await readFile(join(KIT, 'alertmanager.yml'), 'utf8'))
        .replaceAll('http://127.0.0.1:9095', receiverUrl)
        .replace(/group_wait: \S+/g, 'group_wait: 1s')
        .replace(/group_interval: \S+/g, 'group_interval: 1s');
      await writeFile(join(dir, 'alertmanager.yml'), am);
      await writeFile(join(dir, 'alerts.yml'), compress(await readFile(join(KIT, 'alerts.yml'), 'utf8')));
      await writeFile(
        join(dir, 'prometheus.yml'),
        [
          'global: { scrape_interval: 1s, evaluation_interval: 1s }',
          'rule_files: [alerts.yml]',
          `alerting: { alertmanagers: [{ static_configs: [{ targets: ['127.0.0.1:${amPort}'] }] }] }`,
          'scrape_configs:',
          `  - { job_name: telemetry-service, static_configs: [{ targets: ['${service.url.slice(7)}'] }] }`,
        ].join('\n'),
      );
      processes.push(
        spawn(BIN.alertmanager, [
          `--config.file=${join(dir, 'alertmanager.yml')}`,
          `--storage.path=${join(dir, 'am')}`,
          `--web.listen-address=127.0.0.1:${amPort}`,
          '--cluster.listen-address=', // no HA peers: no gossip to settle before notifying
          '--log.level=warn',
        ]),
        spawn(BIN.prometheus, [
          `--config.file=${join(dir, 'prometheus.yml')}`,
          `--storage.tsdb.path=${join(dir, 'prom')}`,
          `--web.listen-address=127.0.0.1:${promPort}`,
          '--log.level=warn',
        ]),
      );
      prometheus = `http://127.0.0.1:${promPort}`;
      await until(() => ok(`${prometheus}/-/ready`), 15_000, 'Prometheus ready');
      await until(() => ok(`http://127.0.0.1:${amPort}/-/ready`), 15_000, 'Alertmanager ready');
    }, 30_000);

    afterAll(async () => {
      for (const p of processes) p.kill('SIGTERM');
      await Promise.all(
        processes.map(
          (p) => new Promise((resolve) => (p.exitCode === null ? p.once('exit', resolve) : resolve(0))),
        ),
      );
      await service?.close();
      await chaos?.close();
      await new Promise((resolve) => receiver?.close(resolve));
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    it('alerts fire and clear with the faults, warnings and pages reach their receivers, and every query has data', async () => {
      started = Date.now() / 1_000;
      const traffic = new Traffic(service.url);
      // More than the chaos server's 60 per second, before any limit is known: 429s and cooldowns.
      traffic.burst(80);
      traffic.start();
      try {
        // Healthy: scraped, no error-rate alert.
        await until(
          async () => (await instant('sum(unfazed_calls_total)')).length > 0,
          15_000,
          'first scrape',
        );
        // More than one model's limit, now that the limiter learned it from the headers: it holds calls back.
        traffic.burst(100, 'ask');
        await sleep(4_000);
        expect((await firing()).filter((a) => a.includes('ErrorRate'))).toEqual([]);

        // The minor feature fails alone: warnings, no page.
        chaos.setFaults([{ kind: 'status', status: 500, rate: 1, paths: ['/v1/embeddings'] }]);
        const minorFrom = Date.now() / 1_000;
        await until(
          () => received('warnings', 'firing', 'UnfazedFeatureErrorRate', { unfazed_feature: 'suggest' }),
          25_000,
          'the minor feature’s warning',
        );
        await until(
          () => received('warnings', 'firing', 'UnfazedErrorRateHigh'),
          15_000,
          'the error-rate warning',
        );
        await sleep(3_000); // longer than the page's `for`: it would be firing by now
        const minorTo = Date.now() / 1_000;
        expect(notifications.filter((n) => n.receiver === 'pages')).toEqual([]);
        expect(await range('ALERTS{alertname="UnfazedErrorRateCritical"}', minorFrom, minorTo)).toEqual([]);
        expect(await firing()).not.toContain('UnfazedErrorRateCritical');

        // Everything fails: the page.
        chaos.setFaults([{ kind: 'status', status: 500, rate: 1 }]);
        await until(() => received('pages', 'firing', 'UnfazedErrorRateCritical'), 25_000, 'the page');
        expect(
          notifications
            .filter((n) => n.receiver === 'warnings')
            .some((n) => has(n, 'UnfazedErrorRateCritical')),
        ).toBe(false);

        // Recovered: the error-rate alerts clear, and the receivers hear it.
        chaos.setFaults([]);
        await until(
          () => received('pages', 'resolved', 'UnfazedErrorRateCritical'),
          30_000,
          'the page resolved',
        );
        await until(
          async () => !(await firing()).some((a) => a.startsWith('UnfazedErrorRate')),
          20_000,
          'error-rate alerts cleared',
        );
      } finally {
        await traffic.stop();
      }
      expect(traffic.statuses.get(200)).toBeGreaterThan(100);
      expect(traffic.statuses.get(502)).toBeGreaterThan(0);

      // Every alert expression (its threshold taken off) and every dashboard query, over the run.
      const documented = await documentedMetrics();
      const end = Date.now() / 1_000;
      const rules = parse(compress(await readFile(join(KIT, 'alerts.yml'), 'utf8'))) as {
        groups: { rules: { alert?: string; record?: string; expr: string }[] }[];
      };
      const alerts = rules.groups.flatMap((g) => g.rules).filter((r) => r.alert !== undefined);
      expect(alerts.map((a) => a.alert)).toEqual([
        'UnfazedErrorRateHigh',
        'UnfazedErrorRateCritical',
        'UnfazedFeatureErrorRate',
        'UnfazedRateLimited',
        'UnfazedCircuitOpen',
      ]);
      for (const rule of alerts) {
        const query = withoutThreshold(rule.expr);
        await expectData(`${rule.alert}: ${query}`, query, started, end, documented);
      }
      const dashboard = JSON.parse(await readFile(join(KIT, 'dashboard.json'), 'utf8')) as {
        panels: { title: string; type: string; targets?: { expr: string }[] }[];
      };
      const panels = dashboard.panels.filter((p) => p.type !== 'row');
      expect(panels.length).toBeGreaterThanOrEqual(15);
      for (const panel of panels) {
        expect(panel.targets?.length, panel.title).toBeGreaterThan(0);
        for (const target of panel.targets ?? []) {
          const query = compress(
            target.expr
              .replaceAll('$__rate_interval', '5s')
              .replaceAll('$__interval', '1s')
              .replace(/\$(job|feature|model)\b/g, '.*'),
          );
          await expectData(`${panel.title}: ${query}`, query, started, end, documented);
        }
      }
      // The circuit of the failing minor feature's model opened, and was seen open for its `for`.
      expect(
        await range('ALERTS{alertname="UnfazedCircuitOpen", alertstate="firing"}', started, end),
      ).not.toEqual([]);
    }, 120_000);

    function received(
      to: string,
      status: string,
      alertname: string,
      labels: Record<string, string> = {},
    ): boolean {
      return notifications.some(
        (n) =>
          n.receiver === to &&
          n.alerts.some(
            (a) =>
              a.status === status &&
              a.labels.alertname === alertname &&
              Object.entries(labels).every(([k, v]) => a.labels[k] === v),
          ),
      );
    }

    async function api<T>(path: string, params: Record<string, string>): Promise<T> {
      const response = await fetch(`${prometheus}${path}?${new URLSearchParams(params)}`);
      const body = (await response.json()) as { status: string; data: T; error?: string };
      if (body.status !== 'success') throw new Error(`${path} ${JSON.stringify(params)}: ${body.error}`);
      return body.data;
    }

    async function instant(query: string) {
      return (await api<{ result: { metric: Record<string, string> }[] }>('/api/v1/query', { query })).result;
    }

    async function range(query: string, from: number, to: number) {
      return (
        await api<{ result: { metric: Record<string, string>; values: [number, string][] }[] }>(
          '/api/v1/query_range',
          {
            query,
            start: String(from),
            end: String(to),
            step: '1',
          },
        )
      ).result;
    }

    async function firing(): Promise<string[]> {
      const { alerts } = await api<{ alerts: { labels: { alertname: string }; state: string }[] }>(
        '/api/v1/alerts',
        {},
      );
      return alerts.filter((a) => a.state === 'firing').map((a) => a.labels.alertname);
    }

    /** `query` has finite values over the run; the metrics it names are documented and scraped; its `by` labels are on the result. */
    async function expectData(
      what: string,
      query: string,
      from: number,
      to: number,
      documented: Set<string>,
    ) {
      const result = await range(query, from, to);
      const finite = result.filter((s) => s.values.some(([, v]) => Number.isFinite(Number(v))));
      expect(finite.length, `${what} returned no data`).toBeGreaterThan(0);
      for (const name of metricNames(query)) {
        expect(documented.has(name), `${what}: ${name} is not in docs/monitoring/README.md`).toBe(true);
        expect((await instant(`count(${name})`)).length, `${what}: ${name} was never scraped`).toBe(1);
      }
      for (const label of byLabels(query)) {
        expect(
          finite.some((s) => label in s.metric),
          `${what}: no series has the label ${label}`,
        ).toBe(true);
      }
    }
  });
});

/** The threshold off an alert expression: `(…) > 0.10` → `(…)`; `x == 0` → `x`. */
function withoutThreshold(expr: string): string {
  const match = /^([\s\S]*?)\s*(>|<|==|>=|<=|!=)\s*[\d.]+\s*$/.exec(expr.trim());
  if (!match?.[1]) throw new Error(`no threshold in ${expr}`);
  return match[1];
}

/** Metric names a query reads (recording rules, `a:b:c`, are not metrics: Prometheus evaluates them from the rules). */
function metricNames(query: string): string[] {
  const names = new Set<string>();
  for (const m of query.matchAll(/\b((?:unfazed|gen_ai)_[a-z_]+)(?=\s*[{[])/g)) names.add(m[1] as string);
  return [...names];
}

function byLabels(query: string): string[] {
  const labels = new Set<string>();
  for (const m of query.matchAll(/by \(([^)]*)\)/g)) {
    for (const l of (m[1] as string).split(','))
      if (l.trim() !== 'le' && l.trim() !== '') labels.add(l.trim());
  }
  return [...labels];
}

/** The Prometheus names in the README's metric table, with the histogram series suffixes. */
async function documentedMetrics(): Promise<Set<string>> {
  const readme = await readFile(join(KIT, 'README.md'), 'utf8');
  const names = new Set<string>();
  for (const m of readme.matchAll(/^\| `[a-z_.]+` \| `([a-z_]+)` \| (\w+) \|/gm)) {
    const [, name, instrument] = m as unknown as [string, string, string];
    if (instrument === 'histogram') for (const s of ['_bucket', '_sum', '_count']) names.add(`${name}${s}`);
    else names.add(name);
  }
  return names;
}

function has(n: Notification, alertname: string): boolean {
  return n.alerts.some((a) => a.labels.alertname === alertname);
}

/** Open-loop traffic: a request every 50 ms whether or not the last one answered. */
class Traffic {
  readonly statuses = new Map<number, number>();
  readonly #url: string;
  readonly #pending = new Set<Promise<void>>();
  #timer: NodeJS.Timeout | undefined;
  #n = 0;

  constructor(url: string) {
    this.#url = url;
  }

  start(): void {
    this.#timer = setInterval(() => this.#send(), 50);
  }

  burst(count: number, route?: 'ask' | 'suggest'): void {
    for (let i = 0; i < count; i++) this.#send(route);
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await Promise.all(this.#pending);
  }

  #send(route?: 'ask' | 'suggest'): void {
    const n = this.#n++;
    const minor = route === undefined ? n % 10 < 3 : route === 'suggest';
    const body = { question: `question ${n}`, user: `user-${n % 7}`, stream: !minor && n % 5 === 0 };
    const p = fetch(`${this.#url}/${minor ? 'suggest' : 'ask'}`, {
      method: 'POST',
      body: JSON.stringify(body),
    })
      .then(async (r) => {
        await r.text();
        this.statuses.set(r.status, (this.statuses.get(r.status) ?? 0) + 1);
      })
      .catch(() => {})
      .finally(() => this.#pending.delete(p));
    this.#pending.add(p);
  }
}

async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<Server>((resolve) => {
          const s = createServer();
          s.listen(0, '127.0.0.1', () => resolve(s));
        }),
    ),
  );
  const ports = servers.map((s) => (s.address() as AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  return ports;
}

async function ok(url: string): Promise<boolean> {
  try {
    return (await fetch(url)).ok;
  } catch {
    return false;
  }
}

async function until(
  check: () => boolean | Promise<boolean>,
  timeoutMs: number,
  what: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await sleep(250);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
