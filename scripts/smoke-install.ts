// Installs packed tarballs together into a fresh project with npm, as a user would, then imports
// every entry point each package exports (`.`, `./internal`, …) and runs one call through a
// pipeline of the built code. Peers come from the registry at the versions the repository
// tests with. Usage: node scripts/smoke-install.ts <project dir> <tarball>…
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

interface Manifest {
  name: string;
  exports?: Record<string, unknown>;
  peerDependencies?: Record<string, string>;
}

const [projectArg, ...tarballs] = process.argv.slice(2);
if (projectArg === undefined || tarballs.length === 0) {
  console.error('usage: node scripts/smoke-install.ts <project dir> <tarball>…');
  process.exit(2);
}
const project = resolve(projectArg);
const root = resolve(import.meta.dirname, '..');
const pinned = (
  JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
    devDependencies: Record<string, string>;
  }
).devDependencies;

// As a user's shell would run it: not with the user agent of the pnpm script running this one.
const { npm_config_user_agent: _agent, ...env } = process.env;
const run = (command: string, args: string[]) => {
  const result = spawnSync(command, args, { cwd: project, stdio: 'inherit', env });
  if (result.status !== 0) {
    console.error(`  failed: ${command} ${args.join(' ')}`);
    process.exit(1);
  }
};

// Each tarball's manifest, read without unpacking it.
const manifests: Manifest[] = tarballs.map((tarball) => {
  const out = spawnSync('tar', ['-xzOf', tarball, 'package/package.json'], { encoding: 'utf8' });
  if (out.status !== 0) throw new Error(`cannot read package.json of ${tarball}`);
  return JSON.parse(out.stdout) as Manifest;
});
const ours = new Set(manifests.map((m) => m.name));
const peers = new Set<string>();
for (const m of manifests) {
  for (const [name, range] of Object.entries(m.peerDependencies ?? {})) {
    if (!ours.has(name)) peers.add(`${name}@${pinned[name] ?? range}`);
  }
}

mkdirSync(project, { recursive: true });
writeFileSync(
  join(project, 'package.json'),
  `${JSON.stringify({ name: 'unfazed-smoke', private: true, type: 'module' }, null, 2)}\n`,
);
run('npm', [
  'install',
  '--no-audit',
  '--no-fund',
  '--ignore-scripts',
  '--loglevel=error',
  ...tarballs.map((t) => resolve(t)),
  ...peers,
]);

const entries = manifests.flatMap((m) =>
  Object.keys(m.exports ?? { '.': null })
    .filter((subpath) => !subpath.endsWith('.json'))
    .map((subpath) => `${m.name}${subpath.slice(1)}`),
);
const smoke = `
const entries = ${JSON.stringify(entries)};
for (const entry of entries) {
  const mod = await import(entry);
  if (Object.keys(mod).length === 0) throw new Error(entry + ' exports nothing');
  console.log('  imported ' + entry + ' (' + Object.keys(mod).length + ' exports)');
}
if (entries.includes('@unfazed/backoff')) {
  const { pipeline } = await import('@unfazed/core');
  const { retry } = await import('@unfazed/backoff');
  let calls = 0;
  const reset = () => Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
  const answer = await pipeline(retry({ baseDelayMs: 1 })).execute(async () => {
    if (++calls === 1) throw reset();
    return 'ok';
  });
  if (answer !== 'ok' || calls !== 2) throw new Error('retry did not retry: ' + calls + ' calls');
  console.log('  pipeline(retry()) retried a reset connection and answered');
}
`;
writeFileSync(join(project, 'smoke.mjs'), smoke);
run(process.execPath, ['smoke.mjs']);
