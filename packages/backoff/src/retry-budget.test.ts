import { describe, expect, it } from 'vitest';
import { createRetryBudget } from './retry-budget.ts';

describe('createRetryBudget', () => {
  it('allows the floor (minRetriesPerSecond × window) with no traffic, then refuses', () => {
    const budget = createRetryBudget({ minRetriesPerSecond: 0.5, windowMs: 10_000 }); // 5 retries
    const granted = Array.from({ length: 8 }, () => budget.tryRetry('k', 0)).filter(Boolean).length;
    expect(granted).toBe(5);
    expect(budget.available('k', 0)).toBe(0);
  });

  it('adds ratio × first attempts on top of the floor', () => {
    const budget = createRetryBudget({ ratio: 0.2, minRetriesPerSecond: 0 });
    for (let i = 0; i < 100; i++) budget.recordRequest('k', 1_000);
    const granted = Array.from({ length: 50 }, () => budget.tryRetry('k', 1_000)).filter(Boolean).length;
    expect(granted).toBe(20);
  });

  it('forgets attempts and retries older than the window', () => {
    const budget = createRetryBudget({ ratio: 0.5, minRetriesPerSecond: 0, windowMs: 10_000 });
    for (let i = 0; i < 10; i++) budget.recordRequest('k', 0);
    expect(budget.available('k', 9_000)).toBe(5);
    for (let i = 0; i < 5; i++) expect(budget.tryRetry('k', 9_000)).toBe(true);
    expect(budget.tryRetry('k', 9_000)).toBe(false);
    // At 10 s the attempts' slice leaves the window; the retries' slice (9 s) is still in it.
    expect(budget.available('k', 10_500)).toBe(0);
    for (let i = 0; i < 4; i++) budget.recordRequest('k', 10_500);
    expect(budget.available('k', 10_500)).toBe(0);
    expect(budget.available('k', 19_500)).toBe(2); // the 9 s retries left; 4 attempts × 0.5 remain
  });

  it('keeps keys apart', () => {
    const budget = createRetryBudget({ minRetriesPerSecond: 0.1 }); // 1 retry per 10 s
    expect(budget.tryRetry('a', 0)).toBe(true);
    expect(budget.tryRetry('a', 0)).toBe(false);
    expect(budget.tryRetry('b', 0)).toBe(true);
  });

  it('is bounded: idle keys and the least recently used beyond maxKeys are dropped', () => {
    const budget = createRetryBudget({ maxKeys: 100, idleMs: 1_000 });
    for (let i = 0; i < 1_000; i++) budget.recordRequest(`k${i}`, i);
    expect(budget.size).toBeLessThanOrEqual(100);
    budget.recordRequest('late', 10_000);
    expect(budget.size).toBeLessThanOrEqual(92); // idle keys swept as a new key arrives
  });

  it('defaults idleMs to six windows, and never beyond what a timer can hold', () => {
    expect(createRetryBudget({ windowMs: 1_000 }).options).toEqual({
      ratio: 0.2,
      windowMs: 1_000,
      minRetriesPerSecond: 3,
      maxKeys: 10_000,
      idleMs: 6_000,
    });
    expect(createRetryBudget({ windowMs: 2 ** 31 - 1 }).options.idleMs).toBe(2 ** 31 - 1);
  });
});
