// @unfazed/testing: startChaosServer (and its fault windows), setFaults, setInsufficientQuota,
// stats, injectFaults (and its faults), faultyFetch.
import {
  type ChaosServer,
  faultyFetch,
  injectFaults,
  startChaosServer,
} from '../../packages/testing/src/index.ts';
import { type Bad, enumOf, flag, hook, num } from './kinds.ts';
import { argCases, type Case, caseOf, optionCases, type Target } from './table.ts';

const close = (server: unknown) => (server as ChaosServer).close();
const hidden = (value: unknown, at?: string): Bad => {
  const kind = value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
  return {
    value,
    shown: `${/^[aeiou]/.test(kind) ? 'an' : 'a'} ${kind} (hidden)`,
    ...(at !== undefined && { at }),
  };
};

const work = async () => 'done';

/** Fault windows of the chaos server, each kind read with its own fields. */
function windowCases(factory: string, at: string, call: (faults: unknown) => unknown, show: string): Case[] {
  const one: Target = {
    factory,
    at,
    base: { kind: 'status', status: 503 },
    call: (f) => call([f]),
    show: (f) => show.replace('%s', `[${f}]`),
    cleanup: close,
  };
  const list: Target = { factory, call, show: (f) => show.replace('%s', f), cleanup: close };
  return [
    ...optionCases(
      one,
      {
        kind: enumOf('statu', 'status', 'teapot'),
        from: num({ min: 0 }),
        to: num({ min: 0, inf: true }),
        rate: num({ min: 0, max: 1 }),
        paths: [
          { value: 'x' },
          { value: ['v1/chat/completions'], at: 'paths[0]', shown: '"v1/chat/completions" (string)' },
          { value: [5], at: 'paths[0]', shown: '5' },
        ],
        status: num({ int: true, min: 400, max: 599 }),
      },
      { near: 'stat', nearest: 'status' },
    ),
    caseOf(one, { kind: 'reset', from: 5, to: 1 }, `${at}.to`, { value: 1 }),
    caseOf(one, { kind: 'status' }, `${at}.status`, { value: undefined }),
    caseOf(one, { kind: 'reset', status: 503 }, `${at}.status`, { value: 503 }),
    caseOf(one, { kind: 'slow' }, `${at}.delayMs`, { value: undefined }),
    caseOf(one, { kind: 'slow', delayMs: 3e9 }, `${at}.delayMs`, { value: 3e9 }),
    caseOf(one, { kind: 'stall', afterChunks: -1 }, `${at}.afterChunks`, { value: -1 }),
    caseOf(one, { kind: 'stream-error', afterChunks: '2' }, `${at}.afterChunks`, { value: '2' }),
    caseOf(one, {}, `${at}.kind`, { value: undefined }),
    ...['x', 5, {}, null].map((value) => caseOf(list, value, 'faults', { value })),
  ];
}

function injectorCases(factory: 'injectFaults' | 'faultyFetch'): Case[] {
  const call = (o: unknown) =>
    factory === 'injectFaults' ? injectFaults(work, o as never) : faultyFetch(o as never);
  const show = (o: string) => (factory === 'injectFaults' ? `injectFaults(work, ${o})` : `faultyFetch(${o})`);
  const top: Target = { factory, call, show };
  const fault: Target = {
    factory,
    at: 'faults',
    base: { kind: 'status', status: 503 },
    call: (f) => call({ faults: f }),
    show: (f) => show(`{ faults: ${f} }`),
  };
  return [
    ...optionCases(
      top,
      {
        rate: num({ min: 0, max: 1 }),
        first: num({ int: true, min: 0 }),
        seed: num({ int: true }),
        random: hook(),
        faults: [{ value: [5], at: 'faults[0]', shown: '5' }],
        ...(factory === 'faultyFetch' && { fetch: hook() }),
      },
      { near: 'rat', nearest: 'rate' },
    ),
    ...optionCases(
      fault,
      {
        kind: enumOf('statu', 'status', 'teapot'),
        status: num({ int: true, min: 400, max: 599 }),
        headers: [
          { value: 'x' },
          { value: 5 },
          { value: null },
          { value: { 'x-test': 1 }, at: 'headers.x-test', shown: '1' },
        ],
      },
      { near: 'header', nearest: 'headers' },
    ),
    caseOf(fault, { kind: 'status' }, 'faults.status', { value: undefined }),
    caseOf(fault, { kind: 'error' }, 'faults.error', { value: undefined }),
    caseOf(fault, { kind: 'network', code: 5 }, 'faults.code', { value: 5 }),
    caseOf(fault, { kind: 'network', status: 503 }, 'faults.status', { value: 503 }),
    caseOf(top, { faults: [{ kind: 'netwrk' }] }, 'faults[0].kind', {
      value: 'netwrk',
      hint: 'did you mean "network"?',
    }),
  ];
}

/** `server()` is a chaos server started before the cases run (for its methods). */
export function testingCases(server: () => ChaosServer): Case[] {
  const start: Target = {
    factory: 'startChaosServer',
    call: (o) => startChaosServer(o as never),
    show: (o) => `startChaosServer(${o})`,
    cleanup: close,
  };
  return [
    ...optionCases(
      start,
      {
        rpm: num({ int: true, min: 1 }),
        tpm: num({ int: true, min: 1 }),
        windowMs: num({ dur: true, above: 0 }),
        burst: num({ above: 0, max: 1 }),
        retryAfter: enumOf('second', 'seconds', 'always'),
        // Keys are secrets: messages say what type a bad one had, never what it was.
        keys: [
          hidden('sk-test'),
          hidden(5),
          hidden(null),
          hidden({}),
          { ...hidden(5, 'keys[0]'), value: [5] },
          { ...hidden('', 'keys[0]'), value: [''] },
        ],
        insufficientQuota: flag(),
        seed: num({ int: true }),
        latencyMs: num({ dur: true }),
        chunkDelayMs: num({ dur: true }),
        defaultOutputTokens: num({ int: true, min: 0 }),
        embeddingDimensions: num({ int: true, min: 1, max: 4096 }),
        statsIntervalMs: num({ dur: true, above: 0 }),
        maxLogEntries: num({ int: true, min: 1 }),
        now: hook(),
        port: num({ int: true, min: 0, max: 65_535 }),
      },
      { near: 'windowM', nearest: 'windowMs' },
    ),
    caseOf(start, { minuteMs: 1_000 }, 'minuteMs', { value: 1_000, hint: 'renamed windowMs' }),
    caseOf(start, { rpm: 1, burst: 0.5 }, 'rpm', { value: 1, hint: 'burst is 0.5' }),
    ...windowCases(
      'startChaosServer',
      'faults[0]',
      (f) => startChaosServer({ faults: f as never }),
      'startChaosServer({ faults: %s })',
    ),
    ...windowCases('setFaults', 'faults[0]', (f) => server().setFaults(f as never), 'server.setFaults(%s)'),
    caseOf(
      {
        factory: 'setFaults',
        call: (f) => server().setFaults(f as never),
        show: (f) => `server.setFaults(${f})`,
      },
      undefined,
      'faults',
      { value: undefined },
    ),
    ...argCases(
      'setInsufficientQuota',
      'on',
      [...flag(), { value: undefined }],
      (on) => server().setInsufficientQuota(on as never),
      (v) => `server.setInsufficientQuota(${v})`,
    ),
    ...optionCases(
      { factory: 'stats', call: (o) => server().stats(o as never), show: (o) => `server.stats(${o})` },
      { intervalMs: num({ dur: true, above: 0 }) },
      { near: 'interval', nearest: 'intervalMs' },
    ),
    ...argCases(
      'injectFaults',
      'fn',
      hook(),
      (fn) => injectFaults(fn as never),
      (v) => `injectFaults(${v})`,
    ),
    ...injectorCases('injectFaults'),
    ...injectorCases('faultyFetch'),
  ];
}
