import { readFile } from 'node:fs/promises';
import { basename, extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { builtInClients } from './built-in-clients.ts';
import type { ClientEntry, ClientFactory } from './client.ts';
import { readScenario, type Scenario } from './scenario.ts';
import { builtInScenarios } from './scenarios.ts';

const MODULE = /\.(?:[cm]?js|[cm]?ts)$/;

function looksLikePath(spec: string): boolean {
  return spec.includes('/') || spec.includes('\\') || MODULE.test(spec) || spec.endsWith('.json');
}

async function importFile(path: string): Promise<Record<string, unknown>> {
  return (await import(pathToFileURL(path).href)) as Record<string, unknown>;
}

function idOf(path: string): string {
  const id = basename(path, extname(path))
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return id || 'client';
}

/**
 * A client by built-in id (`openai-sdk`, `unfazed`, …) or from a module: its `default` export (or
 * `createClient`) is the factory `(ctx) => (request) => Promise`, or an object `{ create, id?,
 * label?, description? }`; named exports `label` and `description` describe a bare factory.
 *
 * @example
 * const mine = await loadClient('./my-client.mjs');
 */
export async function loadClient(spec: string, cwd = process.cwd()): Promise<ClientEntry> {
  const builtIn = builtInClients.find((c) => c.id === spec);
  if (builtIn) return builtIn;
  if (!looksLikePath(spec)) {
    throw new TypeError(
      `client ${JSON.stringify(spec)} is neither a built-in (${builtInClients.map((c) => c.id).join(', ')}) nor a module path`,
    );
  }
  const path = resolve(cwd, spec);
  const mod = await importFile(path);
  const exported = mod.default ?? mod.createClient;
  const entry = (typeof exported === 'object' && exported !== null ? exported : {}) as Partial<ClientEntry>;
  const create = (typeof exported === 'function' ? exported : entry.create) as ClientFactory | undefined;
  if (typeof create !== 'function') {
    throw new TypeError(
      `client ${spec}: the module must export a factory (ctx) => (request) => Promise as default or createClient`,
    );
  }
  const text = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);
  const id = text(entry.id) ?? idOf(path);
  return {
    id,
    label: text(entry.label) ?? text(mod.label) ?? id,
    description: text(entry.description) ?? text(mod.description) ?? spec,
    create,
  };
}

/**
 * Scenarios by built-in name, or from a file: JSON (one scenario or an array) or a module whose
 * `default` (or `scenarios`) export is one or an array. Each is checked at once; an error names
 * the file and the option.
 *
 * @example
 * const [storm] = await loadScenarios('storm');
 * const mine = await loadScenarios('./scenarios/black-friday.json');
 */
export async function loadScenarios(spec: string, cwd = process.cwd()): Promise<Scenario[]> {
  const builtIn = builtInScenarios.find((s) => s.name === spec);
  if (builtIn) return [builtIn];
  if (!looksLikePath(spec)) {
    throw new TypeError(
      `scenario ${JSON.stringify(spec)} is neither a built-in (${builtInScenarios.map((s) => s.name).join(', ')}) nor a file`,
    );
  }
  const path = resolve(cwd, spec);
  let value: unknown;
  if (path.endsWith('.json')) {
    try {
      value = JSON.parse(await readFile(path, 'utf8'));
    } catch (err) {
      throw new TypeError(`scenario file ${spec}: ${(err as Error).message}`);
    }
  } else {
    const mod = await importFile(path);
    value = mod.default ?? mod.scenarios;
  }
  const list = Array.isArray(value) ? value : [value];
  return list.map((s) => {
    try {
      readScenario(s);
    } catch (err) {
      throw new TypeError(`scenario file ${spec}: ${(err as Error).message}`);
    }
    return s as Scenario;
  });
}
