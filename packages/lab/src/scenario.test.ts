import { describe, expect, it } from 'vitest';
import { defineScenario, readScenario } from './scenario.ts';
import { builtInScenarios } from './scenarios.ts';
import { tuneScenario } from './tune.ts';

describe('scenarios', () => {
  it('has the nine built-ins the demo runs, each valid, named once and documented', () => {
    expect(builtInScenarios.map((s) => s.name)).toEqual([
      'storm',
      'storm-retry-after',
      'bursts',
      'outage',
      'errors',
      'quota',
      'bad-key',
      'resets',
      'hangs',
    ]);
    for (const s of builtInScenarios) {
      const r = readScenario(s);
      expect(r.description.length).toBeGreaterThan(60);
      expect(r.durationMs).toBeGreaterThanOrEqual(60_000);
    }
  });

  it('fills in the defaults', () => {
    const s = readScenario({ name: 'mine', durationMs: 60_000, load: { rpm: 10 } });
    expect(s).toMatchObject({
      title: 'mine',
      description: '',
      seed: 1,
      patienceMs: 180_000,
      load: { rpm: 10, phases: [], arrivals: 'poisson' },
      server: {},
      changes: [],
      request: {},
    });
  });

  it('refuses a bad scenario with a TypeError naming the option', () => {
    const bad = (s: unknown) => () => readScenario(s);
    expect(bad({ name: 'Storm!', durationMs: 1, load: { rpm: 1 } })).toThrow(
      'scenario: name must be a kebab-case name (a-z, 0-9, -), got "Storm!" (string)',
    );
    expect(bad({ name: 'x', load: { rpm: 1 } })).toThrow(/scenario: durationMs must be a duration in ms > 0/);
    expect(bad({ name: 'x', durationMs: 1_000, load: { rmp: 1 } })).toThrow(
      /load.rmp is not an option \(did you mean rpm\?\)/,
    );
    expect(bad({ name: 'x', durationMs: 1_000, load: { rpm: '5' } })).toThrow(
      /load.rpm must be a finite number >= 0, got "5"/,
    );
    expect(bad({ name: 'x', durationMs: 1_000, load: { rpm: 1 }, server: { now: () => 0 } })).toThrow(
      /scenario x: server.now must be left to the lab/,
    );
    expect(bad({ name: 'x', durationMs: 1_000, load: { rpm: 1 }, apiKey: 42 })).toThrow(
      /apiKey must be a non-empty string, got a number \(hidden\)/,
    );
    expect(() => defineScenario({ name: 'x', durationMs: 1_000, load: { rpm: 1 }, patienceMs: -1 })).toThrow(
      /patienceMs/,
    );
  });

  it('stretches a scenario to another duration, keeping its shape', () => {
    const s = readScenario({
      name: 'x',
      durationMs: 100_000,
      load: { rpm: 60, phases: [{ atMs: 50_000, factor: 2 }] },
      server: { faults: [{ kind: 'hang', from: 10_000, to: 20_000 }, { kind: 'reset' }] },
      changes: [{ atMs: 40_000, faults: [{ kind: 'status', status: 503, from: 40_000, to: 60_000 }] }],
    });
    const t = tuneScenario(s, { durationMs: 50_000, rpm: 30, seed: 9 });
    expect(t.durationMs).toBe(50_000);
    expect(t.seed).toBe(9);
    expect(t.load).toMatchObject({ rpm: 30, phases: [{ atMs: 25_000, factor: 2 }] });
    expect(t.server.faults).toEqual([{ kind: 'hang', from: 5_000, to: 10_000 }, { kind: 'reset' }]);
    expect(t.changes).toEqual([
      { atMs: 20_000, faults: [{ kind: 'status', status: 503, from: 20_000, to: 30_000 }] },
    ]);
    expect(s.durationMs).toBe(100_000);
  });
});
