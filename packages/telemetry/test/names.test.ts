import * as semconv from '@opentelemetry/semantic-conventions/incubating';
import { describe, expect, it } from 'vitest';
import { DURATION_BUCKETS, GEN_AI, METRICS, TOKEN_BUCKETS, UNFAZED } from '../src/index.ts';

describe('names', () => {
  it('every GenAI attribute and metric we write is the conventions’ own name (@opentelemetry/semantic-conventions)', () => {
    const known = new Set<string>(
      (Object.values(semconv) as unknown[]).filter((v): v is string => typeof v === 'string'),
    );
    for (const name of Object.values(GEN_AI)) expect(known, name).toContain(name);
    for (const name of [METRICS.duration, METRICS.tokenUsage, METRICS.timeToFirstChunk])
      expect(known, name).toContain(name);
    expect(GEN_AI.providerName).toBe(semconv.ATTR_GEN_AI_PROVIDER_NAME);
    expect(known).not.toContain('unfazed.calls');
  });

  it('ours are all under one prefix, and never collide with a convention', () => {
    const known = new Set<string>(
      (Object.values(semconv) as unknown[]).filter((v): v is string => typeof v === 'string'),
    );
    for (const name of Object.values(UNFAZED)) {
      expect(name.startsWith('unfazed.')).toBe(true);
      expect(known.has(name)).toBe(false);
    }
    const ours = Object.values(METRICS).filter((n) => !n.startsWith('gen_ai.'));
    expect(ours.every((n) => n.startsWith('unfazed.'))).toBe(true);
  });

  it('the advised buckets', () => {
    expect(DURATION_BUCKETS).toEqual([
      0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92,
    ]);
    expect(TOKEN_BUCKETS.map((b) => Math.log(b) / Math.log(4))).toEqual(
      [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13].map((n) => expect.closeTo(n, 9)),
    );
  });
});
