import { optionError, type Place, type Rule, rule } from '@unfazed/core/internal';

/** Any value at all (a body to send, an error to throw); `required` makes `undefined` an error. */
export function anyValue(words: string, o: { required?: boolean } = {}): Rule<unknown> {
  return rule<unknown>(words, (value) => value, o);
}

/** A request path such as `/v1/chat/completions`: a path that does not start with `/` never matches. */
export const pathRule = rule<string>('a path starting with "/"', (value, place) => {
  if (typeof value !== 'string' || !value.startsWith('/'))
    throw optionError(place, 'a path starting with "/"', value);
  return value;
});

const HEADERS = 'an object of header names to string values';

/** Extra response headers: a plain object whose every value is a string. */
export const headersRule = rule<Readonly<Record<string, string>>>(HEADERS, (value, place) => {
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw optionError(place, HEADERS, value);
  for (const [name, v] of Object.entries(value)) {
    if (typeof v !== 'string') throw optionError({ ...place, path: `${place.path}.${name}` }, 'a string', v);
  }
  return Object.freeze({ ...(value as Record<string, string>) });
});

/** Reads one argument (not an options object) through a rule, in the one message format. */
export function readArg<T>(owner: string, path: string, r: Rule<T>, value: unknown): T {
  const place: Place = { owner, path };
  return value === undefined ? r.absent(place) : r.read(value, place);
}

/** A plain object (what a fault or an options object must be before its keys are read). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
