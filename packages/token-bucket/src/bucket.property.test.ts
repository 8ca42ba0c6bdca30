import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { afterAdjust, type DimensionSpec } from './bucket.ts';
import { memoryStore } from './memory-store.ts';

const specArb = fc
  .record({
    limit: fc.integer({ min: 1, max: 5_000 }),
    burst: fc.double({ min: 0.01, max: 0.9, noNaN: true }),
    windowMs: fc.integer({ min: 100, max: 100_000 }),
  })
  .map(({ limit, burst, windowMs }): DimensionSpec & { windowMs: number } => {
    const capacity = limit * burst;
    return { limit, capacity, ratePerMs: (limit - capacity) / windowMs, windowMs };
  });

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

describe('memory bucket properties', () => {
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
            // Exact wait: a moment before it the call is still refused, at it the call passes.
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
        const store = memoryStore();
        // A fresh key is full: any cost up to the limit passes at once.
        const cost = Math.max(1, Math.round(share * d.limit));
        const r = await store.acquire({
          key: 'k',
          cost: { requests: 0, tokens: cost },
          spec: { tokens: d },
          now: 0,
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
          const level = levelShare * d.limit;
          const after = afterAdjust(level, amountShare * d.limit, d);
          expect(after).toBeGreaterThanOrEqual(level);
          expect(after).toBeLessThanOrEqual(Math.max(level, d.capacity));
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
          await store.acquire({ key: 'k', cost: unit, spec, now: 0 });
          const now = idle * d.windowMs;
          for (const share of refunds) {
            await store.settle({ key: 'k', spec, now, refund: { requests: 0, tokens: share * d.limit } });
          }
          let count = 0;
          while (count <= d.limit && (await store.acquire({ key: 'k', cost: unit, spec, now })).admitted)
            count++;
          expect(count).toBeLessThanOrEqual(Math.max(1, Math.floor(d.capacity + EPS)));
        },
      ),
      { numRuns: 200 },
    );
  });
});
