import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cachedCompile } from './cachedBuild.js';
import { applyUsage, runnable } from './applyUsage.js';
import { startConnecting, type EarlyConnections } from './connectEarly.js';
import { envView } from './envView.js';
import { serverFiles } from './serverFiles.js';
import { forServers, hasErrors, type Diagnostic } from '../diagnostics/Diagnostic.js';
import { formatDiagnostic } from '../diagnostics/formatDiagnostic.js';
import type { Server } from '../model/Fleet.js';
import { applyFleet, diffFleet, type ServerDiff } from '../apply/applyFleet.js';
import { DEFAULT_HEALTH } from '../apply/ApplyContext.js';
import type { ApplyReport } from '../apply/ApplyReport.js';
import { combineExit, formatReport } from '../apply/formatReport.js';
import { fleetSummary, summaryJson } from '../apply/fleetSummary.js';
import { progressLine } from '../apply/progressLine.js';
import { inOrder } from '../apply/mapLimit.js';
import { notify } from '../apply/notify.js';
import { configCommit, newRunId, runOwner } from '../apply/runMeta.js';
import { selectFleet } from '../apply/selectFleet.js';
import { formatServerPlan, type ShownChanges } from '../plan/formatPlan.js';
import { isPending } from '../plan/ServerPlan.js';
import type { Remote } from '../remote/Remote.js';
import { realRemotes } from '../remote/remoteFor.js';
import { secretsReady } from '../secrets/secretsReady.js';
import { askTerminal } from './askTerminal.js';
import { useColor, type CliIo } from './CliIo.js';
import { localRootsIgnored } from './localRootsIgnored.js';
import { printDiagnostics } from './printDiagnostics.js';

export const applyHelp = `Usage: blink-apply [--diff] [options]

Shows what would change on each server (--diff), or applies it: validate on
the server, atomic swap, restart only what changed, health check, roll back
on failure.

Options:
  --diff                only show what would change; touch nothing
  --summary             one line per file and the counts, without the diff text
  --server NAME         only these servers (repeatable)
  --host GLOB           only these hosts (repeatable; * and ? wildcards)
  --prune               delete files of removed instances: their services are stopped and
                        a final backup taken first; their databases and data are kept
  --create-users        create a missing service user (commands.create_user) instead of
                        stopping at it
  --restart-postgres    restart PostgreSQL, not only reload it, when a setting it reads
                        only at start changed (shared_buffers, max_connections…);
                        drops every instance's connections
  --yes                 apply without asking (required when not on a terminal)
  --parallel N          servers at once (default 8 for reading, 4 for applying); while
                        they are read, the next as many are connected to
  --notify URL          POST the JSON summary to URL after an apply
  --json                the plan and the results as JSON
  --config DIR          config folder (default ./config)
  --addons DIR          custom Odoo modules as checked out (default ./custom-addons)
  --templates DIR       Handlebars templates (default: the ones shipped with blink-fleet)
  --secrets FILE        YAML {instance: {KEY: value}}, mode 0600 (the environment wins)
  --require-secrets     with --diff: a missing secret is an error, as for an apply
  --ssh-config FILE     ssh_config passed to ssh as -F
  --context N           lines of context in diffs (default 3)
  --health-retries N    attempts per health URL (default ${DEFAULT_HEALTH.retries})
  --health-interval MS  pause between attempts (default ${DEFAULT_HEALTH.intervalMs})
  --no-color            plain output (also when NO_COLOR is set or not a terminal)
  -h, --help            this text

Examples:
  blink-apply --diff                       what would change on every server
  blink-apply --server aws-1 --yes         apply one server without asking
  blink-apply --diff --json > plan.json    in CI on a pull request (no secrets needed)

Orphans (files of removed instances) are listed always and count as changes
only with --prune.

Beside the files, each instance gets its data folder, log folder and backup
folder, its PostgreSQL role (db_user) and database, created before any service
starts and checked on every diff ("+ database NAME (owner ROLE, ...)"; one that
vanished is drift); each server gets its firewall (servers.<name>.firewall)
with ufw. Nothing that holds data is ever dropped: a removed instance's
database and data folder are kept and listed with the commands that drop them.
A missing service user, a folder behind a symbolic link or a PostgreSQL that
cannot be read stops that server's apply before anything changes (exit 1).

A file that may hold secrets (one with a secret reference, one that held a
secret when blink last wrote it, every odoo.conf) shows each secret value as
(sensitive), and of the server's lines only those known not to be secret: the
repository's own lines, blank lines, and typed Odoo options such as
"list_db = True"; any other server line shows as "key = (sensitive)". --json
and the --notify body mark it "sensitive": true and give no sha256 for it.

A --diff without some secret (a CI job on pull requests) compares everything
else: a line holding a missing secret matches one server line with the same
text around the value, which is never shown. A file that differs nowhere else
is listed as "s PATH (not compared: needs secret NAME)": neither a change nor
unchanged. A warning (BLINK530) names each missing secret. An apply refuses to
start without every secret (BLINK500).

Exit codes: 0 nothing to change (or applied); 2 changes pending (--diff); 1 an error on any server or a usage mistake.
Without some secret, 0 and 2 speak for what was compared: the summary says what
was not, and --json has "complete": false and "missingSecrets".`;

export interface ApplyIo extends CliIo {
  stdin?: NodeJS.ReadableStream & { isTTY?: boolean };
}

/** Seams for tests: other servers than the real ones, a scripted answer to the prompt. */
export interface ApplyDeps {
  remoteFor?: (server: Server) => Remote;
  ask?: (question: string) => Promise<string>;
  /** The ssh masters the bin started before it loaded blink-apply (`connectEarly`); the run disposes of them. */
  early?: EarlyConnections;
}

const packageRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** blink-apply, minus the process: returns the exit code, never exits. */
export async function applyCli(argv: string[], io: ApplyIo, deps: ApplyDeps = {}): Promise<number> {
  const usage = applyUsage(argv, io, deps.ask !== undefined);
  if (!runnable(usage)) await deps.early?.pool.dispose();
  if ('error' in usage) return io.stderr.write(`blink-apply: ${usage.error}\nRun blink-apply --help for the options.\n`), 1;
  const { values: v, context, health } = usage;
  if (v.help) return io.stdout.write(applyHelp + '\n'), 0;
  const color = useColor(io, v['no-color']);
  const json = v.json === true;
  const at = (p: string): string => resolve(io.cwd, p);
  const diagnostics: Diagnostic[] = [...usage.diagnostics];
  const fail = (): number => (printDiagnostics(io, diagnostics, color), 1);
  if (hasErrors(diagnostics)) return fail();

  const configDir = at(v.config ?? 'config');
  const inputs = { configDir, addonsDir: at(v.addons ?? 'custom-addons'), templatesDir: v.templates ? at(v.templates) : join(packageRoot, 'templates'), cwd: io.cwd, env: io.env };
  // One remote per server for the whole run, closed at the end whatever happens. The first servers'
  // handshakes go on while the fleet compiles (started by the bin, before the rest of blink-apply loaded).
  const started = deps.early ?? (deps.remoteFor ? undefined : startConnecting(usage, io));
  const real = started ? realRemotes(started.pool) : undefined;
  const remotes = new Map<string, Remote>();
  const remoteFor = (s: Server): Remote => remotes.get(s.name) ?? remotes.set(s.name, (deps.remoteFor ?? real!.remoteFor)(s)).get(s.name)!;
  let diffs: ServerDiff[] = [];
  let reports: ApplyReport[] | undefined;
  try {
    const compiled = await cachedCompile(inputs, packageRoot);
    if (!compiled.fleet || hasErrors(compiled.diagnostics)) return diagnostics.push(...compiled.diagnostics), fail();
    const fleet = compiled.fleet;
    started?.hints.save(fleet.servers);
    const picked = selectFleet(fleet, v.server ?? [], v.host ?? []);
    diagnostics.push(...forServers(compiled.diagnostics, new Set(picked.selection.servers.map((s) => s.name))), ...picked.diagnostics);
    // The YAML parser is loaded only for a secrets file: a cached run never needs it otherwise.
    const file = v.secrets ? (await import('../secrets/loadSecretsFile.js')).loadSecretsFile(at(v.secrets)) : undefined;
    diagnostics.push(...(file?.diagnostics ?? []));
    // Only an apply writes secrets; a --diff reads.
    if (!v.diff) diagnostics.push(...localRootsIgnored(picked.selection.servers));
    if (hasErrors(diagnostics)) return fail();
    const sources = { env: envView(io.env), ...(file?.secrets ? { file: file.secrets } : {}) };
    // A --diff may go without secrets (a pull request's CI job has none); an apply never does.
    const partial = v.diff === true && v['require-secrets'] !== true;

    // Connecting is most of a diff's wall time: each server's files are made
    // (rendered, secrets resolved) while ssh connects to it. That needs the
    // fleet alone to show that every secret will resolve (or, for a --diff,
    // that none that is set is unusable); otherwise every file is made and
    // checked before any server is contacted.
    const { servers, instances } = picked.selection;
    const onServers = fleet.instances.filter((i) => servers.some((s) => s.name === i.server));
    const byId = new Map(fleet.instances.map((i) => [i.id, i]));
    const files = serverFiles(compiled, picked.selection, inputs, {
      sources,
      allowMissing: partial,
      production: new Set(fleet.instances.filter((i) => i.production).map((i) => i.id)),
      // A backup key's messages point at the auth_key that names its secret.
      positionOf: (a) =>
        a.kind !== 'backup-key' ? undefined : a.instance ? byId.get(a.instance)?.backup.authKeyPos : fleet.servers.find((s) => s.name === a.server)?.configBackup?.authKeyPos,
    });
    const early = secretsReady(servers, onServers, instances, sources, { allowMissing: partial });
    if (!early) {
      // Secrets first: a missing one stops the run before any server is read
      // or written, unless this is a --diff, which compares the other lines.
      await Promise.all(servers.map((s) => files.desiredFor(s)));
      diagnostics.push(...files.diagnostics());
      if (hasErrors(diagnostics)) return fail();
    }

    const progress = progressLine(io, servers.map((s) => s.name));
    const options = { remoteFor, parallel: usage.parallel.read, prune: v.prune === true, createUsers: v['create-users'] === true, desiredFor: files.desiredFor, secretValues: files.secretValues, valuesByServer: files.valuesByServer, context, progress: progress.update };
    // Formatted when printed, in fleet order, so a diff shown for one server can be referred to by the next.
    const seen: ShownChanges = new Map();
    const print = inOrder<ServerDiff>((d) => (progress.clear(), io.stdout.write((d.plan ? formatServerPlan(d.plan, { color, prune: options.prune, seen, summary: v.summary === true }) : formatDiagnostic(d.error!, { color })) + '\n')));
    diffs = await diffFleet(picked.selection, options, (i, d) => {
      if (!json) print(i, d);
      // A --diff uploads nothing: once a server is planned its resolved files are dropped and its connection
      // closed, while other servers are read, rather than all of them at the end (closed again there: a no-op).
      if (v.diff) {
        files.forget(d.server);
        d.desired = [];
        d.plan?.desired.clear();
        void d.remote.close();
      }
    });
    progress.clear();
    // Made while connecting: what the files reported comes now, and an error stops any apply.
    if (early) diagnostics.push(...files.diagnostics());
    const pending = diffs.filter((d) => d.plan && isPending(d.plan));
    if (!json) io.stdout.write(fleetSummary(diffs) + '\n');
    if (!v.diff && pending.length && !hasErrors(diagnostics)) {
      const go = v.yes || (await (deps.ask ?? askTerminal(io))(`Apply these changes to ${pending.length} server${pending.length === 1 ? '' : 's'}? [y/N] `)).trim().toLowerCase().startsWith('y');
      if (!go) {
        io.stderr.write('blink-apply: nothing applied\n');
        return 1;
      }
      const run = newRunId();
      const commit = configCommit(configDir);
      const reportAt = inOrder<string>((t) => (progress.clear(), io.stdout.write(t)));
      reports = await applyFleet(diffs, picked.selection, { ...options, parallel: usage.parallel.apply, run, owner: runOwner(io.env), health, restartPostgres: v['restart-postgres'] === true, ...(commit ? { commit } : {}) }, (i, r) => !json && reportAt(i, formatReport(r, color)));
      progress.clear();
      if (v.notify) {
        const n = await notify(v.notify, summaryJson(diffs, reports));
        if (n) diagnostics.push(n);
      }
    }
  } finally {
    await Promise.all([...remotes.values()].map((r) => r.close()));
    await real?.dispose();
  }
  if (json) io.stdout.write(JSON.stringify({ ...summaryJson(diffs, reports), diagnostics }, null, 2) + '\n');
  else printDiagnostics(io, diagnostics, color);
  const failed = hasErrors(diagnostics) || diffs.some((d) => d.error || d.plan?.resources.blocked.length) || (reports ?? []).some((r) => r.outcome !== 'applied' && r.outcome !== 'unchanged');
  return combineExit([failed ? 1 : 0, !reports && diffs.some((d) => d.plan && isPending(d.plan)) ? 2 : 0]);
}
