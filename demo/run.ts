// `pnpm demo`: every built-in scenario with every built-in client, side by side on the embedded chaos
// server in compressed time, plus the queue (`demo/queue-client.ts`) when RabbitMQ and Redis answer.
// Tables on stdout; the report in ./demo-report.html and ./demo-report.json.
// Extra arguments go to the lab CLI (`pnpm demo --scenario storm`, `pnpm demo --help`); with
// `--client` only the clients named run.
import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';
import { builtInClients } from '@unfazed/lab';
import { main } from '../packages/lab/src/cli-main.ts';
import { AMQP_URL, REDIS_URL } from './queue-client.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const quiet = args.includes('--help') || args.includes('-h') || args.includes('--json');

/** Whether something accepts TCP connections at the URL's host and port, within a second. */
function answers(url: string, defaultPort: number): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect({
      host: hostname || '127.0.0.1',
      port: Number(port || defaultPort),
      timeout: 1_000,
    });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true));
    socket.once('timeout', () => done(false));
    socket.once('error', () => done(false));
  });
}

const clientArgs: string[] = [];
let queueNote = '';
if (!quiet && !args.some((a) => a === '-c' || a === '--client' || a.startsWith('--client='))) {
  const [amqp, redis] = await Promise.all([answers(AMQP_URL, 5672), answers(REDIS_URL, 6379)]);
  if (amqp && redis) {
    clientArgs.push(...builtInClients.flatMap((c) => ['--client', c.id]), '--client', 'demo/queue-client.ts');
  } else {
    queueNote = `(${amqp ? 'Redis' : 'RabbitMQ'} does not answer, so the queue contender sits this run out.)\n`;
  }
}
if (!quiet) {
  process.stderr.write(
    'Unfazed demo: the same traffic and the same failures, with and without resilience.\n' +
      `Each line: a scenario, then per client the calls settled and the success rate so far.\n${queueNote}\n`,
  );
}
process.exitCode = await main(
  ['--html', 'demo-report.html', '--json-out', 'demo-report.json', ...clientArgs, ...args],
  { stdout: process.stdout, stderr: process.stderr, cwd: root },
);
