import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { error, type Diagnostic } from '../diagnostics/Diagnostic.js';
import { tar } from '../remote/tar.js';
import type { Release, ReleaseFile } from './Release.js';

export interface CheckSourcesOptions {
  addonsDir: string;
  /** Names the commit in messages (a short id). */
  label: string;
  /** @default 'python3' */
  python?: string;
  /** A checker that has not answered by then is killed and reported. @default 120000 */
  timeoutMs?: number;
  /**
   * Content hashes of files that passed before: skipped, since the result
   * depends on the content alone. Files that pass now are added to it, so a
   * caller can keep it between runs and a small change checks a few files.
   */
  known?: Set<string>;
}

let script: string | undefined;

/**
 * Every `.xml` file must be well formed and every `.py` file must compile, as
 * the operator's python3 sees them: one process for the whole release, fed a
 * tar on stdin. Asynchronous, so a deploy can do other work meanwhile.
 */
export async function checkSources(release: Release, o: CheckSourcesOptions): Promise<Diagnostic[]> {
  const dir = o.addonsDir.replace(/\/+$/, '');
  const python = o.python ?? 'python3';
  const sources = release.files.filter((f) => isSource(f.path) && !o.known?.has(sourceKey(f.path, f.sha256)));
  if (sources.length === 0) return [];
  const unavailable = (why: string, hint = `install Python 3.9 or later as '${python}' on this machine; the checks run locally, before anything reaches a server`): Diagnostic[] => [
    error('BLINK617', `cannot check the XML and Python of the release at ${o.label}: ${why}`, undefined, hint),
  ];
  const unread = sources.find((f) => !f.content);
  if (unread) return unavailable(`${dir}/${unread.path} was not read from git`, 'report this as a bug of blink-deploy');
  const url = new URL('./checkSources.py', import.meta.url);
  try {
    script ??= readFileSync(url, 'utf8');
  } catch {
    return unavailable(`the checker script ${fileURLToPath(url)} is missing`, 'reinstall blink: the build copies checkSources.py next to checkSources.js');
  }
  // Members are named by index: ustar cannot hold every path a release may have, and the
  // real path is only needed in the message, which is built here.
  const names = new Map<string, ReleaseFile>();
  const input = tar(
    sources.map((f, i) => {
      const name = `${i}${f.path.endsWith('.xml') ? '.xml' : '.py'}`;
      names.set(name, f);
      return { path: name, mode: 0o644, content: f.content! };
    }),
  );

  const run = await runChecker(python, script, input, o.timeoutMs ?? 120_000);
  if (run.spawnError) return unavailable(run.spawnError);
  if (run.timedOut) return unavailable(`${python} gave no answer within ${Math.round((o.timeoutMs ?? 120_000) / 1000)} s`);
  if (run.status !== 0) return unavailable(`${python} exited with ${run.status ?? run.signal}: ${run.stderr.trim().split('\n').at(-1) ?? ''}`);

  const diagnostics: Diagnostic[] = [];
  for (const line of run.stdout.split('\n')) {
    if (!line.trim()) continue;
    let p: { path?: unknown; line?: unknown; column?: unknown; message?: unknown; kind?: unknown };
    try {
      p = JSON.parse(line);
    } catch {
      return unavailable(`${python} printed something that is not a report: ${line.slice(0, 120)}`);
    }
    const f = typeof p.path === 'string' ? names.get(p.path) : undefined;
    if (!f) return unavailable(`${python} reported an unknown file ${String(p.path)}`);
    const module = f.path.split('/')[0];
    const where = { file: `${dir}/${f.path}`, line: Number(p.line) || 1, column: Number(p.column) || 1 };
    const message = String(p.message);
    if (p.kind === 'xml') {
      diagnostics.push(error('BLINK614', `XML of ${module} at ${o.label} is not well formed: ${message}`, where, 'fix the XML; each file must parse on its own, and entity declarations are refused'));
    } else {
      diagnostics.push(error('BLINK615', `Python of ${module} at ${o.label} does not compile: ${message}`, where, `fix the syntax; checked with this machine's ${python}, so keep to what the servers' Python runs too`));
    }
  }
  if (o.known) {
    const failed = new Set(diagnostics.map((d) => d.file));
    for (const f of sources) if (!failed.has(`${dir}/${f.path}`)) o.known.add(sourceKey(f.path, f.sha256));
  }
  return diagnostics;
}

/** The files checkSources checks: XML and Python. */
export function isSource(path: string): boolean {
  return path.endsWith('.xml') || path.endsWith('.py');
}

/** How a checked file is remembered: its kind and content hash, since the result depends on nothing else. */
export function sourceKey(path: string, sha256: string): string {
  return `${path.endsWith('.xml') ? 'xml' : 'py'} ${sha256}`;
}

interface CheckerRun {
  stdout: string;
  stderr: string;
  status: number | null;
  signal: NodeJS.Signals | null;
  spawnError?: string;
  timedOut: boolean;
}

function runChecker(python: string, code: string, input: Buffer, timeoutMs: number): Promise<CheckerRun> {
  return new Promise((resolve) => {
    // -I: no PYTHONPATH, user site or current folder on the path; -S: no site
    // packages either (their start-up hooks cost more than the check of a
    // small change). The checker imports only the standard library.
    const child = spawn(python, ['-I', '-S', '-c', code], { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let spawnError: string | undefined;
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', (e: NodeJS.ErrnoException) => {
      spawnError = e.code === 'ENOENT' ? `${python} is not installed or not on PATH` : e.message;
    });
    // A checker that dies early closes its stdin; its exit status says why, not the EPIPE.
    child.stdin.on('error', () => undefined);
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      const run: CheckerRun = { stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), status, signal, timedOut };
      if (spawnError !== undefined) run.spawnError = spawnError;
      resolve(run);
    });
    child.stdin.end(input);
  });
}
