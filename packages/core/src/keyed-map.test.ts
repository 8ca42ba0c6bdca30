import { describe, expect, it } from 'vitest';
import { KeyedMap } from './keyed-map.ts';

describe('KeyedMap', () => {
  it('creates on first use and returns the same state after', () => {
    let created = 0;
    const map = new KeyedMap({ maxKeys: 10, idleMs: 1_000, create: (key) => ({ key, n: ++created }) });
    expect(map.get('a', 0)).toBe(map.get('a', 5));
    expect(created).toBe(1);
    expect(map.peek('b')).toBeUndefined();
  });

  it('drops the least recently used key beyond maxKeys', () => {
    const map = new KeyedMap({ maxKeys: 3, idleMs: 1e9, create: (key) => key });
    map.get('a', 0);
    map.get('b', 1);
    map.get('c', 2);
    map.get('a', 1e9); // refreshed: now the most recent
    map.get('d', 1e9);
    expect([...map.entries()].map(([k]) => k)).toEqual(['c', 'a', 'd']);
  });

  it('drops idle keys when a new key arrives, but keeps those that refuse', () => {
    const map = new KeyedMap({
      maxKeys: 100,
      idleMs: 1_000,
      create: (key) => key,
      canEvict: (key) => key !== 'held',
    });
    map.get('held', 0);
    map.get('idle', 0);
    map.get('fresh', 1_500);
    expect([...map.entries()].map(([k]) => k).sort()).toEqual(['fresh', 'held']);
  });
});
