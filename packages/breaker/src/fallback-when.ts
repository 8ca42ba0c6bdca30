import { CATEGORIES, REASONS } from '@unfazed/classify';
import { RESILIENCE_ERROR_CODES, ResilienceError } from '@unfazed/core';
import { list, nearest, optionError, type Rule, rule } from '@unfazed/core/internal';
import type { FailureArgs } from './failure.ts';

const NAMED: readonly string[] = [...RESILIENCE_ERROR_CODES, ...REASONS, ...CATEGORIES];
const KNOWN: ReadonlySet<string> = new Set(NAMED);
const STATUS = /^[45]\d\d$/;
const WORDS = 'a ResilienceError code, a classify reason or category, or an HTTP status "400".."599"';

/** One entry of a `when` list, checked at construction: a typo would otherwise never match. */
const entry: Rule<string> = rule(
  WORDS,
  (value, place) => {
    if (typeof value === 'string' && (KNOWN.has(value) || STATUS.test(value))) return value;
    const near = typeof value === 'string' ? nearest(value, NAMED) : undefined;
    throw optionError(place, WORDS, value, near && `did you mean ${JSON.stringify(near)}?`);
  },
  { required: true },
);

/** The `when` option: a predicate, or a non-empty list of entries. */
export type When = ((args: FailureArgs) => boolean | Promise<boolean>) | readonly string[];

const listRule = list(entry, { nonEmpty: true });

/** Reads `when`: a function as is, a list entry by entry. */
export const whenRule: Rule<When | undefined> = rule(`a function, or ${listRule.rule}`, (value, place) => {
  if (typeof value === 'function') return value as When;
  if (Array.isArray(value)) return listRule.read(value, place) as readonly string[];
  throw optionError(place, `a function, or ${listRule.rule}`, value);
});

/** The entry of `list` the failure matches (its ResilienceError code, reason, category or status), if any. */
export function matchList(
  list: ReadonlySet<string>,
  { error, classification }: FailureArgs,
): string | undefined {
  const candidates: (string | undefined)[] = [
    ResilienceError.find(error)?.code,
    classification.reason,
    classification.category,
  ];
  if (classification.status !== undefined) candidates.push(String(classification.status));
  return candidates.find((c) => c !== undefined && list.has(c));
}
