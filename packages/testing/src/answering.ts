import type { IncomingMessage, ServerResponse } from 'node:http';
import { baseHeaders } from './http-helpers.ts';
import type { ServerState } from './server-state.ts';
import type { ChaosRequestRecord } from './stats.ts';

/** One answer being written: its response, its record, and whether the client is still there. */
export interface Answering {
  readonly res: ServerResponse;
  readonly record: ChaosRequestRecord;
  /** The `x-ratelimit-*` headers the answer carries; set once the limiter has seen the request. */
  rateHeaders: Record<string, string>;
  /** The server closed or the client went away: write nothing more. */
  gone(): boolean;
  /** The headers every answer carries (request id, processing time, `x-ratelimit-*`). */
  headers(): Record<string, string>;
  /** Records `status`, waits `latencyMs + delayMs`, then answers with a JSON body. */
  send(status: number, payload: unknown, extra?: Record<string, string>, delayMs?: number): Promise<void>;
  /** Records a 200 whose body is written by hand, and waits `latencyMs + delayMs`. */
  begin(delayMs?: number): Promise<void>;
}

/** The answer to `req`, recorded in `record` once its status is known. */
export function answering(
  s: ServerState,
  req: IncomingMessage,
  res: ServerResponse,
  record: ChaosRequestRecord,
): Answering {
  const started = performance.now();
  const a: Answering = {
    res,
    record,
    rateHeaders: {},
    gone: () => s.closed || res.destroyed || req.socket.destroyed,
    headers: () => ({ ...baseHeaders(record.requestId, started), ...a.rateHeaders }),
    async send(status, payload, extra = {}, delayMs = 0) {
      record.status = status;
      s.stats.record(record);
      await s.pause(s.o.latencyMs + delayMs);
      if (a.gone()) return;
      res.writeHead(status, { ...a.headers(), ...extra, 'content-type': 'application/json' });
      res.end(JSON.stringify(payload));
    },
    async begin(delayMs = 0) {
      record.status = 200;
      s.stats.record(record);
      await s.pause(s.o.latencyMs + delayMs);
    },
  };
  return a;
}
