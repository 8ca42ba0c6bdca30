/** The two lanes a job can be in: `interactive` goes first when quota is short; `batch` has a floor. */
export const LANES = ['interactive', 'batch'] as const;

/** One of {@link LANES}. */
export type Lane = (typeof LANES)[number];

/** The endpoints a job can call. */
export const ENDPOINTS = ['chat', 'responses', 'embeddings'] as const;

/** One of {@link ENDPOINTS}: `client.chat.completions.create`, `client.responses.create`, `client.embeddings.create`. */
export type Endpoint = (typeof ENDPOINTS)[number];

/** The RabbitMQ queues and Redis keys of one named queue. */
export interface Names {
  readonly name: string;
  /** New jobs of a lane: bounded (`maxLength`), so a full one refuses a publish. */
  lane(lane: Lane): string;
  /**
   * Jobs coming back from a delay: never bounded, so a job the queue already accepted is never
   * dropped because new work filled the lanes.
   */
  readonly returned: string;
  /** Messages that are not valid jobs, with the reason in their headers. */
  readonly dead: string;
  /** The delay queue holding messages for `ms` (one TTL per queue, so expiry is always in order). */
  delay(ms: number): string;
  /** Every queue name of this queue that may exist (for `removeQueue`). */
  all(): string[];
  /** The Redis key of a job's state (one key per job, so every script is Cluster-safe). */
  job(id: string): string;
  /** The Redis pub/sub channel announcing finished jobs. */
  readonly finished: string;
  /** The prefix of every Redis key (the limiter's buckets live under `${prefix}:rl`). */
  readonly prefix: string;
}

/**
 * Delays are rounded up to a grid of about 7 % steps (50 ms to 6 h), so a few dozen delay queues
 * serve every wait, each with a single TTL: RabbitMQ expires messages only at a queue's head, so
 * one queue with mixed per-message TTLs would hold a short wait behind a long one.
 */
const GRID: readonly number[] = (() => {
  const steps: number[] = [];
  for (let ms = 50; ms < 6 * 3_600_000; ms = Math.ceil(ms * 1.07)) steps.push(ms);
  steps.push(6 * 3_600_000);
  return Object.freeze(steps);
})();

/** The longest delay a job can be given (longer hints are capped to it). */
export const MAX_DELAY_STEP_MS = GRID[GRID.length - 1]!;

/** The grid step a delay of `ms` rounds up to. */
export function delayStep(ms: number): number {
  if (!(ms > GRID[0]!)) return GRID[0]!;
  let lo = 0;
  let hi = GRID.length - 1;
  if (ms >= GRID[hi]!) return GRID[hi]!;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (GRID[mid]! >= ms) hi = mid;
    else lo = mid + 1;
  }
  return GRID[lo]!;
}

/** The names of queue `name`, with Redis keys under `prefix`. */
export function namesOf(name: string, prefix: string): Names {
  return Object.freeze({
    name,
    prefix,
    lane: (lane: Lane) => `${name}.${lane}`,
    returned: `${name}.returned`,
    dead: `${name}.dead`,
    delay: (ms: number) => `${name}.delay.${delayStep(ms)}`,
    all: () => [
      ...LANES.map((lane) => `${name}.${lane}`),
      `${name}.returned`,
      `${name}.dead`,
      ...GRID.map((ms) => `${name}.delay.${ms}`),
    ],
    job: (id: string) => `${prefix}:job:{${id}}`,
    finished: `${prefix}:finished`,
  });
}
