// The same bad values for the same kind of option, whatever the factory: what the table of
// bad options (test/bad-options.test.ts) feeds every public factory.

/** One bad value of an option, and what its message must say besides the option and the value. */
export interface Bad {
  readonly value: unknown;
  /** Text the message must also hold (a "did you mean", a hint). */
  readonly hint?: string;
  /** The value as the message must show it, when not `showValue(value)` (a hidden secret). */
  readonly shown?: string;
  /** Where the option is, when deeper than the key itself (`tags.a`, `initialState.circuits["a"]`). */
  readonly at?: string;
}

/** A function where none belongs: shown as `function notAnOption`. */
export function notAnOption(): void {}

const bad = (...values: unknown[]): Bad[] => values.map((value) => ({ value }));

/** Bounds of a number option, as its schema declares them. */
export interface Bounds {
  /** An integer (a safe one). */
  int?: boolean;
  /** A duration in ms: at least 0 unless `above`, at most 2³¹−1. */
  dur?: boolean;
  min?: number;
  above?: number;
  max?: number;
  below?: number;
  /** `Infinity` means "no limit" here. */
  inf?: boolean;
}

/**
 * A number: numeric strings, the empty string, `NaN`, `null`, objects, arrays, booleans and
 * functions always; `-1`, `0`, `Infinity`, `3e9`, `1.5`, `2^53` and the value past the top where
 * the bounds refuse them.
 */
export function num(b: Bounds = {}): Bad[] {
  const out = bad('5', '', Number.NaN, null, {}, [], true, notAnOption, Number.NEGATIVE_INFINITY);
  const min = b.min ?? (b.dur && b.above === undefined ? 0 : undefined);
  const refusesBelow = (n: number) =>
    (min !== undefined && n < min) || (b.above !== undefined && n <= b.above);
  if (refusesBelow(-1)) out.push({ value: -1 });
  if (refusesBelow(0)) out.push({ value: 0 });
  if (!b.inf) out.push({ value: Number.POSITIVE_INFINITY });
  const max = b.dur ? Math.min(b.max ?? 2 ** 31 - 1, 2 ** 31 - 1) : b.max;
  if (max !== undefined && 3e9 > max) out.push({ value: 3e9 });
  if (b.max !== undefined && !b.dur) out.push({ value: b.int ? b.max + 1 : b.max + 0.5 });
  if (b.below !== undefined) out.push({ value: b.below });
  if (b.int) out.push({ value: 1.5 }, { value: 2 ** 53 });
  return out;
}

/** A flag: only `true` and `false` are flags. */
export function flag(): Bad[] {
  return bad('no', 'false', 1, 0, null, {});
}

/** A hook (or any function-valued option). */
export function hook(): Bad[] {
  return bad('x', 1, {}, null, true);
}

/** A non-empty string (a `name`). */
export function str(): Bad[] {
  return bad(5, '', null, {}, [], true, notAnOption);
}

/** One of a fixed set: a near miss (naming the nearest) and a far miss, and non-strings. */
export function enumOf(near: string, nearest: string, far: string): Bad[] {
  return [{ value: near, hint: `did you mean ${JSON.stringify(nearest)}?` }, ...bad(far, 5, null, {})];
}

/** An object recognised by its shape (a store, a client, a clock, a policy): look-alikes that are not. */
export function shape(...extra: unknown[]): Bad[] {
  return bad({}, 'x', 5, null, [], true, ...extra);
}

/** Values that are no options object at all. */
export const NOT_OPTIONS: readonly unknown[] = [null, 'x', 5, [], notAnOption];

/** An unknown key close to a real one (named in "did you mean"), and one close to none. */
export interface Unknown {
  readonly near: string;
  readonly nearest: string;
  readonly far?: string;
  /** How the message shows the value 1 under it, when hidden (the name looks like a secret's). */
  readonly shown?: string;
}
