/** The fields of an API error object (`{"error": {...}}`), as strings. */
export interface ErrorDetails {
  message?: string;
  type?: string;
  code?: string;
  param?: string;
  /** Azure's `innererror.code`, e.g. `ResponsibleAIPolicyViolation`. */
  innerCode?: string;
}

const MAX_DEPTH = 4;
/** Bodies and SSE payloads are looked at only this far (an error frame is small; a stream is not). */
const MAX_BODY = 64 * 1024;
const MAX_TEXT = 4096;

/** Reads a property without letting a throwing getter or proxy escape. */
export function prop(value: unknown, key: PropertyKey): unknown {
  if (value === null || (typeof value !== 'object' && typeof value !== 'function')) return undefined;
  try {
    return (value as Record<PropertyKey, unknown>)[key];
  } catch {
    return undefined;
  }
}

function text(value: unknown): string | undefined {
  if (typeof value === 'string') return value.length > 0 ? value.slice(0, MAX_TEXT) : undefined;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

/** The fields of one error object (the value of `error` in an API error body). */
export function detailsOf(error: unknown): ErrorDetails | undefined {
  if (typeof error === 'string') return error.length > 0 ? { message: error.slice(0, MAX_TEXT) } : undefined;
  if (error === null || typeof error !== 'object') return undefined;
  const details: ErrorDetails = {};
  const fields = [
    ['message', text(prop(error, 'message'))],
    ['type', text(prop(error, 'type'))],
    ['code', text(prop(error, 'code'))],
    ['param', text(prop(error, 'param'))],
    ['innerCode', text(prop(prop(error, 'innererror'), 'code'))],
  ] as const;
  for (const [field, value] of fields) if (value !== undefined) details[field] = value;
  return Object.keys(details).length > 0 ? details : undefined;
}

/**
 * Finds the API error in a response body or stream payload: a parsed `{ error: {...} }`, its JSON
 * text, an SSE chunk (`data: {"error":{...}}`, or an `event: error` block), or a Responses API
 * stream event (`{ type: 'error', code, message }`, `{ type: 'response.failed', response: { error } }`).
 * Returns `undefined` when there is no error in it. Never throws.
 */
export function parseErrorBody(body: unknown, depth = 0): ErrorDetails | undefined {
  if (depth > MAX_DEPTH) return undefined;
  if (typeof body === 'string') return parseText(body, depth);
  if (body === null || typeof body !== 'object') return undefined;
  const error = prop(body, 'error');
  if (error !== undefined && error !== null) return detailsOf(error);
  const type = prop(body, 'type');
  if (type === 'error') return detailsOf(body);
  if (type === 'response.failed') return detailsOf(prop(prop(body, 'response'), 'error'));
  return undefined;
}

function parseText(body: string, depth: number): ErrorDetails | undefined {
  const trimmed = (body.length > MAX_BODY ? body.slice(0, MAX_BODY) : body).trim();
  if (trimmed.startsWith('{')) return parseErrorBody(parseJson(trimmed), depth + 1);
  if (!/^(?:data|event|id|retry|:)/m.test(trimmed)) return undefined;
  // Server-sent events: blocks separated by blank lines, each with `event:` and `data:` lines.
  for (const block of trimmed.split(/\r?\n\r?\n/)) {
    let event = '';
    const data: string[] = [];
    for (const line of block.split(/\r?\n/)) {
      if (line.startsWith('event:')) event = line.slice(6).trim();
      else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
    }
    const payload = parseJson(data.join('\n'));
    const found = parseErrorBody(payload, depth + 1) ?? (event === 'error' ? detailsOf(payload) : undefined);
    if (found) return found;
  }
  return undefined;
}

function parseJson(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    return undefined;
  }
}
