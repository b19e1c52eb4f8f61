/**
 * fail2ban for Odoo logins, end to end with the real tools: compile keeps
 * the failed-login lines in production's log (log_handler, read back by
 * Python like Odoo 18 applies it), fail2ban-regex finds the attacker's
 * address in Odoo 18's exact log lines with the rendered filter, and
 * blink-apply's fail2ban check (a copy of /etc/fail2ban with the staged files,
 * `fail2ban-client -c {dir} -t`) passes the rendered jail and refuses a broken
 * one. Nothing is started or banned; everything lives in a temp folder.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { DEFAULT_COMMANDS } from '../../src/compile/defaults.js';
import { explain, formatExplanation } from '../../src/compile/explain.js';
import type { Artifact } from '../../src/model/Artifact.js';
import { fail2banCheck } from '../../src/remote/fail2banCheck.js';
import { brief, buildTree, editClients, errorsOf, lineOf, sampleTree } from '../support/configTree.js';
import { tempDir } from '../support/tmp.js';
import { requireTool } from '../support/tools.js';

const FAIL2BAN_REGEX = requireTool('fail2ban-regex');
requireTool('fail2ban-client');
const PYTHON = requireTool('python3');

const FILTER = '/etc/fail2ban/filter.d/odoo-login.conf';
const JAIL = '/etc/fail2ban/jail.d/odoo.conf';
const LOGIN_HANDLER = 'odoo.addons.base.models.res_users:INFO';

let tmp: { dir: string; cleanup: () => void };

function run(cmd: string, args: string[]): { status: number; output: string; stdout: string } {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  return { status: r.status ?? -1, output: `${r.stdout}${r.stderr}`, stdout: r.stdout };
}

function sample(tree = sampleTree()) {
  const r = buildTree(tree);
  assert.equal(errorsOf(r).map(brief), []);
  return r;
}

const file = (artifacts: Artifact[], server: string, path: string): Artifact => {
  const a = artifacts.find((x) => x.server === server && x.path === path);
  if (!a) throw new Error(`no ${path} on ${server}`);
  return a;
};

// ---

const compile = suite('fail2ban: clients.yaml and the instances\' log_handler');

compile('a server gets the jail by default; a server with enabled: false gets no fail2ban file and no log_handler', () => {
  const r = sample();
  const aws = r.artifacts.filter((a) => a.server === 'aws-1' && a.kind === 'fail2ban').map((a) => a.path);
  assert.equal(aws, [FILTER, JAIL]);
  assert.equal(r.artifacts.filter((a) => a.server === 'lab' && a.kind === 'fail2ban'), []);
  assert.is(r.fleet!.servers.find((s) => s.name === 'lab')!.fail2ban, undefined);
  assert.equal(r.fleet!.servers.find((s) => s.name === 'aws-1')!.fail2ban && { ...r.fleet!.servers.find((s) => s.name === 'aws-1')!.fail2ban, source: undefined }, { bantime: 3600, maxretry: 5, findtime: 600, source: undefined });
  const demo = r.fleet!.instances.find((i) => i.id === 'demo-showcase')!;
  assert.is(demo.options.find((o) => o.key === 'log_handler'), undefined);
});

compile('production keeps its failed-login lines: the entry is derived from servers.<name>.fail2ban', () => {
  const r = sample();
  const prod = r.fleet!.instances.find((i) => i.id === 'corteperfecto-prod')!;
  assert.is(prod.options.find((o) => o.key === 'log_level')!.value, 'warn');
  const e = explain(r.fleet!, 'corteperfecto.somosblink.com', 'log_handler');
  assert.ok(e.explanation);
  assert.is(e.explanation!.value, LOGIN_HANDLER);
  assert.match(formatExplanation(e.explanation!), /derived from servers\.aws-1\.fail2ban/);
  // The server's line: the block is absent, so the server names where the default applies.
  assert.is(e.explanation!.chain[0]!.pos.line, lineOf(sampleTree(), 'config/clients.yaml', '  aws-1:'));
});

compile('the user\'s own log_handler entries stay first, with their provenance; the entry is not repeated', () => {
  const tree = editClients('port: 8069, workers: 2 }', 'port: 8069, workers: 2, odoo: { log_handler: ":INFO,werkzeug:ERROR" } }');
  const r = sample(tree);
  const e = explain(r.fleet!, 'corteperfecto.somosblink.com', 'log_handler').explanation!;
  assert.is(e.value, `:INFO,werkzeug:ERROR,${LOGIN_HANDLER}`);
  assert.equal(e.chain.map((c) => c.layer), ['environment', 'derived']);
  const again = sample(editClients('port: 8069, workers: 2 }', `port: 8069, workers: 2, odoo: { log_handler: "${LOGIN_HANDLER}" } }`));
  assert.is(explain(again.fleet!, 'corteperfecto.somosblink.com', 'log_handler').explanation!.value, LOGIN_HANDLER);
});

compile('settings come from clients.yaml into the jail', () => {
  const tree = editClients('    memory_mb: 4096\n', '    memory_mb: 4096\n    fail2ban: { bantime: 86400, maxretry: 3, findtime: 300 }\n');
  const jail = file(sample(tree).artifacts, 'aws-1', JAIL).content;
  assert.match(jail, /^maxretry = 3$/m);
  assert.match(jail, /^findtime = 300$/m);
  assert.match(jail, /^bantime = 86400$/m);
});

compile('BLINK261: a fail2ban_test without {dir} would check the live configuration', () => {
  const tree = editClients('    memory_mb: 4096\n', '    memory_mb: 4096\n    commands:\n      fail2ban_test: fail2ban-client -t\n');
  const r = buildTree(tree);
  const d = r.diagnostics.find((x) => x.code === 'BLINK261');
  assert.ok(d, r.diagnostics.map(brief).join(', '));
  assert.is(brief(d!), `BLINK261 config/clients.yaml:${lineOf(tree, 'config/clients.yaml', 'fail2ban_test:')}:22`);
  assert.match(d!.hint ?? '', /\{dir\}/);
});

compile('BLINK270: syslog sends the log where the jail does not look', () => {
  const tree = editClients('port: 8069, workers: 2 }', 'port: 8069, workers: 2, odoo: { syslog: true } }');
  const r = buildTree(tree);
  const at = lineOf(tree, 'config/clients.yaml', 'syslog: true');
  const column = tree['config/clients.yaml']!.split('\n')[at - 1]!.indexOf('true') + 1;
  assert.equal(r.diagnostics.filter((d) => d.code === 'BLINK270').map((d) => `${d.severity} ${brief(d)}`), [`warning BLINK270 config/clients.yaml:${at}:${column}`]);
});

compile('a schema error for a bad value', () => {
  const tree = editClients('    memory_mb: 4096\n', '    memory_mb: 4096\n    fail2ban: { maxretry: 0 }\n');
  assert.equal(errorsOf(buildTree(tree)).map((d) => d.code), ['BLINK012']);
});

// ---

const odooConf = suite('fail2ban: odoo.conf read as Odoo 18 reads it');

odooConf.before(() => {
  tmp = tempDir('blink-fail2ban-');
});
odooConf.after(() => tmp.cleanup());

/**
 * RawConfigParser reads the file (odoo/tools/config.py), log_handler is split
 * on commas, and netsvc.init_logger's order applies: DEFAULT_LOG_CONFIGURATION,
 * then PSEUDOCONFIG_MAPPER[log_level], then log_handler. Prints which loggers
 * would write an INFO line.
 */
const APPLY_LIKE_ODOO = `import configparser, json, logging, sys
p = configparser.RawConfigParser()
assert p.read([sys.argv[1]]) == [sys.argv[1]]
o = dict(p.items('options'))
DEFAULT = ['odoo.http.rpc.request:INFO', 'odoo.http.rpc.response:INFO', ':INFO']
PSEUDO = {'warn': ['odoo:WARNING', 'werkzeug:WARNING'], 'info': []}
handler = o.get('log_handler', ':INFO').split(',')
for item in DEFAULT + PSEUDO[o.get('log_level', 'info')] + handler:
    name, level = item.strip().split(':')
    logging.getLogger(name).setLevel(getattr(logging, level, logging.INFO))
names = ['odoo.addons.base.models.res_users', 'odoo.models', 'werkzeug']
print(json.dumps({'log_handler': o.get('log_handler'), 'info': {n: logging.getLogger(n).isEnabledFor(logging.INFO) for n in names}}))`;

odooConf('production (log_level = warn) still logs failed logins, and nothing else at INFO', () => {
  const conf = file(sample().artifacts, 'aws-1', '/etc/odoo/corteperfecto.somosblink.com.conf');
  const path = join(tmp.dir, 'prod.conf');
  writeFileSync(path, conf.content);
  const r = run(PYTHON, ['-c', APPLY_LIKE_ODOO, path]);
  assert.is(r.status, 0, r.output);
  assert.equal(JSON.parse(r.stdout), {
    log_handler: LOGIN_HANDLER,
    info: { 'odoo.addons.base.models.res_users': true, 'odoo.models': false, werkzeug: false },
  });
});

// ---

const regex = suite('fail2ban: fail2ban-regex with the rendered filter on Odoo 18 log lines');

regex.before(() => {
  tmp = tempDir('blink-fail2ban-');
});
regex.after(() => tmp.cleanup());

/** Odoo 18's line (netsvc's format; perf_info is empty for this logger, hence the trailing space). */
const line = (time: string, message: string, logger = 'odoo.addons.base.models.res_users', level = 'INFO'): string =>
  `2025-01-01 12:00:${time},123 4242 ${level} acme-prod ${logger}: ${message} `;

regex('a failed login yields the client address, IPv4 or IPv6; the rest does not match', () => {
  const filter = join(tmp.dir, 'odoo-login.conf');
  writeFileSync(filter, file(sample().artifacts, 'aws-1', FILTER).content);
  const log = join(tmp.dir, 'odoo.log');
  writeFileSync(log, [
    line('01', 'Login failed for db:acme-prod login:admin from 203.0.113.7'),
    line('02', 'Login successful for db:acme-prod login:admin from 203.0.113.8'),
    line('03', 'Login failed for db:acme-prod login:admin from 2001:db8::7'),
    // The login is the client's text: only the address Odoo writes last counts.
    line('04', 'Login failed for db:acme-prod login:x from 192.0.2.1 from 198.51.100.4'),
    line('05', 'Login failed for db:acme-prod login:cron from n/a'),
    line('06', '198.51.100.9 - - [01/Jan/2025 12:00:06] "POST /web/login HTTP/1.1" 200 - 12 0.010 0.020', 'werkzeug'),
    line('07', 'Login failed for db:acme-prod login:admin from 198.51.100.10', 'odoo.addons.other'),
    line('08', 'Modules loaded.', 'odoo.modules.loading'),
  ].join('\n') + '\n');
  const r = run(FAIL2BAN_REGEX, ['-o', 'ip', log, filter]);
  assert.is(r.status, 0, r.output);
  assert.equal(r.stdout.trim().split('\n'), ['203.0.113.7', '2001:db8::7', '198.51.100.4']);
});

// ---

const check = suite('fail2ban: blink-apply\'s check (fail2ban-client -c {dir} -t)');

check.before(() => {
  tmp = tempDir('blink-fail2ban-');
});
check.after(() => tmp.cleanup());

/**
 * A stand-in for a server's /etc/fail2ban: fail2ban.conf and a jail.conf with
 * an sshd-like jail of its own, and the action its DEFAULT bans with; no root
 * needed. The staged tree holds the rendered files at their server paths.
 */
function world(name: string, filterText: string): { live: string; tree: string; sshLog: string } {
  const base = join(tmp.dir, name);
  const live = join(base, 'live/etc/fail2ban');
  const tree = join(base, 'staging/tree');
  const sshLog = join(base, 'auth.log');
  writeFileSync(mkdirp(sshLog), '');
  writeFileSync(mkdirp(join(live, 'fail2ban.conf')), `[Definition]\nloglevel = INFO\nlogtarget = STDERR\nsocket = ${base}/f2b.sock\npidfile = ${base}/f2b.pid\ndbfile = :memory:\n`);
  writeFileSync(mkdirp(join(live, 'action.d/dummy.conf')), '[Definition]\nactionban = true\nactionunban = true\n');
  writeFileSync(mkdirp(join(live, 'filter.d/sshd.conf')), '[Definition]\nfailregex = ^Failed password for \\S+ from <HOST>\n');
  writeFileSync(mkdirp(join(live, 'jail.conf')), `[DEFAULT]\nfilter = %(__name__)s\nbanaction = dummy\naction = %(banaction)s\n\n[sshd]\nenabled = true\nlogpath = ${sshLog}\n`);
  const artifacts = sample().artifacts;
  writeFileSync(mkdirp(join(tree, FILTER)), filterText || file(artifacts, 'aws-1', FILTER).content);
  writeFileSync(mkdirp(join(tree, JAIL)), file(artifacts, 'aws-1', JAIL).content);
  return { live, tree, sshLog };
}

function mkdirp(path: string): string {
  mkdirSync(dirname(path), { recursive: true });
  return path;
}

/** The default fail2ban_test, as blink-apply runs it on the staging tree. */
const runCheck = (w: { live: string; tree: string }) => run('sh', ['-c', fail2banCheck({ kind: 'fail2ban', command: DEFAULT_COMMANDS.fail2ban_test }, w.tree, w.live)]);

check('the rendered jail passes before any instance has logged (its filter is its first log file)', () => {
  const w = world('fresh', '');
  const r = runCheck(w);
  assert.is(r.status, 0, r.output);
  assert.match(r.output, /OK: configuration test is successful/);
});

check('a broken filter fails the check', () => {
  const w = world('broken', '[Definition]\nfailregex = Login failed from\n');
  const r = runCheck(w);
  assert.is.not(r.status, 0, r.output);
  assert.match(r.output, /No failure-id group|odoo-login/);
});

check('the jail is checked with the server\'s own configuration: a broken live jail fails too', () => {
  const w = world('live-broken', '');
  writeFileSync(join(w.live, 'jail.local'), '[sshd]\nfilter = does-not-exist\n');
  const r = runCheck(w);
  assert.is.not(r.status, 0, r.output);
});

check('a server without fail2ban is told to install it or turn it off', () => {
  const w = world('none', '');
  const nowhere = join(tmp.dir, 'none/nowhere');
  const r = run('sh', ['-c', fail2banCheck({ kind: 'fail2ban', command: DEFAULT_COMMANDS.fail2ban_test }, w.tree, nowhere, nowhere)]);
  assert.is.not(r.status, 0, r.output);
  assert.match(r.output, /fail2ban is not installed.*enabled: false/);
});

compile.run();
odooConf.run();
regex.run();
check.run();
