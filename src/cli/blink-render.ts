#!/usr/bin/env node
import { renderCli } from './render.js';

process.exitCode = await renderCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() });
