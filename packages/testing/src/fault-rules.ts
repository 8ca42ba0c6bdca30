import {
  duration,
  integer,
  list,
  number,
  oneOf,
  optionError,
  type Place,
  type Rule,
  readOptions,
  rule,
  type Schema,
} from '@unfazed/core/internal';
import type { FaultKind, ResolvedFault } from './faults.ts';
import { anyValue, isRecord, pathRule } from './rules.ts';

const KINDS = [
  'status',
  'reset',
  'hang',
  'slow',
  'stream-error',
  'stall',
] as const satisfies readonly FaultKind[];
const kind = oneOf(KINDS, { required: true });

const base = {
  kind,
  from: number({ min: 0, default: 0 }),
  to: number({ min: 0, infinity: true, default: Number.POSITIVE_INFINITY }),
  rate: number({ min: 0, max: 1, default: 1 }),
  paths: list(pathRule),
};

/** Each kind reads its own fields: a `delayMs` on a status fault is a mistake worth naming. */
const SCHEMAS: Record<FaultKind, Schema> = {
  status: {
    ...base,
    status: integer({ min: 400, max: 599, required: true }),
    body: anyValue('any JSON value'),
  },
  reset: base,
  hang: base,
  slow: { ...base, delayMs: duration({ required: true }) },
  'stream-error': { ...base, afterChunks: integer({ min: 0, default: 2 }) },
  stall: { ...base, afterChunks: integer({ min: 0, default: 1 }) },
};

const WORDS = `a fault window (an object with kind ${KINDS.map((k) => JSON.stringify(k)).join(', ')})`;

/** One fault window, read with the schema of its kind; `to` must come after `from`. */
export const faultRule: Rule<ResolvedFault> = rule<ResolvedFault>(WORDS, (value, place) => {
  if (!isRecord(value)) throw optionError(place, WORDS, value);
  const at = (key: string): Place => ({ ...place, path: `${place.path}.${key}` });
  const k = value.kind === undefined ? kind.absent(at('kind')) : kind.read(value.kind, at('kind'));
  const fault = readOptions(place.owner, value, SCHEMAS[k], place.path) as unknown as ResolvedFault;
  if (!(fault.to > fault.from)) throw optionError(at('to'), `a number > from (${fault.from})`, fault.to);
  return Object.freeze(fault);
}) as Rule<ResolvedFault>;

/** A fault schedule: the `faults` option of startChaosServer (none by default). */
export const faultsRule = list(faultRule, { default: [] });

/** The argument of `setFaults`: a schedule must be given (`[]` clears it). */
export const scheduleRule = list(faultRule, { required: true });
