import { error, hasErrors, type Diagnostic } from '../diagnostics/Diagnostic.js';
import { DEFAULT_HEALTH, type HealthPolicy } from '../apply/ApplyContext.js';
import type { CliIo } from './CliIo.js';
import { parallelism } from './parallelism.js';
import { parseCliArgs } from './parseCliArgs.js';
import { wholeNumberFlag } from './wholeNumberFlag.js';

/** blink-apply's command line, read and checked; a usage mistake is in `diagnostics` (or `error`, for one parseArgs refuses). */
export interface ApplyUsage {
  values: ApplyFlags;
  parallel: { read: number; apply: number };
  context: number;
  health: HealthPolicy;
  diagnostics: Diagnostic[];
}

export type ApplyFlags = Extract<ReturnType<typeof parseFlags>, { values: unknown }>['values'];

/**
 * The flags and their numbers, and whether the run may go ahead: an apply
 * needs --yes unless it can ask (a terminal on both ends, or a test's
 * scripted answer). Read once by the bin, to start ssh before the rest of
 * blink-apply loads, and again by applyCli, with the same result.
 */
export function applyUsage(argv: string[], io: CliIo & { stdin?: { isTTY?: boolean } }, canAsk: boolean): ApplyUsage | { error: string } {
  const parsed = parseFlags(argv);
  if ('error' in parsed) return parsed;
  const v = parsed.values;
  const diagnostics: Diagnostic[] = [];
  const int = (name: string, value: string | undefined, dflt: number, min = 1): number => wholeNumberFlag(diagnostics, name, value, dflt, min);
  const parallel = parallelism(diagnostics, v.parallel);
  const context = int('context', v.context, 3, 0);
  const health = { ...DEFAULT_HEALTH, retries: int('health-retries', v['health-retries'], DEFAULT_HEALTH.retries), intervalMs: int('health-interval', v['health-interval'], DEFAULT_HEALTH.intervalMs) };
  const interactive = io.stdin?.isTTY === true && io.stdout.isTTY === true;
  if (!v.help && !v.diff && !v.yes && !interactive && !canAsk) diagnostics.push(error('BLINK520', 'not on a terminal: pass --yes to apply, or --diff to only look'));
  return { values: v, parallel, context, health, diagnostics };
}

/** A usage that runs: parsed, no mistake, not --help. */
export function runnable(u: ApplyUsage | { error: string }): u is ApplyUsage {
  return 'values' in u && !u.values.help && !hasErrors(u.diagnostics);
}

function parseFlags(argv: string[]) {
  return parseCliArgs(argv, {
    diff: { type: 'boolean' },
    config: { type: 'string' },
    addons: { type: 'string' },
    templates: { type: 'string' },
    secrets: { type: 'string' },
    'require-secrets': { type: 'boolean' },
    'ssh-config': { type: 'string' },
    server: { type: 'string', multiple: true },
    host: { type: 'string', multiple: true },
    prune: { type: 'boolean' },
    'create-users': { type: 'boolean' },
    'restart-postgres': { type: 'boolean' },
    summary: { type: 'boolean' },
    parallel: { type: 'string' },
    yes: { type: 'boolean', short: 'y' },
    notify: { type: 'string' },
    context: { type: 'string' },
    'health-retries': { type: 'string' },
    'health-interval': { type: 'string' },
    json: { type: 'boolean' },
    'no-color': { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
}
