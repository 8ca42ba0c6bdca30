// Checks that every relative link in a packed package's README.md and docs/**/*.md resolves to a
// file inside the package: a link to a file the tarball does not ship is dead on npmjs.com and
// in node_modules. Absolute http(s) and mailto links, and links to a heading of the same page,
// are left alone. Usage: node scripts/check-links.ts <unpacked package dir>…
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

const INLINE = /!?\[(?:[^\]\\]|\\.)*\]\(\s*<?([^)\s>]+)>?(?:\s+["'(][^)]*["')])?\s*\)/g;
const DEFINITION = /^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+["'(].*)?$/gm;
const HTML = /\b(?:href|src)\s*=\s*["']([^"']+)["']/g;

/** The link targets of a Markdown text, code blocks and inline code left out. */
export function linksOf(markdown: string): string[] {
  const prose = markdown
    .replace(/^ {0,3}(`{3,}|~{3,})[^\n]*\n[\s\S]*?^ {0,3}\1[^\n]*$/gm, '')
    .replace(/(`+)[\s\S]*?\1/g, '');
  const found: string[] = [];
  for (const pattern of [INLINE, DEFINITION, HTML]) {
    for (const match of prose.matchAll(pattern)) found.push(match[1]!);
  }
  return found;
}

/** Why `target`, linked from `file` in the package at `root`, is broken; undefined when it resolves. */
export function problemOf(root: string, file: string, target: string): string | undefined {
  if (/^(?:https?:|mailto:)/i.test(target) || target.startsWith('#')) return undefined;
  if (/^[a-z][a-z\d+.-]*:/i.test(target) || target.startsWith('//')) return 'not an http(s) link';
  const path = decodeURI(target.replace(/[?#].*$/, ''));
  const resolved = path.startsWith('/') ? join(root, path) : resolve(dirname(file), path);
  const inside = relative(root, resolved);
  if (inside === '..' || inside.startsWith(`..${sep}`)) return 'points outside the package';
  if (!existsSync(resolved)) return 'not in the tarball';
  if (!statSync(resolved).isFile()) return 'not a file';
  return undefined;
}

function markdownFiles(root: string): string[] {
  const files = existsSync(join(root, 'README.md')) ? [join(root, 'README.md')] : [];
  const walk = (dir: string) => {
    if (!existsSync(dir)) return;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.md')) files.push(path);
    }
  };
  walk(join(root, 'docs'));
  return files;
}

if (import.meta.main) {
  let broken = 0;
  for (const root of process.argv.slice(2).map((dir) => resolve(dir))) {
    for (const file of markdownFiles(root)) {
      for (const target of linksOf(readFileSync(file, 'utf8'))) {
        const problem = problemOf(root, file, target);
        if (problem === undefined) continue;
        broken++;
        console.error(`  broken link in ${relative(root, file)}: ${target} (${problem})`);
      }
    }
  }
  process.exit(broken === 0 ? 0 : 1);
}
