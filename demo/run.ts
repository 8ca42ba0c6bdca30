// `pnpm demo`: every built-in scenario with every built-in client, side by side on the embedded chaos
// server in compressed time. Tables on stdout; the report in ./demo-report.html and ./demo-report.json.
// Extra arguments go to the lab CLI (`pnpm demo --scenario storm`, `pnpm demo --help`).
import { fileURLToPath } from 'node:url';
import { main } from '../packages/lab/src/cli-main.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
if (!args.includes('--help') && !args.includes('-h') && !args.includes('--json')) {
  process.stderr.write(
    'Unfazed demo: the same traffic and the same failures, with and without resilience.\n' +
      'Each line: a scenario, then per client the calls settled and the success rate so far.\n\n',
  );
}
process.exitCode = await main(['--html', 'demo-report.html', '--json-out', 'demo-report.json', ...args], {
  stdout: process.stdout,
  stderr: process.stderr,
  cwd: root,
});
