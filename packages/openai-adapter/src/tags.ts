import { AsyncLocalStorage } from 'node:async_hooks';

const scope = new AsyncLocalStorage<Readonly<Record<string, string>>>();

/**
 * Runs `fn` with business tags (`feature`, `user`, …) that every OpenAI call made inside it carries
 * into the pipeline's events and telemetry, without changing the SDK's types. Scopes nest: inner
 * tags add to (and override) outer ones. Per request, `x-unfazed-tag-<name>` headers do the same
 * (they are taken out before sending).
 *
 * @example
 * const answer = await withCallTags({ feature: 'translate', user: req.userId }, () =>
 *   client.chat.completions.create(body),
 * );
 */
export function withCallTags<T>(tags: Readonly<Record<string, string>>, fn: () => T): T {
  if (tags === null || typeof tags !== 'object' || Array.isArray(tags)) {
    throw new TypeError(`withCallTags: tags must be an object of strings, got ${String(tags)}`);
  }
  for (const [name, value] of Object.entries(tags)) {
    if (typeof value !== 'string')
      throw new TypeError(`withCallTags: tags.${name} must be a string, got ${typeof value}`);
  }
  if (typeof fn !== 'function') throw new TypeError('withCallTags: fn must be a function');
  return scope.run({ ...scope.getStore(), ...tags }, fn);
}

/** The tags of the innermost `withCallTags` scope, if any. */
export function currentTags(): Readonly<Record<string, string>> | undefined {
  return scope.getStore();
}
