// The two checks that keep a package from being published broken: the prepack guard that only
// lets pnpm pack, and the link check over packed READMEs and docs.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { linksOf, problemOf } from '../scripts/check-links.ts';

const guard = join(import.meta.dirname, '../scripts/require-pnpm.mjs');

function pack(agent: string | undefined) {
  const { npm_config_user_agent: _, ...env } = process.env;
  return spawnSync(process.execPath, [guard], {
    env: agent === undefined ? env : { ...env, npm_config_user_agent: agent },
    encoding: 'utf8',
  });
}

describe('the prepack guard', () => {
  it('lets pnpm pack', () => {
    expect(pack('pnpm/10.34.8 npm/? node/v24.21.0 linux x64').status).toBe(0);
  });

  it.each([
    ['npm', 'npm/11.19.1 node/v20.20.2 linux x64 workspaces/false'],
    ['yarn', 'yarn/1.22.22 npm/? node/v24.21.0 linux x64'],
    ['an unknown tool', undefined],
  ])('refuses %s, saying why and what to run instead', (by, agent) => {
    const result = pack(agent);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`with ${by}`);
    expect(result.stderr).toContain('pnpm pack');
  });
});

describe('links in packed docs', () => {
  const root = mkdtempSync(join(tmpdir(), 'unfazed-links-'));
  mkdirSync(join(root, 'docs'));
  writeFileSync(join(root, 'README.md'), '# x\n');
  writeFileSync(join(root, 'docs', 'api.md'), '# api\n');
  const readme = join(root, 'README.md');
  const api = join(root, 'docs', 'api.md');
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('finds inline, reference and HTML links, but none in code', () => {
    const text = [
      'See [the API](./docs/api.md#retry "title") and ![logo](img/logo.png).',
      '[ref]: ../other.md',
      '<a href="docs/api.md">api</a>',
      '`[not](a-link.md)`',
      '```md',
      '[also not](fenced.md)',
      '```',
    ].join('\n');
    expect(linksOf(text).sort()).toEqual([
      '../other.md',
      './docs/api.md#retry',
      'docs/api.md',
      'img/logo.png',
    ]);
  });

  it('accepts files inside the package, headings and absolute links', () => {
    expect(problemOf(root, readme, './docs/api.md#retry')).toBeUndefined();
    expect(problemOf(root, api, '../README.md')).toBeUndefined();
    expect(problemOf(root, readme, '#install')).toBeUndefined();
    expect(
      problemOf(root, readme, 'https://github.com/unfazed/unfazed/blob/main/docs/events.md'),
    ).toBeUndefined();
  });

  it('refuses what the tarball does not hold', () => {
    expect(problemOf(root, readme, './docs/estimation.md')).toBe('not in the tarball');
    expect(problemOf(root, readme, '../../docs/events.md')).toBe('points outside the package');
    expect(problemOf(root, readme, './docs')).toBe('not a file');
    expect(problemOf(root, readme, 'file:///etc/passwd')).toBe('not an http(s) link');
  });
});
