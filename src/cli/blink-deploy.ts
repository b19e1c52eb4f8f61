#!/usr/bin/env node
// First: it tunes V8 before the rest of blink runs.
import './tierUpLater.js';
import { deployCli } from './deploy.js';
import { processIo } from './CliIo.js';

process.exitCode = await deployCli(process.argv.slice(2), processIo());
