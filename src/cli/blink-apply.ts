#!/usr/bin/env node
// First: it tunes V8 before the rest of blink runs.
import './tierUpLater.js';
import { applyCli } from './apply.js';
import { processIo } from './CliIo.js';

process.exitCode = await applyCli(process.argv.slice(2), processIo());
