import { describe, expect, it } from 'vitest';
import { KeyedMap } from './keyed-map.ts';

const keysOf = (map: KeyedMap<unknown>, now = 0) => [...map.entries(now)].map(([k]) => k);

describe('KeyedMap', () => {
  it('creates on first use and returns the same state after', () => {
    let created = 0;
    const map = new KeyedMap<{ n: number }>({ maxKeys: 10, idleMs: 1_000 });
    const a = map.getOrCreate('a', 0, () => ({ n: ++created }));
    expect(map.getOrCreate('a', 5, () => ({ n: ++created }))).toBe(a);
    expect(created).toBe(1);
    expect(map.peek('b', 0)).toBeUndefined();
  });

  it('drops the least recently used key beyond maxKeys', () => {
    const map = new KeyedMap<string>({ maxKeys: 3 });
    map.set('a', 'a', 0);
    map.set('b', 'b', 1);
    map.set('c', 'c', 2);
    map.get('a', 3); // refreshed: now the most recent
    map.set('d', 'd', 4);
    expect(keysOf(map)).toEqual(['c', 'a', 'd']);
  });

  it('expires entries after idleMs (sliding) or at their own expiry', () => {
    const map = new KeyedMap<string>({ maxKeys: 100, idleMs: 1_000 });
    map.set('idle', 'x', 0);
    map.set('used', 'x', 0);
    map.get('used', 900);
    expect(map.get('idle', 1_000)).toBeUndefined();
    expect(map.get('used', 1_800)).toBe('x');

    const buckets = new KeyedMap<string>({ maxKeys: 100 });
    buckets.set('full-soon', 'x', 0, 50);
    buckets.set('full-later', 'x', 0, 5_000);
    expect(buckets.get('full-soon', 50)).toBeUndefined();
    expect(buckets.get('full-later', 4_999)).toBe('x');
    buckets.expireAt('full-later', 10);
    expect(buckets.peek('full-later', 10)).toBeUndefined();
  });

  it('never evicts nor expires a pinned entry, and evicts it normally once released', () => {
    const map = new KeyedMap<string>({ maxKeys: 1, idleMs: 100 });
    map.set('a', 'state of a', 0);
    const release = map.pin('a');
    map.set('b', 'b', 1); // a cannot go: the map holds both for now
    expect(map.get('a', 10_000)).toBe('state of a');
    expect(map.size).toBe(2);
    release();
    release(); // twice releases once
    map.set('c', 'c', 10_001);
    expect(map.peek('a', 10_001)).toBeUndefined();
    expect(map.size).toBe(1);
  });

  it('keeps the bound with many pinned entries: unpinned ones go first, the newest survives', () => {
    // The cost per new key in this situation is measured by `pnpm bench keyed-map`.
    const map = new KeyedMap<number>({ maxKeys: 1_000, idleMs: 600_000 });
    for (let i = 0; i < 16_000; i++) {
      map.set(`held-${i}`, i, 0);
      map.pin(`held-${i}`);
    }
    for (let i = 0; i < 2_000; i++) map.set(`new-${i}`, i, 1);
    expect(map.size).toBe(16_001);
    expect(map.peek('new-1999', 1)).toBe(1999);
    expect(map.peek('new-1998', 1)).toBeUndefined();
    expect(map.peek('held-0', 1)).toBe(0);
  });
});
