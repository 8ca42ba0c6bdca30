import { describe, expect, it } from 'vitest';
import { WaiterQueue } from './waiter-queue.ts';

describe('WaiterQueue', () => {
  it('is first in, first out', () => {
    const q = new WaiterQueue<string>();
    for (const v of ['a', 'b', 'c']) q.push(v);
    expect([q.shift(), q.shift(), q.shift(), q.shift()]).toEqual(['a', 'b', 'c', undefined]);
    expect(q.size).toBe(0);
  });

  it('removes from the head, the middle and the tail, and a removed entry holds nothing', () => {
    const q = new WaiterQueue<{ big: number[] }>();
    const entries = [0, 1, 2, 3, 4].map((i) => q.push({ big: [i] }));
    expect(q.remove(entries[2]!)).toBe(true);
    expect(q.remove(entries[0]!)).toBe(true);
    expect(q.remove(entries[4]!)).toBe(true);
    expect(q.remove(entries[4]!)).toBe(false);
    expect(entries[2]).toEqual({ value: undefined, prev: undefined, next: undefined, queued: false });
    expect(q.size).toBe(2);
    expect([q.shift()?.big, q.shift()?.big, q.shift()]).toEqual([[1], [3], undefined]);
    q.push({ big: [5] });
    expect(q.shift()?.big).toEqual([5]);
  });
});
