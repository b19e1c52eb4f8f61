/**
 * The rendered files, checked by the programs that will read them on a
 * server: nginx -t, systemd-analyze verify, logrotate -d and Python's
 * RawConfigParser (what Odoo 18 reads odoo.conf with). Everything lives under
 * a throwaway root; nothing is bound, started or installed.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadTemplates } from '../../src/load/loadTemplates.js';
import type { Artifact } from '../../src/model/Artifact.js';
import type { Fleet } from '../../src/model/Fleet.js';
import { renderFleet } from '../../src/render/renderFleet.js';
import { fakeCertificate, nginxTest } from '../support/nginx.js';
import { sampleFleet } from '../support/sampleFleet.js';
import { tempDir } from '../support/tmp.js';
import { requireTool } from '../support/tools.js';

const SYSTEMD_ANALYZE = requireTool('systemd-analyze');
const LOGROTATE = requireTool('logrotate', ['/usr/sbin/logrotate']);
const PYTHON = requireTool('python3');

const { templates } = loadTemplates(fileURLToPath(new URL('../../templates', import.meta.url)));

let tmp: { dir: string; cleanup: () => void };

/**
 * The sample fleet made runnable here. Stand-ins: `daemon` for the `odoo`
 * user this machine does not have (logrotate's `su` needs a real one); the
 * system python3 and a fake odoo-bin (systemd-analyze checks that ExecStart's
 * program exists); data and log paths under the temp root.
 */
function localFleet(root: string): Fleet {
  return sampleFleet((i) => ({
    systemUser: 'daemon',
    python: PYTHON,
    odooBin: join(tmp.dir, 'stand-in/odoo-bin'),
    dataDir: join(root, `opt/odoo/.local/share/Odoo-${i.id}`),
    logfile: join(root, `var/log/odoo/odoo-${i.id}.log`),
  }));
}

/** One server's files, rendered with `root` and written under it as apply would place them. */
function renderServer(server: string, root: string): Artifact[] {
  const { artifacts, diagnostics } = renderFleet(localFleet(root), templates, { root });
  assert.equal(diagnostics, []);
  const mine = artifacts.filter((a) => a.server === server);
  for (const a of mine) {
    const target = join(root, a.path);
    mkdirSync(dirname(target), { recursive: true });
    if (a.kind === 'vhost-link') symlinkSync(join(root, a.linkTarget!), target);
    else {
      writeFileSync(target, a.content);
      chmodSync(target, a.mode);
    }
  }
  return mine;
}

function run(cmd: string, args: string[], env: Record<string, string> = {}): { status: number | null; output: string } {
  const r = spawnSync(cmd, args, { encoding: 'utf8', env: { ...process.env, ...env } });
  if (r.error) throw r.error;
  return { status: r.status, output: r.stdout + r.stderr };
}

function letsencryptHosts(artifacts: Artifact[]): string[] {
  return artifacts.filter((a) => a.role === 'bootstrap').map((a) => a.host!);
}

// ---

const nginx = suite('render + nginx -t');
nginx.before(() => {
  tmp = tempDir('blink-render-tools-');
  mkdirSync(join(tmp.dir, 'stand-in'));
  writeFileSync(join(tmp.dir, 'stand-in/odoo-bin'), '#!/bin/sh\n# stand-in for odoo-bin\nexit 0\n', { mode: 0o755 });
});

nginx('each server\'s vhosts, links and websocket map pass nginx -t', () => {
  for (const server of ['aws-1', 'lab']) {
    const root = join(tmp.dir, `nginx-${server}`);
    const arts = renderServer(server, root);
    for (const host of letsencryptHosts(arts)) fakeCertificate(root, host);
    const r = nginxTest(root);
    assert.is(r.status, 0, r.output);
    assert.match(r.output, 'syntax is ok');
    assert.match(r.output, 'test is successful');
  }
});

nginx('the bootstrap vhosts pass nginx -t with no certificate at all, where the TLS ones cannot', () => {
  const root = join(tmp.dir, 'nginx-bootstrap');
  const arts = renderServer('aws-1', root);
  const withoutCerts = nginxTest(root);
  assert.is.not(withoutCerts.status, 0);
  assert.match(withoutCerts.output, 'fullchain.pem');
  // What apply does for a host without a certificate yet.
  for (const b of arts.filter((a) => a.role === 'bootstrap')) writeFileSync(join(root, b.bootstrapFor!), b.content);
  const r = nginxTest(root);
  assert.is(r.status, 0, r.output);
  assert.match(r.output, 'syntax is ok');
});

nginx('the check catches breakage: a broken vhost, or a missing websocket or CSP map, fails nginx -t', () => {
  const root = join(tmp.dir, 'nginx-broken');
  const arts = renderServer('aws-1', root);
  for (const host of letsencryptHosts(arts)) fakeCertificate(root, host);
  const vhost = join(root, '/etc/nginx/sites-available/corteperfecto.somosblink.com');
  const good = readFileSync(vhost, 'utf8');
  writeFileSync(vhost, good.replace('proxy_send_timeout 720s;', 'proxy_send_timeout 720s'));
  let r = nginxTest(root);
  assert.is.not(r.status, 0);
  assert.match(r.output, 'corteperfecto.somosblink.com');

  writeFileSync(vhost, good);
  const websocketMap = join(root, '/etc/nginx/conf.d/blink-websocket-map.conf');
  const map = readFileSync(websocketMap, 'utf8');
  writeFileSync(websocketMap, '# emptied on purpose\n');
  r = nginxTest(root);
  assert.is.not(r.status, 0);
  assert.match(r.output, 'connection_upgrade');

  writeFileSync(websocketMap, map);
  writeFileSync(join(root, '/etc/nginx/conf.d/blink-static-csp-map.conf'), '# emptied on purpose\n');
  r = nginxTest(root);
  assert.is.not(r.status, 0);
  assert.match(r.output, 'content_type_csp');
});

nginx.after(() => tmp.cleanup());

// ---

const units = suite('render + systemd-analyze verify');
const BAD_UNIT = /Unknown key|Unknown section|Failed to parse|bad unit file|not executable|Invalid|Missing|Refusing/i;

units.before(() => {
  tmp = tempDir('blink-render-tools-');
  mkdirSync(join(tmp.dir, 'stand-in'));
  writeFileSync(join(tmp.dir, 'stand-in/odoo-bin'), '#!/bin/sh\n# stand-in for odoo-bin\nexit 0\n', { mode: 0o755 });
});

/** verify works without systemd as PID 1 when it neither reads man pages nor runs generators. */
function verify(file: string): { status: number | null; output: string } {
  return run(SYSTEMD_ANALYZE, ['verify', '--man=no', '--generators=no', file], { SYSTEMD_LOG_LEVEL: 'info', SYSTEMD_LOG_COLOR: '0' });
}

units('every unit passes systemd-analyze verify without complaints', () => {
  let n = 0;
  for (const server of ['aws-1', 'lab']) {
    const root = join(tmp.dir, `units-${server}`);
    for (const a of renderServer(server, root).filter((x) => x.kind === 'unit')) {
      const r = verify(join(root, a.path));
      assert.is(r.status, 0, r.output);
      assert.not.match(r.output, BAD_UNIT, r.output);
      n++;
    }
  }
  assert.is(n, 4);
});

units('the check catches breakage: an unknown key or a bad value is reported', () => {
  const root = join(tmp.dir, 'units-broken');
  const unit = renderServer('lab', root).find((a) => a.kind === 'unit')!;
  const file = join(root, unit.path);
  writeFileSync(file, unit.content.replace('ProtectSystem=strict', 'ProtectSystem=strict\nProtectSytem=full\nTimeoutStopSec=soon'));
  const r = verify(file);
  assert.match(r.output, 'Unknown key');
  assert.match(r.output, 'Failed to parse');
});

units.after(() => tmp.cleanup());

// ---

const rotate = suite('render + logrotate -d');

rotate.before(() => {
  tmp = tempDir('blink-render-tools-');
  mkdirSync(join(tmp.dir, 'stand-in'));
  // mkdtemp makes a 0700 folder; logrotate looks at the log as the `su` user.
  chmodSync(tmp.dir, 0o755);
});

function logrotateDebug(root: string, file: string): { status: number | null; output: string } {
  return run(LOGROTATE, ['-d', '-s', join(root, 'logrotate.state'), file]);
}

rotate('every logrotate file is accepted, with the logs present', () => {
  let n = 0;
  for (const server of ['aws-1', 'lab']) {
    const root = join(tmp.dir, `logrotate-${server}`);
    for (const a of renderServer(server, root).filter((x) => x.kind === 'logrotate')) {
      const log = a.instance ? join(root, `var/log/odoo/odoo-${a.instance}.log`) : join(root, 'var/log/blink/backup.log');
      mkdirSync(dirname(log), { recursive: true });
      writeFileSync(log, 'INFO odoo: started\n');
      const r = logrotateDebug(root, join(root, a.path));
      assert.is(r.status, 0, r.output);
      assert.not.match(r.output, 'error:', r.output);
      assert.match(r.output, `considering log ${log}`);
      n++;
    }
  }
  assert.is(n, 6, 'four instances plus the backup log of each server');
});

rotate('the check catches breakage: a bad directive is an error', () => {
  const root = join(tmp.dir, 'logrotate-broken');
  const a = renderServer('lab', root).find((x) => x.kind === 'logrotate' && x.instance)!;
  writeFileSync(join(root, a.path), a.content.replace('rotate 7', 'rotate seven'));
  assert.match(logrotateDebug(root, join(root, a.path)).output, 'error:');
});

rotate.after(() => tmp.cleanup());

// ---

const conf = suite('render + RawConfigParser (odoo.conf)');

/** Reads the file exactly as Odoo 18 does (`RawConfigParser().read([path])`) and prints [options] as JSON. */
const READ_LIKE_ODOO = [
  'import configparser, json, sys',
  'p = configparser.RawConfigParser()',
  'assert p.read([sys.argv[1]]) == [sys.argv[1]], "unreadable"',
  'print(json.dumps(dict(p.items("options"))))',
].join('\n');

conf.before(() => {
  tmp = tempDir('blink-render-tools-');
});

conf('every odoo.conf reads back as exactly the instance\'s options', () => {
  const root = join(tmp.dir, 'conf');
  const fleet = localFleet(root);
  const { artifacts } = renderFleet(fleet, templates, { root });
  let n = 0;
  for (const a of artifacts.filter((x) => x.kind === 'odoo-conf')) {
    const file = join(root, a.server, a.path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, a.content);
    const r = run(PYTHON, ['-c', READ_LIKE_ODOO, file]);
    assert.is(r.status, 0, r.output);
    const read = JSON.parse(r.output) as Record<string, string>;
    const instance = fleet.instances.find((i) => i.id === a.instance)!;
    assert.equal(read, Object.fromEntries(instance.options.map((o) => [o.key, o.value])));
    assert.is(read['list_db'], 'False');
    assert.is(read['proxy_mode'], 'True');
    assert.is(read['admin_passwd'], '${secret:admin_passwd}');
    n++;
  }
  assert.is(n, 4);
});

conf('the check catches breakage: a duplicate key aborts like it aborts Odoo', () => {
  const file = join(tmp.dir, 'dup.conf');
  writeFileSync(file, '[options]\nhttp_port = 8069\nhttp_port = 8070\n');
  const r = run(PYTHON, ['-c', READ_LIKE_ODOO, file]);
  assert.is.not(r.status, 0);
  assert.match(r.output, 'DuplicateOptionError');
});

conf.after(() => tmp.cleanup());

nginx.run();
units.run();
rotate.run();
conf.run();
