import { describe, expect, it } from 'vitest';
import { telemetry } from '../src/index.ts';

describe('telemetry() options', () => {
  it('are read through the one options helper: unknown keys, wrong types, impossible values', () => {
    expect(() => telemetry({ captureUsr: 'hash' } as never)).toThrow(
      'telemetry: captureUsr is not an option (did you mean captureUser?), got "hash"',
    );
    expect(() => telemetry({ captureUser: 'raw' as never })).toThrow(
      'telemetry: captureUser must be one of "off", "hash", "raw-in-spans", got "raw"',
    );
    expect(() => telemetry({ maxAttributeSets: 0 })).toThrow(
      'telemetry: maxAttributeSets must be an integer >= 1, got 0',
    );
    expect(() => telemetry({ userBuckets: 2.5 })).toThrow(TypeError);
    expect(() => telemetry({ recordContent: 'yes' as never })).toThrow(
      'telemetry: recordContent must be true or false, got "yes"',
    );
    expect(() => telemetry({ answerTimeoutMs: 2 ** 31 })).toThrow(
      /answerTimeoutMs must be a duration in ms > 0 and <= 2147483647/,
    );
    expect(() => telemetry({ logger: console.log as never })).toThrow(
      /logger must be a logger with info, warn and error methods/,
    );
    expect(() => telemetry({ tracerProvider: {} as never })).toThrow(
      /tracerProvider must be a TracerProvider/,
    );
    expect(() => telemetry({ meterProvider: 'global' as never })).toThrow(
      /meterProvider must be a MeterProvider/,
    );
    expect(() => telemetry({ spanTags: ['tenant', ''] })).toThrow(
      'telemetry: spanTags[1] must be a non-empty string, got ""',
    );
    expect(() => telemetry('on' as never)).toThrow('telemetry: options must be an object, got "on"');
  });

  it('never shows the salt in an error', () => {
    expect(() => telemetry({ userSalt: 42 as never })).toThrow(
      'telemetry: userSalt must be a non-empty string, got a number (hidden)',
    );
  });

  it('makes a named middleware', () => {
    expect(telemetry().name).toBe('telemetry');
    expect(telemetry({ name: 'otel' }).name).toBe('otel');
  });
});
