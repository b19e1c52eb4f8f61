#!/usr/bin/env node
import { applyCli } from './apply.js';

process.exitCode = await applyCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  env: process.env,
  cwd: process.cwd(),
});
