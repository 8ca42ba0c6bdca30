const MAX_STRING = 60;
const MAX_ITEMS = 5;
// Values under names like these are never shown: an options object may carry a client's
// credentials (`apiKey`, `password`, `authorization`, an access token). Counts like `maxKeys` or
// `maxTokens` are not secrets.
const SECRET_KEY =
  /api[-_]?key|secret|passw|authoriz|^auth$|credential|cookie|^token$|access[-_]?token|bearer|private[-_]?key/i;

/** Whether an option or field name looks like it holds a secret (`apiKey`, `password`, `authorization`, …). */
export function looksSecret(name: string): boolean {
  return SECRET_KEY.test(name);
}

/**
 * Shows any value unambiguously and briefly, for error messages: `"5" (string)`, `5`, `NaN`,
 * `null`, `{}`, `{ a: 1, b: "x" }`, `[1, 2]`, `function foo`, `Redis {…}`. Strings are quoted and
 * cut at 60 characters; objects show at most five keys, one level deep, and never the value of a
 * key that looks like a secret (`apiKey`, `password`, `authorization`, …). Never throws.
 *
 * @example
 * showValue('5'); // '"5" (string)'
 * showValue({}); // '{}'
 */
export function showValue(value: unknown): string {
  try {
    return typeof value === 'string' ? `${quote(value)} (string)` : show(value, 0);
  } catch {
    return 'an unprintable value';
  }
}

function quote(text: string): string {
  const cut = text.length > MAX_STRING ? `${text.slice(0, MAX_STRING)}…` : text;
  return JSON.stringify(cut);
}

function show(value: unknown, depth: number): string {
  switch (typeof value) {
    case 'string':
      return quote(value);
    case 'number':
      return Object.is(value, -0) ? '-0' : String(value);
    case 'bigint':
      return `${value}n`;
    case 'boolean':
    case 'undefined':
      return String(value);
    case 'symbol':
      return value.toString();
    case 'function':
      return value.name ? `function ${value.name}` : 'a function';
  }
  if (value === null) return 'null';
  if (Array.isArray(value)) {
    if (depth > 0) return value.length === 0 ? '[]' : '[…]';
    const items = value.slice(0, MAX_ITEMS).map((item) => show(item, depth + 1));
    if (value.length > MAX_ITEMS) items.push(`… ${value.length - MAX_ITEMS} more`);
    return `[${items.join(', ')}]`;
  }
  const object = value as object;
  const proto = Object.getPrototypeOf(object);
  if (proto !== null && proto !== Object.prototype) {
    if (object instanceof Error) return `${object.name}(${quote(object.message)})`;
    if (object instanceof Date)
      return `Date(${Number.isNaN(object.getTime()) ? 'Invalid' : object.toISOString()})`;
    const name = (proto as { constructor?: { name?: unknown } }).constructor?.name;
    return `${typeof name === 'string' && name ? name : 'an object'} {…}`;
  }
  const keys = Object.keys(object);
  if (keys.length === 0) return '{}';
  if (depth > 0) return '{…}';
  const fields = keys.slice(0, MAX_ITEMS).map((key) => {
    const label = /^[A-Za-z_$][\w$]*$/.test(key) ? key : JSON.stringify(key);
    const shown = SECRET_KEY.test(key)
      ? '(hidden)'
      : show((object as Record<string, unknown>)[key], depth + 1);
    return `${label}: ${shown}`;
  });
  if (keys.length > MAX_ITEMS) fields.push(`… ${keys.length - MAX_ITEMS} more`);
  return `{ ${fields.join(', ')} }`;
}
