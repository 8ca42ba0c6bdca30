// The documentation of core and classify is tested: every ```ts block of their README and
// docs/api.md runs as it is (Node 24, against the package's sources), what a `console.log(...)`
// line says it prints (`// text` after it) is what it prints, and every name the package exports
// appears in an example of its API reference.
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..');
const node = join(root, 'node_modules/.bin/node');
const hooks = join(import.meta.dirname, 'doc-examples/resolve-from.mjs');
const scratch = join(tmpdir(), `unfazed-doc-examples-${process.pid}`);
const run = promisify(execFile);

interface Docs {
  readonly pkg: string;
  readonly files: readonly string[];
  /** The entry points whose every export the API reference must show. */
  readonly entries: readonly string[];
}

const DOCS: readonly Docs[] = [
  {
    pkg: 'packages/core',
    files: ['README.md', 'docs/api.md'],
    entries: ['src/index.ts', 'src/internal.ts'],
  },
  {
    pkg: 'packages/classify',
    files: ['README.md', 'docs/api.md'],
    entries: ['src/index.ts', 'src/internal.ts'],
  },
];

interface Block {
  readonly line: number;
  readonly code: string;
}

/** The ```ts blocks of a Markdown text, with the line each starts on. */
function blocksOf(markdown: string): Block[] {
  const blocks: Block[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (!/^```ts\s*$/.test(lines[i]!)) continue;
    const start = i + 1;
    while (i + 1 < lines.length && !/^```\s*$/.test(lines[i + 1]!)) i++;
    blocks.push({ line: start + 1, code: lines.slice(start, i + 1).join('\n') });
    i++;
  }
  return blocks;
}

/** What the block says it prints: the `// text` after each `console.log(...)` line, in order. */
function expectedOutput(code: string): string[] {
  const out: string[] = [];
  for (const line of code.split('\n')) {
    const said = /^\s*(?:await\s+)?console\.log\(.*\);\s*\/\/ (.+)$/.exec(line);
    if (said) out.push(said[1]!.trim());
  }
  return out;
}

/** Every name (values and types) an entry file re-exports. */
function exportedNames(source: string): string[] {
  const names: string[] = [];
  for (const match of source.matchAll(/export\s+(?:type\s+)?\{([^}]*)\}\s+from/g)) {
    for (const part of match[1]!.split(',')) {
      const name = part
        .trim()
        .replace(/^type\s+/, '')
        .split(/\s+as\s+/)
        .pop();
      if (name) names.push(name);
    }
  }
  return names;
}

mkdirSync(scratch, { recursive: true });
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

for (const docs of DOCS) {
  for (const file of docs.files) {
    const path = join(root, docs.pkg, file);
    const blocks = blocksOf(readFileSync(path, 'utf8'));
    describe.concurrent(`${docs.pkg}/${file}`, () => {
      it('has examples', () => expect(blocks.length).toBeGreaterThan(0));
      it.each(blocks)('the example at line $line runs and prints what it says', async ({ line, code }) => {
        const example = join(
          scratch,
          `${docs.pkg.replace(/\W/g, '-')}-${file.replace(/\W/g, '-')}-${line}.ts`,
        );
        writeFileSync(example, code);
        const { stdout } = await run(node, ['--import', pathToFileURL(hooks).href, example], {
          cwd: join(root, docs.pkg),
          timeout: 15_000,
          env: {
            ...process.env,
            UNFAZED_EXAMPLE_URL: pathToFileURL(example).href,
            UNFAZED_EXAMPLE_BASE: pathToFileURL(join(root, docs.pkg, 'package.json')).href,
          },
        });
        // Each promised line, in order, among what it printed (lines no comment promises are free).
        const printed = stdout.split('\n').map((l) => l.trim());
        let at = 0;
        for (const want of expectedOutput(code)) {
          const found = printed.indexOf(want, at);
          expect(found, `prints "${want}" (after line ${at} of:\n${stdout})`).toBeGreaterThanOrEqual(0);
          at = found + 1;
        }
      });
    });
  }
  it(`${docs.pkg}/docs/api.md shows every exported name in an example`, () => {
    const examples = blocksOf(readFileSync(join(root, docs.pkg, 'docs/api.md'), 'utf8'))
      .map((b) => b.code)
      .join('\n');
    const names = docs.entries.flatMap((entry) =>
      exportedNames(readFileSync(join(root, docs.pkg, entry), 'utf8')),
    );
    const missing = names.filter((name) => !new RegExp(`\\b${name}\\b`).test(examples));
    expect(missing).toEqual([]);
  });
}
