#!/usr/bin/env node
import { applyCli } from './apply.js';
import { processIo } from './CliIo.js';

process.exitCode = await applyCli(process.argv.slice(2), processIo());
