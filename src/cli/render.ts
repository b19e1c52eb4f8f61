import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hasErrors, type Diagnostic } from '../diagnostics/Diagnostic.js';
import { formatDiagnostic, summarize } from '../diagnostics/formatDiagnostic.js';
import { lockOut } from '../write/outLock.js';
import { cachePath, fingerprint, saveCache, validCache } from '../write/renderCache.js';
import { EXIT, useColor, type CliIo } from './CliIo.js';
import { parseCliArgs } from './parseCliArgs.js';

export const renderHelp = `Usage: blink-render [options]

Compiles config/ into out/: one folder per host with every file its server needs.

Options:
  --config DIR          config folder (default ./config)
  --addons DIR          custom Odoo modules as checked out (default ./custom-addons)
  --templates DIR       Handlebars templates (default: the ones shipped with blink-fleet)
  --out DIR             output folder (default ./out)
  --host GLOB           only these hosts (repeatable; * and ? wildcards)
  --server NAME         only these servers (repeatable)
  --check               write nothing; exit 1 when out/ is stale, naming each file
  --explain HOST KEY    show which files and lines set KEY in HOST's odoo.conf
                        (workers, http_port, gevent_port: also where nginx sends /websocket)
  --strict              warnings fail the run too
  --json                diagnostics and files as JSON
  --no-color            plain output (also when NO_COLOR is set or not a terminal)
  -h, --help            this text

Examples:
  blink-render                                    render the fleet into out/
  blink-render --check                            in CI: fail when out/ was not re-rendered
  blink-render --explain acme.example.com workers where workers comes from, layer by layer

Exit codes: 0 ok; 1 errors, stale files (--check) or a usage mistake.`;

const packageDir = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

interface Style {
  color: boolean;
  json: boolean;
  strict: boolean;
}

/** blink-render, minus the process: parse flags, run the library, print, return the exit code. */
export async function renderCli(argv: string[], io: CliIo): Promise<number> {
  const args = parseFlags(argv);
  if ('error' in args) return usage(io, args.error);
  const v = args.values;
  if (v.help) {
    io.stdout.write(renderHelp + '\n');
    return EXIT.OK;
  }
  if (v.explain === undefined && args.positionals.length) return usage(io, `unexpected argument '${args.positionals[0]}'`);
  if (v.explain !== undefined && args.positionals.length !== 1) return usage(io, '--explain takes a host and a key: --explain HOST KEY');
  const style: Style = { color: useColor(io, v['no-color']), json: v.json === true, strict: v.strict === true };
  const at = (p: string): string => resolve(io.cwd, p);
  const paths = {
    configDir: at(v.config ?? 'config'),
    addonsDir: at(v.addons ?? 'custom-addons'),
    templatesDir: v.templates ? at(v.templates) : join(packageDir, 'templates'),
    outDir: at(v.out ?? 'out'),
  };
  const outLabel = `${v.out ?? 'out'}/`;

  // Nothing changed since the last render and out/ is as it left it: skip the
  // pipeline (and even loading it), as an incremental build would.
  const whole = v.explain === undefined && !v.host?.length && !v.server?.length;
  const cacheFile = whole ? cachePath(io.cwd, paths.outDir, io.env) : undefined;
  const key = cacheFile ? fingerprint({ ...paths, cwd: io.cwd, packageDir }) : '';
  const cached = validCache(cacheFile, key, paths.outDir);
  if (cached) {
    if (v.check) return report(io, cached.diagnostics, style, { stale: [], cached: true }, `${outLabel} is up to date (${cached.files} files)`);
    return report(io, cached.diagnostics, style, { written: [], removed: [], unchanged: cached.files, cached: true }, summaryLine(cached.files, cached.instances, cached.servers, 0, cached.files, 0));
  }

  const [{ cachedBuild }, { explain, formatExplanation }, { outFiles }, { checkOut, writeOut }, { selectionScope }] = await Promise.all([
    import('./cachedBuild.js'),
    import('../compile/explain.js'),
    import('../write/outFiles.js'),
    import('../write/writeOut.js'),
    import('../compile/selectionScope.js'),
  ]);
  const result = await cachedBuild({ ...paths, cwd: io.cwd, env: io.env }, packageDir, key || undefined);
  const diagnostics: Diagnostic[] = [...result.diagnostics];

  if (v.explain !== undefined) {
    if (!result.fleet) return report(io, diagnostics, style, {});
    const r = explain(result.fleet, v.explain, args.positionals[0]!);
    if (style.json) io.stdout.write(JSON.stringify({ explanation: r.explanation ?? null, problem: r.problem ?? null, diagnostics }, null, 2) + '\n');
    else {
      if (r.explanation?.chain.length || r.explanation?.websocket) io.stdout.write(formatExplanation(r.explanation) + '\n');
      if (r.problem) io.stderr.write(`blink-render: ${r.problem}\n`);
    }
    return r.problem && !r.explanation ? EXIT.ERROR : EXIT.OK;
  }

  if (!result.fleet || hasErrors(diagnostics, style.strict)) return report(io, diagnostics, style, {});
  const selection = selectionScope(result.fleet, v.host ?? [], v.server ?? []);
  diagnostics.push(...selection.diagnostics);
  if (hasErrors(diagnostics)) return report(io, diagnostics, style, {});
  const scope = selection.scope;
  const files = outFiles(result.fleet, result.artifacts).filter((f) => !scope || scope(f.path));

  if (v.check) {
    const c = checkOut(paths.outDir, files, scope ? { scope } : {});
    diagnostics.push(...c.diagnostics);
    return report(io, diagnostics, style, { stale: c.stale }, c.stale.length ? `${plural(c.stale.length, 'stale file')} in ${outLabel}: run blink-render and commit ${outLabel}` : `${outLabel} is up to date (${files.length} files)`);
  }
  const lock = lockOut(paths.outDir);
  if ('code' in lock) return report(io, [...diagnostics, lock], style, {});
  let w: ReturnType<typeof writeOut>;
  const selected = result.fleet.instances.filter((i) => !scope || scope(`hosts/${i.host}/`));
  const counts = { files: files.length, instances: selected.length, servers: new Set(selected.map((i) => i.server)).size };
  try {
    w = writeOut(paths.outDir, files, scope ? { scope } : {});
    diagnostics.push(...w.diagnostics);
    if (!hasErrors(diagnostics)) saveCache(cacheFile, paths.outDir, { key, ...counts, diagnostics }, files.map((f) => f.path));
  } finally {
    lock.release();
  }
  return report(
    io,
    diagnostics,
    style,
    { written: w.written, removed: w.removed, unchanged: w.unchanged.length },
    summaryLine(counts.files, counts.instances, counts.servers, w.written.length, w.unchanged.length, w.removed.length),
  );
}

function summaryLine(files: number, instances: number, servers: number, written: number, unchanged: number, removed: number): string {
  return `rendered ${plural(files, 'file')} for ${plural(instances, 'instance')} on ${plural(servers, 'server')}: ${written} written, ${unchanged} unchanged, ${removed} removed`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function parseFlags(argv: string[]) {
  return parseCliArgs(
    argv,
    {
      config: { type: 'string' },
      addons: { type: 'string' },
      templates: { type: 'string' },
      out: { type: 'string' },
      host: { type: 'string', multiple: true },
      server: { type: 'string', multiple: true },
      check: { type: 'boolean' },
      explain: { type: 'string' },
      strict: { type: 'boolean' },
      json: { type: 'boolean' },
      'no-color': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    true,
  );
}

function usage(io: CliIo, message: string): number {
  io.stderr.write(`blink-render: ${message}\nRun blink-render --help for the options.\n`);
  return EXIT.ERROR;
}

/** Prints diagnostics once, then the summary; decides the exit code. */
function report(io: CliIo, diagnostics: readonly Diagnostic[], style: Style, data: Record<string, unknown>, summary?: string): number {
  const stale = Array.isArray(data['stale']) ? (data['stale'] as string[]) : [];
  const failed = hasErrors(diagnostics, style.strict) || stale.length > 0;
  if (style.json) {
    io.stdout.write(JSON.stringify({ ok: !failed, diagnostics, ...data }, null, 2) + '\n');
  } else {
    // Each stale file is one BLINK403 naming it and saying why: listing them again would say it twice.
    for (const d of diagnostics) io.stderr.write(formatDiagnostic(d, { color: style.color }) + '\n');
    if (diagnostics.length) io.stderr.write(summarize(diagnostics) + '\n');
    if (summary && (!hasErrors(diagnostics) || stale.length)) io.stdout.write(summary + '\n');
  }
  return failed ? EXIT.ERROR : EXIT.OK;
}
