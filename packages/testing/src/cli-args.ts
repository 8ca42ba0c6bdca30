import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { FaultWindow } from './faults.ts';
import type { ChaosServerOptions } from './options.ts';

export const HELP = `unfazed-chaos: an OpenAI-compatible chaos server on 127.0.0.1, for any client in any language

Usage: unfazed-chaos [options]

Prints the base URL (http://127.0.0.1:PORT/v1) as the first line on stdout; point
your service at it (OPENAI_BASE_URL=...) with any key starting with sk-. Stops
on SIGINT or SIGTERM and prints what it served.

Options:
  -p, --port <n>            port on 127.0.0.1 (default 0: a free one)
      --config <file>       a JSON file of startChaosServer options (rpm, tpm,
                            windowMs, faults, ...; times in ms); flags override it
                            and --fault windows are added to its faults
      --rpm <n>             requests per window, per API key
      --tpm <n>             tokens per window, per API key
      --window <time>       the window of the limits (default 1m)
      --burst <fraction>    share of the limit the bucket holds, in (0, 1] (default 1)
      --retry-after <mode>  hints on a 429: none, seconds, ms or both (default none)
      --keys <k1,k2,...>    the only accepted API keys (default: any key starting sk-)
      --insufficient-quota  answer every request with 429 insufficient_quota
      --latency <time>      delay before every answer (default 0)
      --chunk-delay <time>  delay between stream events (default 0)
      --seed <n>            seed of the fault draws (default 1)
  -f, --fault <spec>        a fault window (repeatable): KIND[,key=value...] with
                            KIND a status (503), reset, hang, slow, stream-error or
                            stall, and keys rate (0..1), from, to (times since the
                            start), path (repeatable), delay (slow), after
                            (stream-error, stall: chunks before it)
      --stats-every <time>  print a line of counts to stderr this often
  -h, --help                this help

Times: 500ms, 10s, 1m, 1m30s; a bare number is seconds.

Examples:
  unfazed-chaos --rpm 60 --retry-after seconds
  unfazed-chaos --port 8080 --fault 503,rate=0.2 --fault reset,rate=0.05,from=30s,to=1m
  OPENAI_BASE_URL=$(unfazed-chaos --rpm 10 | head -1) my-service   # see README`;

const OPTIONS = {
  port: { type: 'string', short: 'p' },
  config: { type: 'string' },
  rpm: { type: 'string' },
  tpm: { type: 'string' },
  window: { type: 'string' },
  burst: { type: 'string' },
  'retry-after': { type: 'string' },
  keys: { type: 'string' },
  'insufficient-quota': { type: 'boolean' },
  latency: { type: 'string' },
  'chunk-delay': { type: 'string' },
  seed: { type: 'string' },
  fault: { type: 'string', short: 'f', multiple: true },
  'stats-every': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** What the command line asks for. */
export interface CliRequest {
  readonly help: boolean;
  readonly options: ChaosServerOptions;
  readonly statsEveryMs: number | undefined;
}

const UNIT: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };

/** `500ms`, `10s`, `1m30s`, `2h`; a bare number is seconds. */
export function parseTime(flag: string, text: string): number {
  const trimmed = text.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed) * 1_000;
  let total = 0;
  let rest = trimmed;
  while (rest !== '') {
    const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)/.exec(rest);
    if (!m)
      throw new TypeError(`${flag} must be a time such as 500ms, 10s or 1m30s, got ${JSON.stringify(text)}`);
    total += Number(m[1]) * UNIT[m[2]!]!;
    rest = rest.slice(m[0].length);
  }
  if (trimmed === '') throw new TypeError(`${flag} must be a time such as 500ms, 10s or 1m30s, got ""`);
  return total;
}

function num(flag: string, text: string): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n))
    throw new TypeError(`${flag} must be a number, got ${JSON.stringify(text)}`);
  return n;
}

const KINDS = ['reset', 'hang', 'slow', 'stream-error', 'stall'];

/** `503,rate=0.2,from=10s` → `{ kind: 'status', status: 503, rate: 0.2, from: 10_000 }`. */
export function parseFault(spec: string): FaultWindow {
  const [head = '', ...pairs] = spec.split(',');
  const flag = `--fault ${JSON.stringify(spec)}`;
  const kind = head.trim();
  const fault: Record<string, unknown> = /^\d{3}$/.test(kind)
    ? { kind: 'status', status: Number(kind) }
    : { kind };
  if (!/^\d{3}$/.test(kind) && !KINDS.includes(kind) && kind !== 'status') {
    throw new TypeError(
      `${flag}: the kind must be a status (503) or one of ${KINDS.join(', ')}, got ${JSON.stringify(kind)}`,
    );
  }
  for (const pair of pairs) {
    const [key = '', value = ''] = pair.split('=', 2).map((s) => s.trim());
    if (key === 'rate') fault.rate = num(`${flag} rate`, value);
    else if (key === 'from' || key === 'to') fault[key] = parseTime(`${flag} ${key}`, value);
    else if (key === 'path') fault.paths = [...((fault.paths as string[] | undefined) ?? []), value];
    else if (key === 'delay') fault.delayMs = parseTime(`${flag} delay`, value);
    else if (key === 'after') fault.afterChunks = num(`${flag} after`, value);
    else if (key === 'status') fault.status = num(`${flag} status`, value);
    else
      throw new TypeError(
        `${flag}: unknown key ${JSON.stringify(key)} (rate, from, to, path, delay, after, status)`,
      );
  }
  // The server checks every field (a rate of 2, a delay on a reset) in its one message format.
  return fault as unknown as FaultWindow;
}

function readConfig(path: string, cwd: string): ChaosServerOptions {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(resolve(cwd, path), 'utf8'));
  } catch (err) {
    throw new TypeError(`--config ${path}: ${(err as Error).message}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw new TypeError(`--config ${path}: must hold a JSON object of startChaosServer options`);
  return value as ChaosServerOptions;
}

/** Reads the command line into server options. Throws a `TypeError` naming the flag when one is wrong. */
export function parseCli(argv: readonly string[], cwd: string): CliRequest {
  const { values: v } = parseArgs({
    args: [...argv],
    options: OPTIONS,
    strict: true,
    allowPositionals: false,
  });
  if (v.help) return { help: true, options: {}, statsEveryMs: undefined };
  const o: Record<string, unknown> = v.config ? { ...readConfig(v.config, cwd) } : {};
  if (v.port !== undefined) o.port = num('--port', v.port);
  if (v.rpm !== undefined) o.rpm = num('--rpm', v.rpm);
  if (v.tpm !== undefined) o.tpm = num('--tpm', v.tpm);
  if (v.window !== undefined) o.windowMs = parseTime('--window', v.window);
  if (v.burst !== undefined) o.burst = num('--burst', v.burst);
  if (v['retry-after'] !== undefined) o.retryAfter = v['retry-after'];
  if (v.keys !== undefined)
    o.keys = v.keys
      .split(',')
      .map((k) => k.trim())
      .filter(Boolean);
  if (v['insufficient-quota']) o.insufficientQuota = true;
  if (v.latency !== undefined) o.latencyMs = parseTime('--latency', v.latency);
  if (v['chunk-delay'] !== undefined) o.chunkDelayMs = parseTime('--chunk-delay', v['chunk-delay']);
  if (v.seed !== undefined) o.seed = num('--seed', v.seed);
  if (v.fault) o.faults = [...((o.faults as FaultWindow[] | undefined) ?? []), ...v.fault.map(parseFault)];
  const statsEveryMs =
    v['stats-every'] === undefined ? undefined : parseTime('--stats-every', v['stats-every']);
  if (statsEveryMs !== undefined && !(statsEveryMs > 0))
    throw new TypeError('--stats-every must be longer than 0');
  return { help: false, options: o as ChaosServerOptions, statsEveryMs };
}
