import type { FaultKind } from './faults.ts';

/** One request as the chaos server saw it. */
export interface ChaosRequestRecord {
  /** Arrival, in ms since the server started (or was last `reset()`), on the server's clock. */
  time: number;
  /**
   * The API key (the `Bearer` token) masked as OpenAI masks it (`sk-ab***…wxyz`, see `maskKey`),
   * or `''` when none was sent. The raw key is never kept.
   */
  key: string;
  /** e.g. `/v1/chat/completions`. */
  path: string;
  /** HTTP status answered; `0` when none was (socket reset, hang). */
  status: number;
  /** The estimated token cost (prompt estimate + output limit) charged against TPM when admitted. */
  tokens: number;
  /** The `x-request-id` sent back (`req_…`). */
  requestId: string;
  /** Whether the client asked for a stream. */
  stream: boolean;
  /** The request body's `model`, when it sent one. */
  model?: string;
  /** The `x-client-request-id` request header, when the client sent one. */
  clientRequestId?: string;
  /** The injected fault, if one hit this request. */
  fault?: FaultKind;
  /** For 429s: which limit refused it. */
  rateLimit?: 'requests' | 'tokens' | 'too-large' | 'insufficient-quota';
}

/** Counters of one slice of requests. */
export interface ChaosCounts {
  total: number;
  /** Requests per HTTP status answered (resets and hangs have none; see `byFault`). */
  byStatus: Record<number, number>;
  /** Requests hit by each fault kind. */
  byFault: Partial<Record<FaultKind, number>>;
  /** Sum of the token cost of admitted (2xx) requests. */
  tokens: number;
}

/** One interval of {@link ChaosStats.timeline}. */
export interface ChaosTimelineBucket extends ChaosCounts {
  /** Interval start, ms since start/reset (inclusive). */
  from: number;
  /** Interval end, ms since start/reset (exclusive). */
  to: number;
}

/** A snapshot of everything the chaos server counted since it started or was last reset. */
export interface ChaosStats extends ChaosCounts {
  /** Counts per API key, under the masked key (`maskKey(apiKey)`). */
  byKey: Record<string, ChaosCounts>;
  byPath: Record<string, ChaosCounts>;
  /** Counts per `intervalMs` slice of time, from 0 to the last request, empty slices included. */
  timeline: ChaosTimelineBucket[];
  /** The raw request log, oldest first (bounded by `maxLogEntries`). */
  requests: ChaosRequestRecord[];
}

function emptyCounts(): ChaosCounts {
  return { total: 0, byStatus: {}, byFault: {}, tokens: 0 };
}

function add(counts: ChaosCounts, record: ChaosRequestRecord): void {
  counts.total += 1;
  if (record.status > 0) counts.byStatus[record.status] = (counts.byStatus[record.status] ?? 0) + 1;
  if (record.fault) counts.byFault[record.fault] = (counts.byFault[record.fault] ?? 0) + 1;
  if (record.status >= 200 && record.status < 300) counts.tokens += record.tokens;
}

/** Collects request records; totals are exact, the raw log keeps the newest `maxLog` entries. */
export class StatsCollector {
  #totals = emptyCounts();
  #byKey = new Map<string, ChaosCounts>();
  #byPath = new Map<string, ChaosCounts>();
  #log: ChaosRequestRecord[] = [];

  readonly maxLog: number;

  constructor(maxLog: number) {
    this.maxLog = maxLog;
  }

  record(record: ChaosRequestRecord): void {
    add(this.#totals, record);
    add(mapGet(this.#byKey, record.key), record);
    add(mapGet(this.#byPath, record.path), record);
    this.#log.push(record);
    if (this.#log.length > this.maxLog) this.#log.splice(0, this.#log.length - this.maxLog);
  }

  clear(): void {
    this.#totals = emptyCounts();
    this.#byKey.clear();
    this.#byPath.clear();
    this.#log = [];
  }

  snapshot(intervalMs: number): ChaosStats {
    const copy = (c: ChaosCounts): ChaosCounts => ({
      ...c,
      byStatus: { ...c.byStatus },
      byFault: { ...c.byFault },
    });
    const timeline: ChaosTimelineBucket[] = [];
    for (const record of this.#log) {
      const index = Math.floor(record.time / intervalMs);
      while (timeline.length <= index) {
        const from = timeline.length * intervalMs;
        timeline.push({ from, to: from + intervalMs, ...emptyCounts() });
      }
      add(timeline[index]!, record);
    }
    return {
      ...copy(this.#totals),
      byKey: Object.fromEntries([...this.#byKey].map(([k, v]) => [k, copy(v)])),
      byPath: Object.fromEntries([...this.#byPath].map(([k, v]) => [k, copy(v)])),
      timeline,
      requests: this.#log.map((r) => ({ ...r })),
    };
  }
}

function mapGet(map: Map<string, ChaosCounts>, key: string): ChaosCounts {
  let counts = map.get(key);
  if (!counts) {
    counts = emptyCounts();
    map.set(key, counts);
  }
  return counts;
}
