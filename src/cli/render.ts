import { parseArgs } from 'node:util';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from '../build.js';
import { explain, formatExplanation } from '../compile/explain.js';
import { hasErrors, type Diagnostic } from '../diagnostics/Diagnostic.js';
import { formatDiagnostic, summarize } from '../diagnostics/formatDiagnostic.js';
import { outFiles } from '../write/outFiles.js';
import { checkOut, writeOut } from '../write/writeOut.js';
import { selectionScope } from './selectionScope.js';
import { EXIT, useColor, type CliIo } from './CliIo.js';

export const renderHelp = `Usage: blink-render [options]

Compiles config/ into out/: one folder per host with every file its server needs.

Options:
  --config DIR        config folder (default ./config)
  --addons DIR        custom Odoo modules (default ./custom-addons)
  --templates DIR     Handlebars templates (default: the ones shipped with blink-fleet)
  --out DIR           output folder (default ./out)
  --host GLOB         only these hosts (repeatable; * and ? wildcards)
  --server NAME       only these servers (repeatable)
  --check             write nothing; exit 1 and list the files that are stale
  --explain HOST KEY  show which files and lines set KEY in HOST's odoo.conf
  --strict            warnings fail the run too
  --json              print diagnostics and files as JSON
  --no-color          plain output (also when NO_COLOR is set or not a terminal)
  -h, --help          this text

Exit codes: 0 ok, 1 errors (or stale files with --check), 2 usage.`;

const packageRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** blink-render, minus the process: parse flags, run the library, print, return the exit code. */
export function renderCli(argv: string[], io: CliIo): number {
  let args;
  try {
    args = parseFlags(argv);
  } catch (e) {
    io.stderr.write(`blink-render: ${(e as Error).message}\nRun blink-render --help for the options.\n`);
    return EXIT.USAGE;
  }
  const v = args.values;
  if (v.help) {
    io.stdout.write(renderHelp + '\n');
    return EXIT.OK;
  }
  const color = useColor(io, v['no-color']);
  const out = { color, json: v.json === true, strict: v.strict === true };
  const at = (p: string): string => resolve(io.cwd, p);
  const result = build({
    configDir: at(v.config ?? 'config'),
    addonsDir: at(v.addons ?? 'custom-addons'),
    templatesDir: v.templates ? at(v.templates) : join(packageRoot, 'templates'),
    cwd: io.cwd,
  });
  const diagnostics: Diagnostic[] = [...result.diagnostics];

  if (v.explain !== undefined) {
    const key = args.positionals[0];
    if (!key || args.positionals.length > 1) return usage(io, '--explain takes a host and a key: --explain HOST KEY');
    if (!result.fleet) return report(io, diagnostics, out, {});
    const r = explain(result.fleet, v.explain, key);
    if (out.json) io.stdout.write(JSON.stringify({ explanation: r.explanation ?? null, problem: r.problem ?? null, diagnostics }, null, 2) + '\n');
    else {
      if (r.explanation && r.explanation.chain.length) io.stdout.write(formatExplanation(r.explanation) + '\n');
      if (r.problem) io.stderr.write(`blink-render: ${r.problem}\n`);
    }
    return r.problem && !r.explanation ? EXIT.ERROR : EXIT.OK;
  }
  if (args.positionals.length) return usage(io, `unexpected argument '${args.positionals[0]}'`);

  const failed = hasErrors(diagnostics, v.strict);
  if (failed || !result.fleet) return report(io, diagnostics, out, {});
  const selection = selectionScope(result.fleet, v.host ?? [], v.server ?? []);
  diagnostics.push(...selection.diagnostics);
  if (hasErrors(diagnostics)) return report(io, diagnostics, out, {});
  const scope = selection.scope;
  const files = outFiles(result.fleet, result.artifacts).filter((f) => !scope || scope(f.path));
  const outDir = at(v.out ?? 'out');

  if (v.check) {
    const c = checkOut(outDir, files, scope ? { scope } : {});
    diagnostics.push(...c.diagnostics);
    return report(io, diagnostics, out, { stale: c.stale }, c.stale.length ? `${c.stale.length} stale file(s) in ${v.out ?? 'out'}/` : `${v.out ?? 'out'}/ is up to date (${files.length} files)`);
  }
  const w = writeOut(outDir, files, scope ? { scope } : {});
  diagnostics.push(...w.diagnostics);
  const instances = result.fleet.instances.filter((i) => !scope || scope(`hosts/${i.host}/`)).length;
  const servers = new Set(result.fleet.instances.filter((i) => !scope || scope(`hosts/${i.host}/`)).map((i) => i.server)).size;
  return report(
    io,
    diagnostics,
    out,
    { written: w.written, removed: w.removed, unchanged: w.unchanged.length },
    `rendered ${files.length} files for ${instances} instances on ${servers} servers: ${w.written.length} written, ${w.unchanged.length} unchanged, ${w.removed.length} removed`,
  );
}

function parseFlags(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
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
  });
}

function usage(io: CliIo, message: string): number {
  io.stderr.write(`blink-render: ${message}\nRun blink-render --help for the options.\n`);
  return EXIT.USAGE;
}

/** Prints diagnostics once, then the summary; decides the exit code. */
interface ReportStyle {
  color: boolean;
  json: boolean;
  strict: boolean;
}

function report(io: CliIo, diagnostics: Diagnostic[], style: ReportStyle, data: Record<string, unknown>, summary?: string): number {
  const { color, json, strict } = style;
  const failed = hasErrors(diagnostics, strict) || (Array.isArray(data['stale']) && data['stale'].length > 0);
  if (json) {
    io.stdout.write(JSON.stringify({ ok: !failed, diagnostics, ...data }, null, 2) + '\n');
  } else {
    for (const d of diagnostics) io.stderr.write(formatDiagnostic(d, { color }) + '\n');
    if (Array.isArray(data['stale'])) for (const f of data['stale'] as string[]) io.stdout.write(`stale: ${f}\n`);
    if (diagnostics.length) io.stderr.write(summarize(diagnostics) + '\n');
    if (summary && !hasErrors(diagnostics)) io.stdout.write(summary + '\n');
  }
  if (!failed) return EXIT.OK;
  // A --host/--server selection that matches nothing is a usage problem, not a config error.
  return diagnostics.some((d) => d.code === 'BLINK520') ? EXIT.USAGE : EXIT.ERROR;
}

