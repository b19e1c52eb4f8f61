#!/usr/bin/env node
// First: it tunes V8 before the rest of blink runs.
import './tierUpLater.js';
import { processIo } from './CliIo.js';
import { connectEarly } from './connectEarly.js';

// The first servers' ssh handshakes start before the rest of blink-apply is loaded.
const argv = process.argv.slice(2);
const io = processIo();
const early = connectEarly(argv, io);
const { applyCli } = await import('./apply.js');
process.exitCode = await applyCli(argv, io, early ? { early } : {});
