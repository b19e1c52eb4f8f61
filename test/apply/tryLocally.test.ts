/**
 * README.md's "Try it locally", run the way a newcomer runs it: the lines of
 * that section's sh block, as written and in one shell, by a normal user
 * (`nobody` when the tests run as root), in a throwaway copy of the
 * repository (config/, custom-addons/, templates/, schema/, out/, the built
 * dist/). Editing those lines changes what runs here, and each step below
 * names the command it expects, so a README that drifts from this test fails
 * it. One liberty, for a shared machine: the copy's demo listens on a free
 * port instead of 8069.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import { freePort } from '../support/sshd.js';
import { requireTool } from '../support/tools.js';

const REPO = process.cwd();
const asRoot = process.getuid?.() === 0;
const USER = asRoot ? 'nobody' : userInfo().username;

interface Step {
  /** What the README line must say. */
  command: RegExp;
  exit: number;
  /** What its output must show. */
  shows?: (string | RegExp)[];
}

const STEPS: Step[] = [
  { command: /^export BLINK_SECRET_DEMO_SHOWCASE_ADMIN_PASSWD=\S+/, exit: 0 },
  { command: /^export BLINK_SECRET_DEMO_SHOWCASE_BACKUP_KEY=\S{32,}/, exit: 0 },
  { command: /^export BLINK_CONFIG_BACKUP_KEY_LAB=\S{32,}/, exit: 0 },
  { command: /^npx blink-render(\s|$)/, exit: 0, shows: [/rendered \d+ files for \d+ instances on 2 servers/] },
  {
    command: /^npx blink-apply --server lab --diff(\s|$)/,
    exit: 2,
    // Files of a server that does not set owners: no owner shown, none compared.
    shows: [
      '  + /etc/odoo/demo.somosblink.com.conf  (new, 0640)',
      '  + /usr/local/sbin/blink-backup  (new, 0755)',
      '  + /etc/postgresql/15/main/conf.d/blink.conf  (new, 0644)',
      'then: daemon-reload; enable and start odoo-demo-showcase; reload nginx; reload postgresql (listen_addresses, max_connections, shared_buffers, superuser_reserved_connections: only on a restart, blink-apply --restart-postgres); check health of demo-showcase',
      '  + /etc/blink/backup-keys/demo-showcase.key  (new, 0600)',
      '  + /etc/blink/backup-keys/_server-config.key  (new, 0600)',
      '  + /etc/blink/server.env  (new, 0644)',
      '  + /etc/cron.d/blink-config-backup  (new, 0644)',
      'lab: 17 to add',
    ],
  },
  // The stand-in reloads no PostgreSQL (the lab runs none): the step is still run, and recorded.
  { command: /^npx blink-apply --server lab --yes(\s|$)/, exit: 0, shows: ['  installed 17 files', '  reload postgresql', '  enable odoo-demo-showcase', '  health demo-showcase', 'lab: applied (17 files)'] },
  { command: /^echo 'log_level = debug' >> config\/\.lab-server\/etc\/odoo\/demo\.somosblink\.com\.conf(\s|$)/, exit: 0 },
  {
    command: /^npx blink-apply --server lab --diff(\s|$)/,
    exit: 2,
    shows: ['~ /etc/odoo/demo.somosblink.com.conf  (drift: edited on the server since the last apply; holds secrets)', '-log_level = debug', 'then: restart odoo-demo-showcase; check health of demo-showcase'],
  },
  { command: /^npx blink-apply --server lab --yes(\s|$)/, exit: 0, shows: ['  restart odoo-demo-showcase', '  health demo-showcase', 'lab: applied (1 file)'] },
  { command: /^npx blink-apply --server lab --diff(\s|$)/, exit: 0, shows: ['lab: no changes'] },
  { command: /^sh config\/lab\/standin\.sh "\$PWD\/config\/\.lab-server" stop-all(\s|$)/, exit: 0 },
];

/** The lines of the sh block of README's "Try it locally". */
function walkthrough(readme: string): string[] {
  const section = readme.split(/^## /m).find((s) => s.startsWith('Try it locally\n'));
  if (!section) throw new Error('README.md has no "## Try it locally" section');
  const block = /```sh\n([^]*?)```/.exec(section);
  if (!block) throw new Error('README.md "Try it locally" has no ```sh block');
  return block[1]!.split('\n').filter((l) => l.trim() !== '');
}

const s = suite('README "Try it locally", as written, as a normal user');
let dir: string;
let repo: string;
let root: string;

s.before(async () => {
  for (const tool of ['npx', 'setsid', 'python3', 'sha256sum', 'tar']) requireTool(tool);
  if (asRoot) requireTool('runuser');
  if (!existsSync(join(REPO, 'dist/cli/blink-apply.js'))) throw new Error('dist/ is missing: run `npm run build` first (npm test does)');
  dir = mkdtempSync(join(tmpdir(), 'blink-try-'));
  repo = join(dir, 'repo');
  root = join(repo, 'config/.lab-server');
  mkdirSync(repo);
  for (const f of ['config', 'custom-addons', 'templates', 'schema', 'out', 'dist', 'package.json']) {
    // Not an earlier trial's lab server, if the repository has one.
    cpSync(join(REPO, f), join(repo, f), { recursive: true, filter: (src) => !src.includes('/config/.lab-server') });
  }
  symlinkSync(join(REPO, 'node_modules'), join(repo, 'node_modules'));
  const yaml = join(repo, 'config/clients.yaml');
  const text = readFileSync(yaml, 'utf8');
  assert.is(text.split('\n        port: 8069\n').length, 2, 'the demo environment says port: 8069 on its own line');
  writeFileSync(yaml, text.replace('\n        port: 8069\n', `\n        port: ${await freePort()}\n`));
  mkdirSync(join(dir, 'home'));
  if (asRoot) {
    spawnSync('chown', ['-R', `${USER}:`, dir]);
    const probe = spawnSync('runuser', ['-u', USER, '--', process.execPath, '-e', `require('fs').accessSync(${JSON.stringify(join(REPO, 'node_modules/yaml'))})`], { encoding: 'utf8' });
    if (probe.status !== 0) throw new Error(`${USER} cannot run ${process.execPath} or read ${REPO}/node_modules: ${probe.stderr}`);
  }
});

s.after(() => {
  // Whatever the stand-in still runs (a failed step), stopped by the pid it recorded.
  for (const pid of standinPids()) {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      // gone already
    }
  }
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function standinPids(): number[] {
  const log = root && join(root, 'var/log/lab-standin.log');
  if (!log || !existsSync(log)) return [];
  return [...readFileSync(log, 'utf8').matchAll(/listens on .*, pid (\d+)$/gm)].map((m) => Number(m[1]));
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return !/^\S+ \S+ Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/\(.*\)/, 'x'));
  } catch {
    return false;
  }
}

s('render, diff, apply, a hand edit, diff shows the drift, apply puts it back, all clean; the stand-in stops', () => {
  const lines = walkthrough(readFileSync(join(REPO, 'README.md'), 'utf8'));
  assert.equal(lines.length, STEPS.length, `the README walkthrough has ${lines.length} commands:\n${lines.join('\n')}`);
  lines.forEach((line, i) => assert.match(line, STEPS[i]!.command, `step ${i + 1}`));

  // One shell, like a terminal the reader pastes into; after each line, its exit status.
  const script = ['exec 2>&1', ...lines.flatMap((line, i) => [line, `printf '\\n@@step ${i} %s\\n' "$?"`])].join('\n') + '\n';
  writeFileSync(join(dir, 'walkthrough.sh'), script);
  const env: Record<string, string> = {
    PATH: `${dirname(process.execPath)}:${process.env.PATH ?? '/usr/bin:/bin'}`,
    HOME: join(dir, 'home'),
    LANG: 'C.UTF-8',
    USER,
    LOGNAME: USER,
    // npx finds blink-fleet's own bins in the copy; never the network.
    npm_config_offline: 'true',
    npm_config_update_notifier: 'false',
    npm_config_fund: 'false',
    // The compiled-fleet cache stays in this test's folder.
    BLINK_CACHE_DIR: join(dir, 'cache'),
  };
  const argv = ['sh', join(dir, 'walkthrough.sh')];
  const r = asRoot
    ? spawnSync('runuser', ['-u', USER, '--', 'env', '-i', ...Object.entries(env).map(([k, v]) => `${k}=${v}`), ...argv], { cwd: repo, encoding: 'utf8', timeout: 300_000 })
    : spawnSync(argv[0]!, argv.slice(1), { cwd: repo, env, encoding: 'utf8', timeout: 300_000 });
  if (r.error) throw r.error;
  const out = r.stdout;

  const parts = out.split(/\n@@step (\d+) (\d+)\n/);
  STEPS.forEach((step, i) => {
    const [text, n, code] = [parts[i * 3], parts[i * 3 + 1], parts[i * 3 + 2]];
    assert.is(n, String(i), `step ${i + 1} (${lines[i]}) did not finish:\n${out}`);
    assert.is(Number(code), step.exit, `step ${i + 1}: ${lines[i]}\n${text}`);
    for (const want of step.shows ?? []) {
      if (typeof want === 'string') assert.ok(text!.includes(want), `step ${i + 1} (${lines[i]}) should show ${JSON.stringify(want)}:\n${text}`);
      else assert.match(text!, want, `step ${i + 1}: ${lines[i]}`);
    }
  });

  // What the stand-in was asked, in order, and that it left nothing running.
  const asked = readFileSync(join(root, 'var/log/lab-standin.log'), 'utf8')
    .split('\n')
    .filter((l) => /^\S+ \S/.test(l))
    .map((l) => l.replace(/^\S+ /, '').replace(root, '<root>').replace(/staging\/[^/]+\//, 'staging/<run>/'));
  assert.equal(
    asked.filter((l) => !/^(nginx-test|verify|logrotate-verify|postgres-test) /.test(l)),
    ['daemon-reload', 'reload postgresql', 'enable --now odoo-demo-showcase', 'reload nginx', 'restart odoo-demo-showcase', 'stop-all'],
  );
  const pids = standinPids();
  assert.is(pids.length, 2, 'one stand-in process per start');
  for (const pid of pids) assert.not.ok(alive(pid), `pid ${pid} still runs`);

  // Every file of the lab server is the user's, under its root; none was left in staging.
  const conf = join(root, 'etc/odoo/demo.somosblink.com.conf');
  assert.is(statSync(conf).mode & 0o777, 0o640);
  if (asRoot) assert.is(statSync(conf).uid, Number(spawnSync('id', ['-u', USER], { encoding: 'utf8' }).stdout));
  assert.not.match(readFileSync(conf, 'utf8'), 'log_level = debug');
  assert.equal(readdirSync(join(root, 'var/lib/blink/staging')), []);
});

s.run();
