import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { adjust, type DimensionSpec, fullState, levelAt, report } from './bucket.ts';
import { memoryStore } from './memory-store.ts';
import { configuredDimension } from './options.ts';
import type { Admission } from './store.ts';

const specArb = fc
  .record({
    limit: fc.integer({ min: 1, max: 5_000 }),
    burst: fc.double({ min: 0.01, max: 0.9, noNaN: true }),
    windowMs: fc.integer({ min: 100, max: 100_000 }),
  })
  .map(({ limit, burst, windowMs }): DimensionSpec & { windowMs: number } => ({
    ...configuredDimension(limit, burst, windowMs, 0),
    windowMs,
  }));

/** Steps: wait `gap` (a fraction of the window) then ask for `share` of the limit (mostly small). */
const stepsArb = fc.array(
  fc.record({
    gap: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 0.3, noNaN: true })),
    /** How long this call may wait, as a share of the window: within it, it reserves. */
    patience: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 2, noNaN: true })),
    share: fc.oneof(
      { weight: 4, arbitrary: fc.double({ min: 0.001, max: 0.1, noNaN: true }) },
      { weight: 1, arbitrary: fc.double({ min: 0.1, max: 1, noNaN: true }) },
    ),
  }),
  { minLength: 1, maxLength: 60 },
);

const EPS = 1e-6;

describe('configured limits (no server headers): the memory bucket', () => {
  it('never admits more than the limit in any window, nor more than burst + refill in any interval; waits are exact', async () => {
    await fc.assert(
      fc.asyncProperty(specArb, stepsArb, async (d, steps) => {
        const store = memoryStore();
        const spec = { tokens: d };
        let now = 0;
        const admitted: { at: number; cost: number }[] = [];
        const ask = async (cost: number, maxWaitMs = 0) => {
          const r = await store.acquire({
            key: 'k',
            cost: { requests: 0, tokens: cost },
            spec,
            now,
            maxWaitMs,
          });
          // A reservation is admitted when its wait is over.
          if (r.admitted) admitted.push({ at: now + r.waitMs, cost });
          if (r.admitted && maxWaitMs === 0) expect(r.waitMs).toBe(0);
          if (r.admitted) expect(r.waitMs).toBeLessThanOrEqual(maxWaitMs);
          return r;
        };
        for (const step of steps) {
          now += step.gap * d.windowMs;
          const cost = Math.max(1, Math.round(step.share * d.limit));
          const r = await ask(cost, step.patience * d.windowMs);
          if (!r.admitted) {
            // Exact wait, every reservation ahead counted: a moment before it the call is still
            // refused, at it the call passes.
            expect(r.waitMs).toBeGreaterThan(0);
            const early = Math.min(r.waitMs / 2, 1);
            const at = now;
            now = at + r.waitMs - early;
            expect((await ask(cost)).admitted).toBe(false);
            now = at + r.waitMs;
            expect((await ask(cost)).admitted).toBe(true);
          }
        }
        admitted.sort((a, b) => a.at - b.at);
        for (let m = 0; m < admitted.length; m++) {
          let sum = 0;
          for (let n = m; n < admitted.length; n++) {
            const a = admitted[n]!;
            const start = admitted[m]!.at;
            sum += a.cost;
            // Any window of windowMs starting at an admission holds at most the limit.
            if (a.at - start < d.windowMs) expect(sum).toBeLessThanOrEqual(d.limit * (1 + EPS));
            // Two or more admissions: at most the burst plus the refill between them.
            if (n > m)
              expect(sum).toBeLessThanOrEqual(d.capacity + d.ratePerMs * (a.at - start) + d.limit * EPS);
          }
        }
      }),
      { numRuns: 200 },
    );
  });

  it('never makes a call wait while its cost is available', async () => {
    await fc.assert(
      fc.asyncProperty(specArb, fc.double({ min: 0, max: 1, noNaN: true }), async (d, share) => {
        // A fresh key is full: any cost up to the limit passes at once.
        const cost = Math.max(1, Math.round(share * d.limit));
        const r = await memoryStore().acquire({
          key: 'k',
          cost: { requests: 0, tokens: cost },
          spec: { tokens: d },
          now: 0,
          maxWaitMs: 0,
        });
        expect(r.admitted).toBe(true);
      }),
    );
  });

  it('refunds never lift the level above the burst (or above what it already was)', () => {
    fc.assert(
      fc.property(
        specArb,
        fc.double({ min: -2, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 2, noNaN: true }),
        (d, levelShare, amountShare) => {
          const state = { ...fullState(d, 0), level: levelShare * d.limit };
          const before = levelAt(state, d, 0);
          adjust(state, d, amountShare * d.limit, 0);
          expect(state.level).toBeGreaterThanOrEqual(before);
          expect(state.level).toBeLessThanOrEqual(Math.max(before, d.capacity));
        },
      ),
    );
  });

  it('after any refunds, calls at one instant get at most the burst', async () => {
    await fc.assert(
      fc.asyncProperty(
        specArb,
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 5 }),
        fc.double({ min: 0, max: 2, noNaN: true }),
        async (d, refunds, idle) => {
          const store = memoryStore();
          const spec = { tokens: d };
          const unit = { requests: 0, tokens: 1 };
          const first = await store.acquire({ key: 'k', cost: unit, spec, now: 0, maxWaitMs: 0 });
          const now = idle * d.windowMs;
          for (const share of refunds) {
            const admission = first as Admission;
            await store.settle({
              key: 'k',
              spec,
              now,
              admission,
              refund: { requests: 0, tokens: share * d.limit },
            });
          }
          let count = 0;
          while (
            count <= d.limit &&
            (await store.acquire({ key: 'k', cost: unit, spec, now, maxWaitMs: 0 })).admitted
          ) {
            count++;
          }
          expect(count).toBeLessThanOrEqual(Math.max(1, Math.floor(d.capacity + EPS)));
        },
      ),
      { numRuns: 200 },
    );
  });
});

/**
 * A simulated server bucket (capacity = limit, refilling limit per window, counting each call when
 * it arrives) and clients that reach it after a random latency, against a limiter that knows only
 * the headers of the answers it got. The model's promise: mirroring the server through `remaining`
 * and the `admitted` counter, the limiter sends nothing the server refuses while latencies keep
 * order, and leaves no capacity unused under a backlog.
 */
describe('learned limits (server headers): mirroring the server bucket', () => {
  const scenario = fc.record({
    limit: fc.integer({ min: 5, max: 2_000 }),
    windowMs: fc.integer({ min: 500, max: 60_000 }),
    latencyMs: fc.integer({ min: 0, max: 200 }),
    jitterMs: fc.integer({ min: 0, max: 50 }),
    offered: fc.double({ min: 1.2, max: 4, noNaN: true }),
    seed: fc.integer({ min: 1, max: 2 ** 30 }),
  });

  it('sends nothing the server refuses beyond one trip of refill, and leaves unused at most one round trip of it', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async (s) => {
        const rate = s.limit / s.windowMs;
        const spec = { requests: { limit: s.limit, capacity: s.limit, ratePerMs: rate } };
        const store = memoryStore();
        let seed = s.seed;
        const random = () => {
          seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
          return seed / 2 ** 31;
        };
        // The server's bucket.
        let level = s.limit;
        let levelAt = 0;
        const serve = (t: number) => {
          level = Math.min(s.limit, level + (t - levelAt) * rate);
          levelAt = t;
          if (level < 1 - 1e-9) return undefined;
          level -= 1;
          return Math.floor(level);
        };
        // Events on one timeline: calls arriving at the limiter, and answers coming back.
        type Answer = { at: number; admission: Admission; remaining: number | undefined };
        const answers: Answer[] = [];
        const duration = 3 * s.windowMs;
        const gap = 1 / (rate * s.offered);
        let refused = 0;
        let served = 0;
        let lastArrival = 0;
        const settleUntil = async (t: number) => {
          answers.sort((a, b) => a.at - b.at);
          while (answers.length > 0 && answers[0]!.at <= t) {
            const a = answers.shift()!;
            const remaining = a.remaining === undefined ? undefined : { requests: a.remaining };
            await store.settle({
              key: 'k',
              spec,
              now: a.at,
              admission: a.admission,
              refund: { requests: 0, tokens: 0 },
              remaining,
            });
          }
        };
        for (let t = 0; t < duration; t += gap) {
          await settleUntil(t);
          const r = await store.acquire({
            key: 'k',
            cost: { requests: 1, tokens: 0 },
            spec,
            now: t,
            maxWaitMs: s.windowMs,
          });
          if (!r.admitted) continue;
          const sendAt = t + r.waitMs;
          // Latency keeps order (one connection's worth of FIFO), as a real server's counter does.
          const arrival = Math.max(lastArrival, sendAt + s.latencyMs / 2 + random() * s.jitterMs);
          lastArrival = arrival;
          const remaining = serve(arrival);
          if (remaining === undefined) refused++;
          else served++;
          answers.push({ at: arrival + s.latencyMs / 2, admission: r, remaining });
        }
        const lastSend = lastArrival;
        const capacity = Math.min(s.limit + rate * lastSend, s.offered * rate * duration);
        // The limiter charges a call when it leaves, the server when it arrives; from a full bucket
        // the server's refill starts a one-way trip later than ours. So at most the refill of one
        // trip is ever sent too early (none without latency); every later answer corrects the view.
        const roundTrip = s.latencyMs + s.jitterMs;
        expect(refused).toBeLessThanOrEqual(roundTrip === 0 ? 0 : Math.ceil(rate * roundTrip) + 1);
        // What is left unused is the refill of a round trip or two (the lag of the server's view,
        // and of the answer that corrects it) and a few calls at the edges (a floored `remaining`
        // is up to one unit low): under 3 % wherever a round trip is short of a window.
        expect(served).toBeGreaterThanOrEqual(capacity - 2 * rate * roundTrip - 3);
        if (roundTrip * 30 <= s.windowMs && s.limit >= 100)
          expect(served).toBeGreaterThanOrEqual(0.97 * capacity);
      }),
      { numRuns: 60 },
    );
  });

  it('a stale report (an answer overtaken by fresher ones) changes nothing', () => {
    const d = { limit: 100, capacity: 100, ratePerMs: 0.1 };
    const state = fullState(d, 0);
    report(state, d, 40, 0, 500, 1_000);
    const after = state.level;
    report(state, d, 90, 0, 100, 1_200); // sent before the one already applied
    expect(state.level).toBe(after);
  });
});
