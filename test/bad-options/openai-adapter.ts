// @unfazed/openai-adapter: createResilientClient (and its stages), withResilience, resilientFetch,
// resilientPipeline, modelFallback.

import OpenAI from 'openai';
import { pipeline } from '../../packages/core/src/index.ts';
import {
  createResilientClient,
  modelFallback,
  resilientFetch,
  resilientPipeline,
  withResilience,
} from '../../packages/openai-adapter/src/index.ts';
import { type Bad, hook, num, shape, str } from './kinds.ts';
import { type Case, named, optionCases, type Target } from './table.ts';

/** A stage: its own options, false, or a middleware; never a string, a number, true, null or an array. */
const stage = (): Bad[] => [{ value: 'yes' }, { value: 5 }, { value: true }, { value: null }, { value: [] }];

const stages = {
  retry: stage(),
  breaker: stage(),
  rateLimit: stage(),
  bulkhead: stage(),
  fallback: stage(),
  telemetry: [{ value: 'yes' }, { value: {} }, { value: true }, { value: null }],
  clock: shape({ now: () => 0 }),
  name: str(),
  onEvent: hook(),
};

export function openaiAdapterCases(): Case[] {
  const client: Target = {
    factory: 'createResilientClient',
    base: { apiKey: 'sk-bad-options' },
    call: (o) => createResilientClient(o as never),
    show: (o) => `createResilientClient(${o})`,
  };
  const nested = (at: string, base: Record<string, unknown>): Target => ({
    factory: 'createResilientClient',
    at,
    base,
    call: (o) => createResilientClient({ apiKey: 'sk-bad-options', [at]: o } as never),
    show: (o) => `createResilientClient({ apiKey: "sk-bad-options", ${at}: ${o} })`,
  });
  const existing = named(new OpenAI({ apiKey: 'sk-bad-options' }), 'client');
  return [
    ...optionCases(
      client,
      {
        ...stages,
        timeout: [{ value: 'yes' }, { value: true }, { value: null }, { value: [] }],
        maxRetries: [{ value: 2 }, { value: '0' }, { value: null }],
        keyBy: hook(),
      },
      { near: 'retries', nearest: 'retry' },
    ),
    ...optionCases(
      nested('stream', {}),
      { firstChunkTimeoutMs: num({ dur: true, above: 0 }), idleTimeoutMs: num({ dur: true, above: 0 }) },
      { near: 'idleTimeout', nearest: 'idleTimeoutMs' },
    ),
    ...optionCases(
      {
        factory: 'withResilience',
        call: (o) => withResilience(existing, o as never),
        show: (o) => `withResilience(client, ${o})`,
      },
      stages,
      { near: 'breakers', nearest: 'breaker' },
    ),
    ...optionCases(
      {
        factory: 'resilientPipeline',
        call: (o) => resilientPipeline(o as never),
        show: (o) => `resilientPipeline(${o})`,
      },
      stages,
      { near: 'ratelimit', nearest: 'rateLimit' },
    ),
    ...optionCases(
      {
        factory: 'resilientFetch',
        call: (o) => resilientFetch(named(pipeline(), 'p'), o as never),
        show: (o) => `resilientFetch(p, ${o})`,
      },
      { fetch: hook(), keyBy: hook(), name: str() },
      { near: 'fetcher', nearest: 'fetch' },
    ),
    ...optionCases(
      {
        factory: 'modelFallback',
        base: { models: { 'gpt-4o': ['gpt-4o-mini'] } },
        call: (o) => modelFallback(o as never),
        show: (o) => `modelFallback(${o})`,
      },
      {
        models: [
          { value: null },
          { value: 'gpt-4o' },
          { value: [] },
          { value: { 'gpt-4o': 'gpt-4o-mini' }, at: 'models.gpt-4o', shown: '"gpt-4o-mini" (string)' },
        ],
        on: [
          { value: 'circuit_open' },
          {
            value: ['circuit_opn'],
            at: 'on[0]',
            shown: '"circuit_opn" (string)',
            hint: 'did you mean "circuit_open"?',
          },
        ],
        name: str(),
      },
      { near: 'model', nearest: 'models' },
    ),
  ];
}
