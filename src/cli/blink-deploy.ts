#!/usr/bin/env node
import { deployCli } from './deploy.js';
import { processIo } from './CliIo.js';

process.exitCode = await deployCli(process.argv.slice(2), processIo());
