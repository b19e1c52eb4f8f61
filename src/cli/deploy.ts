import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cachedCompile } from './cachedBuild.js';
import { error, forServers, hasErrors, type Diagnostic } from '../diagnostics/Diagnostic.js';
import { formatDiagnostic } from '../diagnostics/formatDiagnostic.js';
import type { Server } from '../model/Fleet.js';
import { DEFAULT_HEALTH } from '../apply/ApplyContext.js';
import { combineExit } from '../apply/formatReport.js';
import { inOrder } from '../apply/mapLimit.js';
import { notify } from '../apply/notify.js';
import { progressLine } from '../apply/progressLine.js';
import { newRunId, runOwner } from '../apply/runMeta.js';
import type { UpdateModules } from '../deploy/DeployPlan.js';
import type { DeployReport } from '../deploy/DeployReport.js';
import { diffDeploy, runDeploy } from '../deploy/deployFleet.js';
import { deployStatus, formatStatus } from '../deploy/deployStatus.js';
import { deployPlanJson, deploySummary, formatDeployPlan, formatDeployReport } from '../deploy/formatDeploy.js';
import { prepareJobs } from '../deploy/prepareJobs.js';
import { selectDeploy } from '../deploy/selectDeploy.js';
import type { ServerDeployDiff } from '../deploy/deployServer.js';
import { commitsBehind, repoRoot } from '../release/git.js';
import { withContents } from '../release/readGitRelease.js';
import type { ReleaseFile } from '../release/Release.js';
import type { DeployRemote } from '../remote/DeployRemote.js';
import { realRemotes } from '../remote/remoteFor.js';
import { askTerminal } from './askTerminal.js';
import { releaseCache } from './releaseCache.js';
import { useColor, type CliIo } from './CliIo.js';
import { parseCliArgs } from './parseCliArgs.js';
import { printDiagnostics } from './printDiagnostics.js';
import { wholeNumberFlag } from './wholeNumberFlag.js';

export const deployHelp = `Usage: blink-deploy SELECTION [--diff | --yes] [options]
       blink-deploy --status [SELECTION]

Releases each environment's branch of the custom addons to its instances:
git checks, branch policy, checks of the release, upload of what the server
lacks, backup (production), odoo-bin -u of the changed modules, switch,
restart, health check; goes back to the previous release on failure.

Selection (filters combine; at least one):
  --host GLOB           only these hosts (repeatable; * and ? wildcards)
  --server NAME         only these servers (repeatable)
  --client NAME         only this client's instances (repeatable)
  --env NAME            only environments of this name (repeatable)
  --all                 every instance; with --branch B, those that follow B

What to deploy:
  --branch B            branch B instead of each environment's own
  --commit SHA          this commit
  --update-modules M    auto (default: changed and owed), all, none, or a,b,c
  --force               let production take a commit that is not on its branch
  --no-fetch            skip git fetch (offline); the checks use what is here

Run:
  --diff                only show what each instance would get; touch nothing
  --yes                 deploy without asking (required when not on a terminal)
  --status              deployed commit, branch, commits behind, when, by whom,
                        updates owed, per instance
  --parallel N          servers at once (default 4)
  --notify URL          POST the JSON summary to URL (default: deploy.notify in clients.yaml)
  --json                the plan and the results as JSON
  --config DIR          config folder (default ./config)
  --addons DIR          custom Odoo modules as checked out (default ./custom-addons)
  --templates DIR       Handlebars templates (default: the ones shipped with blink-fleet)
  --ssh-config FILE     ssh_config passed to ssh as -F
  --health-retries N    attempts per health URL (default ${DEFAULT_HEALTH.retries})
  --health-interval MS  pause between attempts (default ${DEFAULT_HEALTH.intervalMs})
  --no-color            plain output (also when NO_COLOR is set or not a terminal)
  -h, --help            this text

Examples:
  blink-deploy --host acme-test.example.com --diff    what a deploy would do there
  blink-deploy --env test --yes                       every test environment, its own branch
  blink-deploy --branch main --all --yes              in CI after a merge: all that follow main
  blink-deploy --status                               what runs where, and how far behind

Exit codes: 0 deployed or nothing to do; 2 deploys pending (--diff); 1 an error or a usage mistake.`;

export interface DeployIo extends CliIo {
  stdin?: NodeJS.ReadableStream & { isTTY?: boolean };
}

/** Seams for tests: other servers than the real ones, a scripted answer to the prompt. */
export interface DeployDeps {
  remoteFor?: (server: Server) => DeployRemote;
  ask?: (question: string) => Promise<string>;
}

const packageRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** blink-deploy, minus the process: returns the exit code, never exits. */
export async function deployCli(argv: string[], io: DeployIo, deps: DeployDeps = {}): Promise<number> {
  const parsed = parseFlags(argv);
  if ('error' in parsed) return io.stderr.write(`blink-deploy: ${parsed.error}\nRun blink-deploy --help for the options.\n`), 1;
  const v = parsed.values;
  if (v.help) return io.stdout.write(deployHelp + '\n'), 0;
  const color = useColor(io, v['no-color']);
  const json = v.json === true;
  const at = (p: string): string => resolve(io.cwd, p);
  const diagnostics: Diagnostic[] = [];
  const fail = (): number => (printDiagnostics(io, diagnostics, color), 1);
  const int = (name: string, value: string | undefined, dflt: number): number => wholeNumberFlag(diagnostics, name, value, dflt);
  const parallel = int('parallel', v.parallel, 4);
  const health = { ...DEFAULT_HEALTH, retries: int('health-retries', v['health-retries'], DEFAULT_HEALTH.retries), intervalMs: int('health-interval', v['health-interval'], DEFAULT_HEALTH.intervalMs) };
  const updateModules = parseUpdateModules(v['update-modules'], diagnostics);
  const interactive = io.stdin?.isTTY === true && io.stdout.isTTY === true;
  if (!v.status && !v.diff && !v.yes && !interactive && !deps.ask) diagnostics.push(error('BLINK520', 'not on a terminal: pass --yes to deploy, or --diff to only look'));
  if (v.commit !== undefined && v.all) diagnostics.push(error('BLINK520', '--commit with --all would put one commit everywhere: name the instances'));
  if (hasErrors(diagnostics)) return fail();

  // Step 1: the hosts exist and the fleet compiles.
  const configDir = at(v.config ?? 'config');
  const compiled = await cachedCompile({ configDir, addonsDir: at(v.addons ?? 'custom-addons'), templatesDir: v.templates ? at(v.templates) : join(packageRoot, 'templates'), cwd: io.cwd, env: io.env }, packageRoot);
  if (!compiled.fleet || hasErrors(compiled.diagnostics)) return diagnostics.push(...compiled.diagnostics), fail();
  const fleet = compiled.fleet;
  const flags = { host: v.host ?? [], server: v.server ?? [], client: v.client ?? [], env: v.env ?? [], all: v.all === true || (v.status === true && !v.host && !v.server && !v.client && !v.env) };
  const picked = selectDeploy(fleet, { ...flags, ...(v.branch !== undefined ? { branch: v.branch } : {}) });
  diagnostics.push(...forServers(compiled.diagnostics, new Set(picked.instances.map((i) => i.server))), ...picked.diagnostics);
  const found = fleet.deploy.repository ? { root: fleet.deploy.repository, diagnostics: [] } : repoRoot(configDir);
  const repo = found.root;
  diagnostics.push(...found.diagnostics);
  if (hasErrors(diagnostics)) return fail();

  const real = deps.remoteFor ? undefined : realRemotes(v['ssh-config'] ? { sshConfig: at(v['ssh-config']) } : {});
  const remotes = new Map<string, DeployRemote>();
  const remoteFor = (s: Server): DeployRemote => remotes.get(s.name) ?? remotes.set(s.name, (deps.remoteFor ?? real!.deployRemoteFor)(s)).get(s.name)!;
  let diffs: ServerDeployDiff[] = [];
  let reports: DeployReport[] | undefined;
  const run = newRunId();
  const owner = runOwner(io.env);
  try {
    if (v.status) {
      const st = await deployStatus(fleet.servers, picked.instances, { remoteFor, parallel, behind: commitsBehind(repo!) });
      diagnostics.push(...st.diagnostics);
      io.stdout.write(json ? JSON.stringify({ instances: st.status, diagnostics }, null, 2) + '\n' : formatStatus(st.status) + '\n');
      if (!json) printDiagnostics(io, diagnostics, color);
      return hasErrors(diagnostics) ? 1 : 0;
    }
    // Connecting is much of a small deploy's wall time: the selected servers' connections open while git and the checks run.
    const servers = fleet.servers.filter((s) => picked.instances.some((i) => i.server === s.name));
    for (const s of servers.slice(0, parallel)) void remoteFor(s).open();
    // Steps 2–4 on this machine: git, branch policy, the release's own checks. No server is changed before they pass.
    const cache = releaseCache(io.cwd, io.env);
    const prepared = prepareJobs(picked.instances, { repo: repo!, addonsDir: fleet.deploy.addonsDir, ...(v.branch !== undefined ? { branch: v.branch } : {}), ...(v.commit !== undefined ? { commit: v.commit } : {}), fetch: v['no-fetch'] !== true, force: v.force === true, knownSources: cache.known, hashes: cache.hashes });
    void prepared.sourceChecks.then(() => cache.save());
    diagnostics.push(...prepared.diagnostics);
    // Every problem of the release at once, like a compiler: the XML and Python checks too.
    if (hasErrors(diagnostics)) return diagnostics.push(...(await prepared.sourceChecks)), fail();
    const jobs = prepared.jobs;

    const progress = progressLine(io, jobs.map((j) => j.instance.id), 'instances');
    const options = { remoteFor, parallel, updateModules, progress: progress.update };
    // Servers are only read while python3 checks the release's XML and Python; the plans are shown once both are done.
    [diffs] = await Promise.all([diffDeploy(fleet, jobs, options), prepared.sourceChecks.then((d) => void diagnostics.push(...d))]);
    progress.clear();
    if (hasErrors(diagnostics)) return fail();
    if (!json) for (const d of diffs) io.stdout.write((d.error ? formatDiagnostic(d.error, { color }) : d.plans.map((p) => formatDeployPlan(p, { color, interrupted: d.interrupted.includes(p.instance.id) })).join('\n')) + '\n');
    const pending = diffs.flatMap((d) => d.plans).filter((p) => !p.unchanged && !p.refused);
    if (!v.diff && pending.length) {
      const go = v.yes || (await (deps.ask ?? askTerminal(io))(`Deploy to ${pending.length} instance${pending.length === 1 ? '' : 's'}? [y/N] `)).trim().toLowerCase().startsWith('y');
      if (!go) return io.stderr.write('blink-deploy: nothing deployed\n'), 1;
      const reportAt = inOrder<DeployReport[]>((rs) => (progress.clear(), io.stdout.write(rs.map((r) => formatDeployReport(r, color)).join(''))));
      const contents = (files: readonly ReleaseFile[]) => withContents(repo!, files);
      const context = (server: Server) => ({ run, owner, commands: server.commands, health, keep: fleet.deploy.keep, root: server.root, contents, progress: progress.update });
      reports = await runDeploy(fleet, jobs, diffs, { ...options, context }, (i, rs) => !json && reportAt(i, rs));
      progress.clear();
      const url = v.notify ?? fleet.deploy.notify;
      if (url) {
        const n = await notify(url, deploySummary(run, owner, reports));
        if (n) diagnostics.push(n);
      }
    }
  } finally {
    await Promise.all([...remotes.values()].map((r) => r.close()));
    await real?.dispose();
  }
  const planned = diffs.flatMap((d) => d.plans);
  if (json) io.stdout.write(JSON.stringify({ ...(deploySummary(run, owner, reports ?? []) as object), plans: planned.map(deployPlanJson), diagnostics }, null, 2) + '\n');
  else printDiagnostics(io, diagnostics, color);
  const failed = hasErrors(diagnostics) || diffs.some((d) => d.error) || planned.some((p) => p.refused) || (reports ?? []).some((r) => r.outcome !== 'deployed' && r.outcome !== 'unchanged');
  return combineExit([failed ? 1 : 0, !reports && planned.some((p) => !p.unchanged && !p.refused) ? 2 : 0]);
}

function parseUpdateModules(v: string | undefined, diagnostics: Diagnostic[]): UpdateModules {
  if (v === undefined || v === 'auto' || v === 'all' || v === 'none') return v ?? 'auto';
  const list = v.split(',').map((s) => s.trim()).filter(Boolean);
  if (!list.length || list.some((m) => !/^[a-z0-9_]+$/.test(m))) diagnostics.push(error('BLINK520', `--update-modules ${v}: want auto, all, none, or module names separated by commas`));
  return list;
}

function parseFlags(argv: string[]) {
  return parseCliArgs(argv, {
    host: { type: 'string', multiple: true },
    server: { type: 'string', multiple: true },
    client: { type: 'string', multiple: true },
    env: { type: 'string', multiple: true },
    all: { type: 'boolean' },
    branch: { type: 'string' },
    commit: { type: 'string' },
    'update-modules': { type: 'string' },
    force: { type: 'boolean' },
    'no-fetch': { type: 'boolean' },
    diff: { type: 'boolean' },
    yes: { type: 'boolean', short: 'y' },
    status: { type: 'boolean' },
    parallel: { type: 'string' },
    notify: { type: 'string' },
    json: { type: 'boolean' },
    config: { type: 'string' },
    addons: { type: 'string' },
    templates: { type: 'string' },
    'ssh-config': { type: 'string' },
    'health-retries': { type: 'string' },
    'health-interval': { type: 'string' },
    'no-color': { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
}
