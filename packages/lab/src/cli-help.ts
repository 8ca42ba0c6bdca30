import { builtInClients } from './built-in-clients.ts';
import { DEFAULT_TIME_SCALE } from './lab.ts';
import { builtInScenarios } from './scenarios.ts';

/** What `unfazed-lab --help` prints. */
export const HELP = `unfazed-lab: run OpenAI clients through failure scenarios in compressed time

Usage: unfazed-lab [options]

Every scenario runs every client side by side, each against its own chaos server
(@unfazed/testing) on one compressed clock: the same open-loop traffic, the same
seeded faults. Prints a table per scenario; writes an HTML report and JSON on request.

Options:
  -s, --scenario <name|file>  a built-in scenario, or a JSON file / module of one or
                              more scenarios (repeatable; default: every built-in)
  -c, --client <id|file>      a built-in client, or a module exporting a factory
                              (ctx) => (request) => Promise (repeatable; default:
                              every built-in)
  -d, --duration <time>       stretch each scenario to this much scenario time,
                              keeping its shape (e.g. 60s, 2m, 1m30s)
  -r, --rate <rpm>            requests per minute of scenario time (each scenario's
                              base rate; its phases stay multiples of it)
      --seed <n>              seed of arrivals and faults (default: the scenario's)
  -t, --time-scale <n>        how many times faster than real time (default ${DEFAULT_TIME_SCALE})
      --html <file>           write the HTML report (self-contained) to <file>
      --json-out <file>       write every figure and outcome as JSON to <file>
      --json                  print the JSON to stdout instead of the tables
      --min-success <s[/c]=pct>   fail (exit 1) when success % is lower, e.g.
                              storm=95, storm/my-client=95, '*=90' (repeatable)
      --max-attempts <s[/c]=n>    fail when requests per call are more (repeatable)
      --max-p99 <s[/c]=time>      fail when p99 latency is longer, e.g. storm=30s
  -q, --quiet                 no progress lines
      --list                  list the built-in scenarios and clients
  -h, --help                  this help

Times are scenario time (a duration like 90s, 2m or 500ms; a bare number is
seconds). Exit status: 0 all thresholds met, 1 a threshold missed, 2 bad usage
or configuration, 3 the run failed.

A client module (Node >= 22 runs .js/.mjs; .ts from Node 23.6):
  import OpenAI from 'openai';
  export default (ctx) => {
    const client = new OpenAI({ baseURL: ctx.baseURL, apiKey: ctx.apiKey, fetch: ctx.fetch });
    return (request) => client.chat.completions.create(request);
  };
ctx also has timeScale (divide your own waits by it), clock (pass it to
createResilientClient) and onEvent (report resilience events for the charts).`;

/** What `unfazed-lab --list` prints: the built-in scenarios and clients. */
export function listing(): string {
  const s = builtInScenarios.map((x) => `  ${x.name.padEnd(20)} ${x.title ?? ''}`);
  const c = builtInClients.map((x) => `  ${x.id.padEnd(20)} ${x.description}`);
  return `Scenarios:\n${s.join('\n')}\n\nClients:\n${c.join('\n')}\n`;
}
