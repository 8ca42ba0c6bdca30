import { describe, expect, it } from 'vitest';
import { MAX_HINT_MS, parseDuration } from './duration.ts';

describe('parseDuration', () => {
  it.each([
    ['1s', 1000],
    ['6m0s', 360_000],
    ['120ms', 120],
    ['1m30.5s', 90_500],
    ['1h2m3s', 3_723_000],
    ['9.816s', 9816],
    ['644ms', 644],
    ['0s', 0],
    ['0', 0],
    ['20', 20_000],
    ['1.5', 1500],
    ['.5s', 500],
    ['250us', 0.25],
    ['250µs', 0.25],
    ['1500000ns', 1.5],
    ['2h', 7_200_000],
    [' 3s ', 3000],
    ['+2s', 2000],
  ])('%s → %d ms', (input, ms) => {
    expect(parseDuration(input)).toBe(ms);
  });

  it.each([
    '',
    ' ',
    '-1s',
    '1x',
    's',
    '1s2',
    '1 s',
    'NaN',
    'Infinity',
    '1e3s',
    'abc',
    '1..5s',
    '169h',
    '1'.repeat(400),
  ])('rejects %j', (input) => {
    expect(parseDuration(input)).toBeUndefined();
  });

  it('rejects non-strings and absurd values', () => {
    expect(parseDuration(undefined)).toBeUndefined();
    expect(parseDuration(null)).toBeUndefined();
    expect(parseDuration(5 as unknown as string)).toBeUndefined();
    expect(parseDuration('1700000000')).toBeUndefined();
    expect(parseDuration('168h')).toBe(MAX_HINT_MS);
  });
});
