import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { builtInClients } from './built-in-clients.ts';
import { HELP, listing } from './cli-help.ts';
import type { ClientEntry } from './client.ts';
import { DEFAULT_TIME_SCALE, runLab } from './lab.ts';
import { loadClient, loadScenarios } from './load-modules.ts';
import { type ProgressSink, progressPrinter } from './progress.ts';
import { renderReport } from './report-html.ts';
import { reportJson } from './report-json.ts';
import { formatTables } from './report-text.ts';
import type { Scenario } from './scenario.ts';
import { builtInScenarios } from './scenarios.ts';
import { checkThresholds, parseThreshold, parseTime, type Threshold } from './thresholds.ts';

/** Where the CLI writes and where it resolves paths; `process` by default. */
export interface CliIo {
  readonly stdout: ProgressSink;
  readonly stderr: ProgressSink;
  readonly cwd: string;
}

/** Exit statuses: 0 every threshold met, 1 a threshold missed, 2 bad usage or configuration, 3 the run failed. */
export const EXIT = { ok: 0, missed: 1, usage: 2, failed: 3 } as const;

const OPTIONS = {
  scenario: { type: 'string', short: 's', multiple: true },
  client: { type: 'string', short: 'c', multiple: true },
  duration: { type: 'string', short: 'd' },
  rate: { type: 'string', short: 'r' },
  seed: { type: 'string' },
  'time-scale': { type: 'string', short: 't' },
  html: { type: 'string' },
  'json-out': { type: 'string' },
  json: { type: 'boolean' },
  'min-success': { type: 'string', multiple: true },
  'max-attempts': { type: 'string', multiple: true },
  'max-p99': { type: 'string', multiple: true },
  quiet: { type: 'boolean', short: 'q' },
  list: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

class UsageError extends Error {}

function positive(flag: string, text: string | undefined, integer = false): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) {
    throw new UsageError(
      `--${flag} must be ${integer ? 'an integer' : 'a number'} > 0, got ${JSON.stringify(text)}`,
    );
  }
  return n;
}

/** Runs the CLI with `argv` (without `node` and the script); resolves to the exit status. */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  let values: ReturnType<typeof parseArgs<{ options: typeof OPTIONS }>>['values'];
  try {
    ({ values } = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: false, strict: true }));
  } catch (err) {
    io.stderr.write(`unfazed-lab: ${(err as Error).message}\nRun unfazed-lab --help for the options.\n`);
    return EXIT.usage;
  }
  if (values.help) {
    io.stdout.write(`${HELP}\n`);
    return EXIT.ok;
  }
  if (values.list) {
    io.stdout.write(listing());
    return EXIT.ok;
  }
  let scenarios: Scenario[];
  let clients: ClientEntry[];
  let thresholds: Threshold[];
  let overrides: { durationMs?: number; rpm?: number; seed?: number };
  let timeScale: number;
  try {
    const duration = values.duration === undefined ? undefined : parseTime(values.duration);
    if (values.duration !== undefined && duration === undefined)
      throw new UsageError(
        `--duration must be a duration such as 60s or 2m, got ${JSON.stringify(values.duration)}`,
      );
    const rpm = positive('rate', values.rate);
    const seed = values.seed === undefined ? undefined : Number(values.seed);
    if (seed !== undefined && !Number.isSafeInteger(seed))
      throw new UsageError(`--seed must be an integer, got ${JSON.stringify(values.seed)}`);
    timeScale = positive('time-scale', values['time-scale']) ?? DEFAULT_TIME_SCALE;
    overrides = {
      ...(duration === undefined ? {} : { durationMs: duration }),
      ...(rpm === undefined ? {} : { rpm }),
      ...(seed === undefined ? {} : { seed }),
    };
    thresholds = [
      ...(values['min-success'] ?? []).map((t) => parseThreshold('min-success', t)),
      ...(values['max-attempts'] ?? []).map((t) => parseThreshold('max-attempts', t)),
      ...(values['max-p99'] ?? []).map((t) => parseThreshold('max-p99', t)),
    ];
    scenarios = values.scenario
      ? (await Promise.all(values.scenario.map((s) => loadScenarios(s, io.cwd)))).flat()
      : [...builtInScenarios];
    clients = values.client
      ? await Promise.all(values.client.map((c) => loadClient(c, io.cwd)))
      : [...builtInClients];
  } catch (err) {
    io.stderr.write(`unfazed-lab: ${(err as Error).message}\n`);
    return EXIT.usage;
  }

  const progress = values.quiet ? undefined : progressPrinter(io.stderr);
  let result: Awaited<ReturnType<typeof runLab>>;
  try {
    result = await runLab({
      scenarios,
      clients,
      timeScale,
      overrides,
      ...(progress ? { onProgress: progress } : {}),
    });
  } catch (err) {
    const e = err as Error;
    io.stderr.write(`unfazed-lab: ${e.message}\n`);
    return e instanceof TypeError || e.cause instanceof TypeError ? EXIT.usage : EXIT.failed;
  }
  const json = reportJson(result);
  if (values.json) io.stdout.write(json);
  else io.stdout.write(`\n${formatTables(result)}`);
  const written: string[] = [];
  if (values.html) {
    const path = resolve(io.cwd, values.html);
    await writeFile(path, renderReport(result));
    written.push(path);
  }
  if (values['json-out']) {
    const path = resolve(io.cwd, values['json-out']);
    await writeFile(path, json);
    written.push(path);
  }
  for (const path of written) io.stderr.write(`wrote ${path}\n`);
  const misses = checkThresholds(result, thresholds);
  for (const miss of misses) io.stderr.write(`threshold missed: ${miss.message}\n`);
  if (thresholds.length > 0 && misses.length === 0)
    io.stderr.write(`all ${thresholds.length} threshold(s) met\n`);
  return misses.length > 0 ? EXIT.missed : EXIT.ok;
}
