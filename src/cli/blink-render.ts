#!/usr/bin/env node
// First: it tunes V8 before the rest of blink runs.
import './tierUpLater.js';
import { processIo } from './CliIo.js';
import { renderCli } from './render.js';

process.exitCode = await renderCli(process.argv.slice(2), processIo());
