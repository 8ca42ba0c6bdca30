import type { Clock } from './clock.ts';
import { looksSecret, showValue } from './show-value.ts';

/**
 * The longest delay a timer can honour: Node (like browsers) fires a `setTimeout` of more than
 * 2³¹−1 ms after 1 ms. Duration options above it are refused; clocks split longer computed waits.
 */
export const MAX_DELAY_MS = 2_147_483_647;

/** Where a value being read sits: the factory reading it and the option's path (`retryAfterSpread.ratio`). */
export interface Place {
  readonly owner: string;
  readonly path: string;
  /** Hide the value in messages (an API key). */
  readonly secret?: boolean;
}

/** How one option is read: its rule in words, and what to do with a present or absent value. */
export interface Rule<T> {
  /** What a valid value is, as messages say it: `a finite number >= 0`. */
  readonly rule: string;
  /** Reads a value that is present (not `undefined`); throws {@link optionError} when it is bad. */
  read(value: unknown, place: Place): T;
  /** The value when the option is left out; a required rule throws. */
  absent(place: Place): T;
}

/** A set of rules, one per option name. */
export type Schema = Readonly<Record<string, Rule<unknown>>>;

/** The options a schema reads, with their types. */
export type Resolved<S extends Schema> = { -readonly [K in keyof S]: S[K] extends Rule<infer T> ? T : never };

/** What a rule factory takes about presence: a default, `required`, or neither (then `undefined` when left out). */
export interface Presence<T> {
  default?: T;
  required?: boolean;
}

type Out<T, O> = O extends { default: unknown } ? T : O extends { required: true } ? T : T | undefined;

/**
 * The one error format for bad options: `<owner>: <option> must be <rule>, got <value>`.
 *
 * @example
 * throw optionError({ owner: 'retry', path: 'maxRetries' }, 'an integer >= 0', -1);
 */
export function optionError(place: Place, rule: string, value: unknown, hint?: string): TypeError {
  const shown = place.secret && value !== undefined ? hidden(value) : showValue(value);
  const option = place.path === '' ? 'options' : place.path;
  return new TypeError(`${place.owner}: ${option} must be ${rule}, got ${shown}${hint ? ` (${hint})` : ''}`);
}

/**
 * Reads an options object once, at construction: every key through its rule, defaults filled in.
 * Rejects a non-object, unknown keys (naming the nearest known one), and every bad value, each
 * with a `TypeError` in one format. A key whose value is `undefined` counts as left out.
 *
 * @example
 * const o = readOptions('retry', options, { maxRetries: integer({ min: 0, default: 3 }), onRetry: hook() });
 */
export function readOptions<S extends Schema>(
  owner: string,
  input: unknown,
  schema: S,
  path = '',
): Resolved<S> {
  const at = (key: string): Place => ({ owner, path: path === '' ? key : `${path}.${key}` });
  if (input === undefined) input = {};
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw optionError({ owner, path }, 'an object', input);
  }
  const given = input as Record<string, unknown>;
  for (const key of Object.keys(given)) {
    if (Object.hasOwn(schema, key) || given[key] === undefined) continue;
    const near = nearest(key, Object.keys(schema));
    const place = at(key);
    const shown = looksSecret(key) ? hidden(given[key]) : showValue(given[key]);
    throw new TypeError(
      `${owner}: ${place.path} is not an option${near ? ` (did you mean ${near}?)` : ''}, got ${shown}`,
    );
  }
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(schema)) {
    const rule = schema[key] as Rule<unknown>;
    const value = given[key];
    out[key] = value === undefined ? rule.absent(at(key)) : rule.read(value, at(key));
  }
  return out as Resolved<S>;
}

function hidden(value: unknown): string {
  const kind = value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
  return `${/^[aeiou]/.test(kind) ? 'an' : 'a'} ${kind} (hidden)`;
}

/** The candidate closest to `name` (a typo or a missing unit suffix), if one is close enough. */
export function nearest(name: string, candidates: readonly string[]): string | undefined {
  const lower = name.toLowerCase();
  let best: string | undefined;
  let bestScore = Number.POSITIVE_INFINITY;
  const limit = Math.max(2, Math.floor(name.length / 2));
  for (const candidate of candidates) {
    const c = candidate.toLowerCase();
    let score = distance(lower, c);
    if (score > limit) score = Number.POSITIVE_INFINITY;
    // A name cut short (`maxWait` for maxWaitMs, `o200k` for o200k_base) is one slip, worth half a
    // point per missing character, so `maxRetry` still means maxRetries rather than maxRetryAfterMs.
    const cut = lower.length >= 3 && c.startsWith(lower) && lower.length * 2 >= c.length;
    const grown = lower.length >= 3 && lower.startsWith(c) && lower.length - c.length <= 2;
    if (cut || grown) score = Math.min(score, Math.abs(c.length - lower.length) / 2);
    if (score < bestScore) {
      bestScore = score;
      best = candidate;
    }
  }
  return bestScore === Number.POSITIVE_INFINITY ? undefined : best;
}

function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
    }
    previous = current;
  }
  return previous[b.length]!;
}

/** Builds a rule from its words and a check of present values. */
export function rule<T, O extends Presence<T> = Presence<T>>(
  words: string,
  read: (value: unknown, place: Place) => T,
  presence?: O,
): Rule<Out<T, O>> {
  return {
    rule: words,
    read: read as Rule<Out<T, O>>['read'],
    absent(place) {
      if (presence?.default !== undefined) return presence.default as Out<T, O>;
      if (presence?.required) throw optionError(place, words, undefined);
      return undefined as Out<T, O>;
    },
  };
}

/** Bounds of a number option. */
export interface NumberBounds {
  /** Smallest allowed value (inclusive). */
  min?: number;
  /** Allowed values are greater than this (exclusive). */
  above?: number;
  /** Largest allowed value (inclusive). */
  max?: number;
  /** Allowed values are less than this (exclusive). */
  below?: number;
  /** `Infinity` is allowed (meaning "no limit"). */
  infinity?: boolean;
}

function boundsWords(b: NumberBounds): string {
  const parts: string[] = [];
  if (b.above !== undefined) parts.push(`> ${b.above}`);
  else if (b.min !== undefined) parts.push(`>= ${b.min}`);
  if (b.below !== undefined) parts.push(`< ${b.below}`);
  else if (b.max !== undefined) parts.push(`<= ${b.max}`);
  return parts.join(' and ');
}

function inBounds(n: number, b: NumberBounds): boolean {
  if (b.above !== undefined && !(n > b.above)) return false;
  if (b.min !== undefined && !(n >= b.min)) return false;
  if (b.below !== undefined && !(n < b.below)) return false;
  if (b.max !== undefined && !(n <= b.max)) return false;
  return true;
}

function numberRule<O extends Presence<number>>(kind: string, integer: boolean, o: NumberBounds & O) {
  const bounds = boundsWords(o);
  const words = `${kind}${bounds ? ` ${bounds}` : ''}${o.infinity ? ' (or Infinity)' : ''}`;
  return rule<number, O>(
    words,
    (value, place) => {
      const ok =
        typeof value === 'number' &&
        !Number.isNaN(value) &&
        (Number.isFinite(value)
          ? !integer || Number.isSafeInteger(value)
          : o.infinity === true && value > 0) &&
        (value === Number.POSITIVE_INFINITY || inBounds(value, o));
      if (!ok) throw optionError(place, words, value);
      return value as number;
    },
    o,
  );
}

/**
 * A finite number (no numeric strings, no `NaN`).
 *
 * @example
 * number({ above: 0, max: 1, default: 0.2 }); // "a finite number > 0 and <= 1"
 */
export function number<O extends Presence<number>>(o: NumberBounds & O = {} as O): Rule<Out<number, O>> {
  return numberRule('a finite number', false, o) as Rule<Out<number, O>>;
}

/** A safe integer within bounds. */
export function integer<O extends Presence<number>>(o: NumberBounds & O = {} as O): Rule<Out<number, O>> {
  return numberRule('an integer', true, o) as Rule<Out<number, O>>;
}

/**
 * A duration in milliseconds that a timer can honour: at least `min` (default 0), at most
 * {@link MAX_DELAY_MS}; `infinity: true` also allows `Infinity` for "no limit".
 *
 * @example
 * duration({ above: 0, default: 30_000 }); // "a duration in ms > 0 and <= 2147483647"
 */
export function duration<O extends Presence<number>>(o: NumberBounds & O = {} as O): Rule<Out<number, O>> {
  const bounds: NumberBounds & O = { ...o, max: Math.min(o.max ?? MAX_DELAY_MS, MAX_DELAY_MS) };
  if (bounds.above === undefined && bounds.min === undefined) bounds.min = 0;
  return numberRule('a duration in ms', false, bounds) as Rule<Out<number, O>>;
}

/** `true` or `false`, nothing truthy or falsy. */
export function boolean<O extends Presence<boolean>>(o: O = {} as O): Rule<Out<boolean, O>> {
  return rule<boolean, O>(
    'true or false',
    (value, place) => {
      if (typeof value !== 'boolean') throw optionError(place, 'true or false', value);
      return value;
    },
    o,
  ) as Rule<Out<boolean, O>>;
}

/** A non-empty string. */
export function string<O extends Presence<string>>(
  o: O & { secret?: boolean } = {} as O,
): Rule<Out<string, O>> {
  const words = 'a non-empty string';
  return rule<string, O>(
    words,
    (value, place) => {
      if (typeof value !== 'string' || value === '')
        throw optionError({ ...place, secret: o.secret === true }, words, value);
      return value;
    },
    o,
  ) as Rule<Out<string, O>>;
}

/**
 * One of a fixed set of strings; a near miss names the nearest.
 *
 * @example
 * oneOf(['full', 'equal', 'none'] as const, { default: 'full' });
 */
export function oneOf<const V extends string, O extends Presence<V>>(
  values: readonly V[],
  o: O = {} as O,
): Rule<Out<V, O>> {
  const words = `one of ${values.map((v) => JSON.stringify(v)).join(', ')}`;
  return rule<V, O>(
    words,
    (value, place) => {
      if (typeof value === 'string' && (values as readonly string[]).includes(value)) return value as V;
      const near = typeof value === 'string' ? nearest(value, values) : undefined;
      throw optionError(place, words, value, near && `did you mean ${JSON.stringify(near)}?`);
    },
    o,
  ) as Rule<Out<V, O>>;
}

/** A function (a hook, a classifier, a factory). */
export function fn<F extends (...args: never[]) => unknown, O extends Presence<F> = Presence<F>>(
  o: O = {} as O,
): Rule<Out<F, O>> {
  return rule<F, O>(
    'a function',
    (value, place) => {
      if (typeof value !== 'function') throw optionError(place, 'a function', value);
      return value as F;
    },
    o,
  ) as Rule<Out<F, O>>;
}

/** An array whose every item passes `item`. */
export function list<T, O extends Presence<readonly Exclude<T, undefined>[]>>(
  item: Rule<T>,
  o: O & { nonEmpty?: boolean } = {} as O,
): Rule<Out<readonly Exclude<T, undefined>[], O>> {
  const words = `${o.nonEmpty ? 'a non-empty array' : 'an array'} whose items are each ${item.rule}`;
  return rule<readonly Exclude<T, undefined>[], O>(
    words,
    (value, place) => {
      if (!Array.isArray(value) || (o.nonEmpty && value.length === 0)) throw optionError(place, words, value);
      return Object.freeze(
        value.map((v, i) => item.read(v, { ...place, path: `${place.path}[${i}]` }) as Exclude<T, undefined>),
      );
    },
    o,
  ) as Rule<Out<readonly Exclude<T, undefined>[], O>>;
}

/** A nested options object, read with its own schema; left out, its defaults apply. */
export function object<S extends Schema>(schema: S): Rule<Resolved<S>> {
  return {
    rule: 'an object',
    read: (value, place) => readOptions(place.owner, value, schema, place.path),
    absent: (place) => readOptions(place.owner, {}, schema, place.path),
  };
}

/** A clock (`realClock`, a `VirtualClock`, or anything with `now`, `sleep` and `schedule`). */
export function clockRule<O extends Presence<Clock>>(o: O = {} as O): Rule<Out<Clock, O>> {
  const words = 'a clock (an object with now, sleep and schedule)';
  return rule<Clock, O>(
    words,
    (value, place) => {
      const c = value as Clock | null;
      const ok =
        c !== null &&
        typeof c === 'object' &&
        typeof c.now === 'function' &&
        typeof c.sleep === 'function' &&
        typeof c.schedule === 'function';
      if (!ok) throw optionError(place, words, value);
      return c;
    },
    o,
  ) as Rule<Out<Clock, O>>;
}

/**
 * A value recognised by `test` (a store, a budget, a cockatiel breaker), described by `words`.
 *
 * @example
 * shape('a store (memoryStore() or redisStore())', (v) => typeof v?.acquire === 'function');
 */
export function shape<T, O extends Presence<T> = Presence<T>>(
  words: string,
  test: (value: unknown) => boolean,
  o: O = {} as O,
): Rule<Out<T, O>> {
  return rule<T, O>(
    words,
    (value, place) => {
      let ok = false;
      try {
        ok = test(value);
      } catch {
        ok = false;
      }
      if (!ok) throw optionError(place, words, value);
      return value as T;
    },
    o,
  ) as Rule<Out<T, O>>;
}
