import type { ResolvedFault } from './faults.ts';
import type { ResolvedOptions } from './options.ts';
import type { RateLimiter } from './rate-limiter.ts';
import type { StatsCollector } from './stats.ts';

/** What a request handler reads of the running server; the mutable fields change with its API. */
export interface ServerState {
  readonly o: ResolvedOptions;
  readonly limiter: RateLimiter;
  readonly stats: StatsCollector;
  faults: readonly ResolvedFault[];
  insufficientQuota: boolean;
  random: () => number;
  closed: boolean;
  elapsed(): number;
  /** A real-time pause that a server close abandons (the socket is destroyed anyway). */
  pause(ms: number): Promise<void>;
}
