#!/usr/bin/env node
// The `unfazed-lab` command. Everything it does is in cli-main.ts, which tests call directly.
import { main } from './cli-main.ts';

process.exitCode = await main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  cwd: process.cwd(),
});
