import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChaosServer, faultyFetch, injectFaults, startChaosServer } from './index.ts';

const MAX = 2_147_483_647;
const never = (value: unknown) => value as never;

/** Asserts the exact message and that it is a TypeError (a RangeError or a plain Error would not do). */
function expectTypeError(run: () => unknown, message: string): void {
  let thrown: unknown;
  try {
    run();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(TypeError);
  expect((thrown as Error).message).toBe(message);
}

async function expectRejected(run: () => Promise<unknown>, message: string): Promise<void> {
  const thrown = await run().then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(thrown).toBeInstanceOf(TypeError);
  expect((thrown as Error).message).toBe(message);
}

const S = 'startChaosServer';
const KINDS = '"status", "reset", "hang", "slow", "stream-error", "stall"';

describe('startChaosServer options', () => {
  it.each([
    [null, `${S}: options must be an object, got null`],
    [{ minuteMs: 1_000 }, `${S}: minuteMs is not an option (renamed windowMs), got 1000`],
    [{ windowMS: 1_000 }, `${S}: windowMS is not an option (did you mean windowMs?), got 1000`],
    [{ rpm: 0 }, `${S}: rpm must be an integer >= 1, got 0`],
    [{ rpm: '60' }, `${S}: rpm must be an integer >= 1, got "60" (string)`],
    [{ tpm: 1.5 }, `${S}: tpm must be an integer >= 1, got 1.5`],
    [{ rpm: 2, burst: 0.2 }, `${S}: rpm must be an integer with rpm × burst >= 1, got 2 (burst is 0.2)`],
    [{ tpm: 4, burst: 0.2 }, `${S}: tpm must be an integer with tpm × burst >= 1, got 4 (burst is 0.2)`],
    [{ windowMs: 0 }, `${S}: windowMs must be a duration in ms > 0 and <= ${MAX}, got 0`],
    [{ windowMs: '1000' }, `${S}: windowMs must be a duration in ms > 0 and <= ${MAX}, got "1000" (string)`],
    [{ burst: 2 }, `${S}: burst must be a finite number > 0 and <= 1, got 2`],
    [{ burst: 0 }, `${S}: burst must be a finite number > 0 and <= 1, got 0`],
    [
      { retryAfter: 'second' },
      `${S}: retryAfter must be one of "none", "seconds", "ms", "both", got "second" (string) (did you mean "seconds"?)`,
    ],
    [{ insufficientQuota: 'false' }, `${S}: insufficientQuota must be true or false, got "false" (string)`],
    [{ insufficientQuota: 1 }, `${S}: insufficientQuota must be true or false, got 1`],
    [
      { keys: 'sk-secret-key-000000' },
      `${S}: keys must be an array of keys (strings) or a function, got a string (hidden)`,
    ],
    [{ keys: ['sk-a', 7] }, `${S}: keys[1] must be a non-empty string, got a number (hidden)`],
    [{ seed: 1.5 }, `${S}: seed must be an integer, got 1.5`],
    [{ latencyMs: -1 }, `${S}: latencyMs must be a duration in ms >= 0 and <= ${MAX}, got -1`],
    [{ chunkDelayMs: 3e9 }, `${S}: chunkDelayMs must be a duration in ms >= 0 and <= ${MAX}, got 3000000000`],
    [{ defaultOutputTokens: -1 }, `${S}: defaultOutputTokens must be an integer >= 0, got -1`],
    [{ embeddingDimensions: 0 }, `${S}: embeddingDimensions must be an integer >= 1 and <= 4096, got 0`],
    [{ statsIntervalMs: 0 }, `${S}: statsIntervalMs must be a duration in ms > 0 and <= ${MAX}, got 0`],
    [{ maxLogEntries: 0 }, `${S}: maxLogEntries must be an integer >= 1, got 0`],
    [{ now: 5 }, `${S}: now must be a function, got 5`],
    [{ port: 70_000 }, `${S}: port must be an integer >= 0 and <= 65535, got 70000`],
    [
      { faults: { kind: 'hang' } },
      `${S}: faults must be an array whose items are each a fault window (an object with kind ${KINDS}), got { kind: "hang" }`,
    ],
    [{ faults: [null] }, `${S}: faults[0] must be a fault window (an object with kind ${KINDS}), got null`],
    [{ faults: [{}] }, `${S}: faults[0].kind must be one of ${KINDS}, got undefined`],
    [
      { faults: [{ kind: 'stal' }] },
      `${S}: faults[0].kind must be one of ${KINDS}, got "stal" (string) (did you mean "stall"?)`,
    ],
    [
      { faults: [{ kind: 'hang' }, { kind: 'reset' }, { kind: 'hang', rate: 1.5 }] },
      `${S}: faults[2].rate must be a finite number >= 0 and <= 1, got 1.5`,
    ],
    [
      { faults: [{ kind: 'hang', rate: '0.5' }] },
      `${S}: faults[0].rate must be a finite number >= 0 and <= 1, got "0.5" (string)`,
    ],
    [{ faults: [{ kind: 'hang', from: -1 }] }, `${S}: faults[0].from must be a finite number >= 0, got -1`],
    [
      { faults: [{ kind: 'hang', from: 100, to: 100 }] },
      `${S}: faults[0].to must be a number > from (100), got 100`,
    ],
    [
      { faults: [{ kind: 'hang', paths: ['v1/embeddings'] }] },
      `${S}: faults[0].paths[0] must be a path starting with "/", got "v1/embeddings" (string)`,
    ],
    [
      { faults: [{ kind: 'status' }] },
      `${S}: faults[0].status must be an integer >= 400 and <= 599, got undefined`,
    ],
    [
      { faults: [{ kind: 'status', status: 200 }] },
      `${S}: faults[0].status must be an integer >= 400 and <= 599, got 200`,
    ],
    [
      { faults: [{ kind: 'status', status: '503' }] },
      `${S}: faults[0].status must be an integer >= 400 and <= 599, got "503" (string)`,
    ],
    [
      { faults: [{ kind: 'status', status: 503, delayMs: 5 }] },
      `${S}: faults[0].delayMs is not an option, got 5`,
    ],
    [
      { faults: [{ kind: 'slow' }] },
      `${S}: faults[0].delayMs must be a duration in ms >= 0 and <= ${MAX}, got undefined`,
    ],
    [
      { faults: [{ kind: 'slow', delay: 5 }] },
      `${S}: faults[0].delay is not an option (did you mean delayMs?), got 5`,
    ],
    [
      { faults: [{ kind: 'stream-error', afterChunks: -1 }] },
      `${S}: faults[0].afterChunks must be an integer >= 0, got -1`,
    ],
    [
      { faults: [{ kind: 'stall', afterChunks: 0.5 }] },
      `${S}: faults[0].afterChunks must be an integer >= 0, got 0.5`,
    ],
    [{ faults: [{ kind: 'reset', afterChunks: 1 }] }, `${S}: faults[0].afterChunks is not an option, got 1`],
  ])('rejects %j', async (options, message) => {
    await expectRejected(() => startChaosServer(never(options)), message);
  });

  it('accepts every fault kind with its own fields, and the limits at burst 1', async () => {
    const server = await startChaosServer({
      rpm: 1,
      tpm: 1,
      burst: 1,
      windowMs: 1_000,
      faults: [
        {
          kind: 'status',
          status: 599,
          body: { error: 'x' },
          from: 0,
          to: 10,
          rate: 0,
          paths: ['/v1/responses'],
        },
        { kind: 'reset', rate: 0 },
        { kind: 'hang', rate: 0 },
        { kind: 'slow', delayMs: 0, rate: 0 },
        { kind: 'stream-error', afterChunks: 0, rate: 0 },
        { kind: 'stall', afterChunks: 0, rate: 0 },
      ],
    });
    await server.close();
  });
});

describe('server methods', () => {
  let server: ChaosServer;
  beforeAll(async () => {
    server = await startChaosServer();
  });
  afterAll(() => server.close());

  it.each([
    [undefined, 'setFaults: faults must be an array whose items are each a fault window'],
    [
      [
        { kind: 'slow', delayMs: 5 },
        { kind: 'status', status: 503, rate: -0.1 },
      ],
      'setFaults: faults[1].rate must be a finite number >= 0 and <= 1, got -0.1',
    ],
    [
      [{ kind: 'stall', afterChunks: '2' }],
      'setFaults: faults[0].afterChunks must be an integer >= 0, got "2" (string)',
    ],
  ])('setFaults rejects %j', (faults, message) => {
    let thrown: unknown;
    try {
      server.setFaults(never(faults));
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(TypeError);
    expect((thrown as Error).message.startsWith(message)).toBe(true);
  });

  it('setInsufficientQuota takes only true or false', () => {
    expectTypeError(
      () => server.setInsufficientQuota(never('false')),
      'setInsufficientQuota: on must be true or false, got "false" (string)',
    );
    expectTypeError(
      () => server.setInsufficientQuota(never(undefined)),
      'setInsufficientQuota: on must be true or false, got undefined',
    );
  });

  it('stats checks its interval', () => {
    expectTypeError(
      () => server.stats({ intervalMs: 0 }),
      `stats: intervalMs must be a duration in ms > 0 and <= ${MAX}, got 0`,
    );
    expectTypeError(
      () => server.stats(never({ interval: 5 })),
      'stats: interval is not an option (did you mean intervalMs?), got 5',
    );
  });
});

const FAULT = 'a fault (an object with kind "network", "status" or "error")';

describe('injectFaults and faultyFetch options', () => {
  it.each([
    [{ rate: 2 }, 'rate must be a finite number >= 0 and <= 1, got 2'],
    [{ rate: '0.5' }, 'rate must be a finite number >= 0 and <= 1, got "0.5" (string)'],
    [{ first: -1 }, 'first must be an integer >= 0, got -1'],
    [{ first: '2' }, 'first must be an integer >= 0, got "2" (string)'],
    [{ seed: Number.NaN }, 'seed must be an integer, got NaN'],
    [{ random: 0.5 }, 'random must be a function, got 0.5'],
    [{ rates: 1 }, 'rates is not an option (did you mean rate?), got 1'],
    [{ faults: [] }, `faults must be a non-empty array whose items are each ${FAULT}, got []`],
    [{ faults: 'network' }, `faults must be ${FAULT}, got "network" (string)`],
    [
      { faults: { kind: 'timeout' } },
      'faults.kind must be one of "network", "status", "error", got "timeout" (string)',
    ],
    [
      { faults: [{ kind: 'network' }, { kind: 'status', status: 42 }] },
      'faults[1].status must be an integer >= 400 and <= 599, got 42',
    ],
    [{ faults: { kind: 'status' } }, 'faults.status must be an integer >= 400 and <= 599, got undefined'],
    [
      { faults: { kind: 'status', status: 503, headers: { 'retry-after': 2 } } },
      'faults.headers.retry-after must be a string, got 2',
    ],
    [
      { faults: { kind: 'status', status: 503, header: {} } },
      'faults.header is not an option (did you mean headers?), got {}',
    ],
    [{ faults: { kind: 'network', code: '' } }, 'faults.code must be a non-empty string, got "" (string)'],
    [{ faults: { kind: 'network', status: 503 } }, 'faults.status is not an option, got 503'],
    [
      { faults: { kind: 'error' } },
      'faults.error must be a value to throw (or a function making one), got undefined',
    ],
  ])('rejects %j', (options, message) => {
    expectTypeError(() => injectFaults(() => 1, never(options)), `injectFaults: ${message}`);
    expectTypeError(() => faultyFetch(never(options)), `faultyFetch: ${message}`);
  });

  it('checks what only one of them takes', () => {
    expectTypeError(() => injectFaults(never('f')), 'injectFaults: fn must be a function, got "f" (string)');
    expectTypeError(() => injectFaults(() => 1, never(5)), 'injectFaults: options must be an object, got 5');
    expectTypeError(
      () => faultyFetch({ fetch: never('x') }),
      'faultyFetch: fetch must be a function, got "x" (string)',
    );
    expectTypeError(
      () => injectFaults(() => 1, never({ fetch: globalThis.fetch })),
      'injectFaults: fetch is not an option, got function fetch',
    );
  });
});
