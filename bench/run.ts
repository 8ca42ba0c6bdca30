// Runs every package's benchmark in one process and prints one Markdown table per suite.
// `pnpm bench` (Node 24 strips the types); `pnpm bench overhead` runs only suites whose name matches.
import { pathToFileURL } from 'node:url';

type Row = Record<string, string | number>;
interface Suite {
  name: string;
  file: string;
}

const suites: Suite[] = [
  { name: 'overhead', file: '../packages/backoff/bench/overhead.bench.ts' },
  { name: 'limiter', file: '../packages/token-bucket/bench/limiter.bench.ts' },
  { name: 'telemetry', file: '../packages/telemetry/bench/telemetry.bench.ts' },
  { name: 'adapter', file: '../packages/openai-adapter/bench/adapter.bench.ts' },
  { name: 'capacity', file: './capacity.ts' },
];

const filter = process.argv[2];
for (const suite of suites) {
  if (filter && !suite.name.includes(filter)) continue;
  const mod = (await import(pathToFileURL(new URL(suite.file, import.meta.url).pathname).href)) as {
    run: () => Promise<Row[]>;
  };
  const rows = await mod.run();
  console.log(`\n### ${suite.name}\n`);
  console.log(toMarkdown(rows));
}

function toMarkdown(rows: Row[]): string {
  if (rows.length === 0) return '(no rows)';
  const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))];
  const cell = (value: string | number | undefined) =>
    typeof value === 'number' ? value.toLocaleString('en-US', { maximumFractionDigits: 1 }) : (value ?? '');
  return [
    `| ${columns.join(' | ')} |`,
    `|${columns.map(() => '---').join('|')}|`,
    ...rows.map((row) => `| ${columns.map((c) => cell(row[c])).join(' | ')} |`),
  ].join('\n');
}
