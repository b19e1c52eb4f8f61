#!/usr/bin/env node
import { processIo } from './CliIo.js';
import { renderCli } from './render.js';

process.exitCode = await renderCli(process.argv.slice(2), processIo());
