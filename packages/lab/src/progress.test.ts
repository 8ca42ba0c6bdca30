import { describe, expect, it } from 'vitest';
import type { ScenarioProgress } from './lab.ts';
import { progressLine, progressPrinter } from './progress.ts';

const progress = (done: number, finished = false): ScenarioProgress => ({
  scenario: 'storm',
  clients: [
    { client: 'openai-sdk', total: 390, done, ok: Math.floor(done / 2) },
    { client: 'unfazed', total: 390, done: 0, ok: 0 },
  ],
  finished,
});

function sink(isTTY: boolean, columns?: number) {
  const writes: string[] = [];
  return { writes, write: (t: string) => writes.push(t), isTTY, ...(columns ? { columns } : {}) };
}

describe('progress', () => {
  it('says per client how far it got and its success rate so far', () => {
    expect(progressLine(progress(100))).toBe(
      'storm              openai-sdk 100/390  50% · unfazed   0/390   –',
    );
  });

  it('rewrites one line on a terminal, cut to its width, and leaves the finished line whole', () => {
    const out = sink(true, 40);
    const print = progressPrinter(out);
    print(progress(10));
    print(progress(20)); // within 100 ms of the last: skipped
    print(progress(390, true));
    expect(out.writes).toHaveLength(2);
    expect(out.writes[0]).toBe(`\r\x1b[2K${progressLine(progress(10)).slice(0, 39)}`);
    expect(out.writes[1]).toBe(`\r\x1b[2K${progressLine(progress(390, true))}\n`);
  });

  it('prints only finished lines where nothing can be rewritten (a CI log)', () => {
    const out = sink(false);
    const print = progressPrinter(out);
    print(progress(10));
    print(progress(390, true));
    expect(out.writes).toEqual([`${progressLine(progress(390, true))}\n`]);
  });
});
