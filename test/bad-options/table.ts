// Turns "this factory reads these options, of these kinds" into cases, and judges each case.
import { showValue } from '../../packages/core/src/internal.ts';
import { type Bad, NOT_OPTIONS, type Unknown } from './kinds.ts';

/** One bad input, and what its `TypeError` must say. */
export interface Case {
  /** The `<factory>` the message must start with. */
  readonly factory: string;
  /** The option it must name (`options` for the options argument itself). */
  readonly option: string;
  /** The exact call, as source code: what the report lists for an accepted case. */
  readonly input: string;
  /** The value as the message must show it. */
  readonly shown: string;
  /** Text the message must also hold. */
  readonly hint?: string;
  /** The message must not guess a nearest name. */
  readonly noHint?: boolean;
  readonly run: () => unknown;
  /** Undoes what an accepted call made (closes a server). */
  readonly cleanup?: (made: unknown) => unknown;
}

/** Where one options object goes: a factory's argument, or an object nested in one. */
export interface Target {
  readonly factory: string;
  /** Calls the factory with `options` in this target's place. */
  readonly call: (options: unknown) => unknown;
  /** The call as source code, given the options' source. */
  readonly show: (options: string) => string;
  /** Valid options every case starts from (the required ones). */
  readonly base?: Readonly<Record<string, unknown>>;
  /** This object's path in messages when nested (`retryAfterSpread`, `faults[0]`). */
  readonly at?: string;
  readonly cleanup?: (made: unknown) => unknown;
}

const names = new WeakMap<object, string>();

/** Shows `value` as `name` in reported inputs (a client instance, a class). */
export function named<T extends object>(value: T, name: string): T {
  names.set(value, name);
  return value;
}

/** A value as source code, for the report: `{ maxRetries: "3" }`, `NaN`, `notAnOption`. */
export function render(value: unknown): string {
  if (value !== null && (typeof value === 'object' || typeof value === 'function')) {
    const name = names.get(value);
    if (name !== undefined) return name;
  }
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      return Object.is(value, -0) ? '-0' : value === 2 ** 53 ? '2 ** 53' : String(value);
    case 'function':
      return value.name || '() => {}';
    case 'undefined':
    case 'boolean':
    case 'bigint':
    case 'symbol':
      return String(value);
  }
  if (value === null) return 'null';
  if (Array.isArray(value)) return `[${value.map(render).join(', ')}]`;
  const proto = Object.getPrototypeOf(value);
  if (proto !== null && proto !== Object.prototype) return `new ${proto.constructor?.name ?? 'Object'}()`;
  const entries = Object.entries(value as object);
  if (entries.length === 0) return '{}';
  const key = (k: string) => (/^[A-Za-z_$][\w$]*$/.test(k) ? k : JSON.stringify(k));
  return `{ ${entries.map(([k, v]) => `${key(k)}: ${render(v)}`).join(', ')} }`;
}

const join = (at: string | undefined, key: string) => (at ? `${at}.${key}` : key);

/** A case for a complete input: `options` as given, and the option and value the message names. */
export function caseOf(t: Target, options: unknown, option: string, bad: Bad & { noHint?: boolean }): Case {
  const input = t.show(render(options));
  return {
    factory: t.factory,
    option,
    input,
    shown: bad.shown ?? showValue(bad.value),
    ...(bad.hint !== undefined && { hint: bad.hint }),
    ...(bad.noHint && { noHint: true }),
    run: () => t.call(options),
    ...(t.cleanup && { cleanup: t.cleanup }),
  };
}

/**
 * Every bad value of every option of `t`, each added alone to `t.base`; then an unknown key near a
 * real one and one near none; then values that are not an options object at all.
 */
export function optionCases(
  t: Target,
  options: Readonly<Record<string, readonly Bad[]>>,
  unknown: Unknown,
  notOptions: readonly unknown[] = NOT_OPTIONS,
): Case[] {
  const cases: Case[] = [];
  for (const [key, bads] of Object.entries(options)) {
    for (const bad of bads) {
      cases.push(caseOf(t, { ...t.base, [key]: bad.value }, join(t.at, bad.at ?? key), bad));
    }
  }
  const value = 1;
  cases.push(
    caseOf(t, { ...t.base, [unknown.near]: value }, join(t.at, unknown.near), {
      value,
      hint: `did you mean ${unknown.nearest}?`,
      ...(unknown.shown !== undefined && { shown: unknown.shown }),
    }),
  );
  const far = unknown.far ?? 'xyzzy';
  cases.push(caseOf(t, { ...t.base, [far]: value }, join(t.at, far), { value, noHint: true }));
  for (const v of notOptions) cases.push(caseOf(t, v, t.at || 'options', { value: v }));
  return cases;
}

/** Every bad value of one positional argument (`defineMiddleware`'s `name`, `fromCockatiel`'s policy). */
export function argCases(
  factory: string,
  argument: string,
  bads: readonly Bad[],
  call: (value: unknown) => unknown,
  show: (value: string) => string,
): Case[] {
  const t: Target = { factory, call, show };
  return bads.map((bad) => caseOf(t, bad.value, bad.at ?? argument, bad));
}

/** What a case came to. */
export type Outcome =
  | { readonly kind: 'rejected' }
  | { readonly kind: 'accepted' }
  | { readonly kind: 'unclear'; readonly why: string };

/**
 * Runs a case: rejected when it throws (or, for an async factory, rejects) a `TypeError` whose
 * message starts with `<factory>: <option> `, shows `got <value>` and holds the hint; accepted
 * when the call succeeds; unclear for any other error.
 */
export async function attempt(c: Case): Promise<Outcome> {
  let made: unknown;
  try {
    made = c.run();
    if (made instanceof Promise) made = await made;
  } catch (error) {
    return judge(c, error);
  }
  await c.cleanup?.(made);
  return { kind: 'accepted' };
}

function judge(c: Case, error: unknown): Outcome {
  if (!(error instanceof TypeError)) return { kind: 'unclear', why: `threw ${showValue(error)}` };
  const { message } = error;
  const prefix = `${c.factory}: ${c.option} `;
  if (!message.startsWith(prefix))
    return { kind: 'unclear', why: `message does not start "${prefix}": ${message}` };
  if (!message.includes(`got ${c.shown}`)) {
    return { kind: 'unclear', why: `message does not show "got ${c.shown}": ${message}` };
  }
  if (c.hint !== undefined && !message.includes(c.hint))
    return { kind: 'unclear', why: `message lacks "${c.hint}": ${message}` };
  if (c.noHint && message.includes('did you mean'))
    return { kind: 'unclear', why: `message guesses a name: ${message}` };
  return { kind: 'rejected' };
}
