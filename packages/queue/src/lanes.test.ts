import { describe, expect, it } from 'vitest';
import { LaneScheduler } from './lanes.ts';

const fill = (s: LaneScheduler<string>, lane: 'interactive' | 'batch', n: number) => {
  for (let i = 0; i < n; i++) s.push(lane, `${lane[0]}${i}`);
};
const drain = (s: LaneScheduler<string>, n = Number.POSITIVE_INFINITY) => {
  const out: string[] = [];
  for (
    let item = s.next();
    item !== undefined && out.length < n;
    item = out.length < n ? s.next() : undefined
  )
    out.push(item);
  return out;
};

describe('LaneScheduler', () => {
  it('starts interactive work first and gives batch its floor share while both wait', () => {
    const s = new LaneScheduler<string>(0.25);
    fill(s, 'batch', 10);
    fill(s, 'interactive', 10);
    const first = drain(s, 12)
      .map((x) => x[0])
      .join('');
    expect(first).toBe('iiibiiibiiib');
  });

  it('never starves batch: under an endless interactive stream it gets exactly its share', () => {
    const s = new LaneScheduler<string>(0.1);
    fill(s, 'batch', 1_000);
    let batch = 0;
    for (let i = 0; i < 1_000; i++) {
      s.push('interactive', 'i');
      if (s.next()!.startsWith('b')) batch++;
    }
    expect(batch).toBe(100);
  });

  it('runs batch alone when no interactive job waits, without saving up credit for later', () => {
    const s = new LaneScheduler<string>(0.5);
    fill(s, 'batch', 3);
    expect(drain(s)).toEqual(['b0', 'b1', 'b2']);
    fill(s, 'interactive', 3);
    expect(drain(s)).toEqual(['i0', 'i1', 'i2']);
  });

  it('take() removes what the test picks, from both lanes, keeping the order of the rest', () => {
    const s = new LaneScheduler<string>(0.1);
    fill(s, 'batch', 3);
    fill(s, 'interactive', 3);
    expect(s.take((x) => x.endsWith('1'))).toEqual(['i1', 'b1']);
    expect(s.size).toBe(4);
    expect(drain(s)).toEqual(['i0', 'i2', 'b0', 'b2']);
  });
});
