/**
 * What a server holds is data, never paths or code to obey: a manifest or
 * journal blink did not write (paths that climb out of the root, files it
 * never renders, units it never made, keys with line breaks), a folder, FIFO
 * or device where blink writes a file, a symbolic link on the way to a
 * managed path. Each is the attack a hostile or corrupted server would try;
 * each must be refused with a message naming it, and leave every file and
 * service alone. Run with the local transport and over a real sshd.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Fleet } from '../../src/model/Fleet.js';
import { loadTemplates } from '../../src/load/loadTemplates.js';
import { renderFleet } from '../../src/render/renderFleet.js';
import { managedPath, MANAGED_DIRS, vhostLinkTarget } from '../../src/render/managedPath.js';
import { parseRemoteState, RUN_ID, type RawRemoteState } from '../../src/remote/parseRemoteState.js';
import { localTransport } from '../../src/remote/localTransport.js';
import { shellRemote } from '../../src/remote/shellRemote.js';
import { isFailure } from '../../src/remote/Remote.js';
import { realRemotes } from '../../src/remote/remoteFor.js';
import { sampleFleet } from '../support/sampleFleet.js';
import { startSshd, writeSshConfig, type Sshd } from '../support/sshd.js';
import { tempDir } from '../support/tmp.js';
import { testWorld, type TestWorld } from './fixture.js';
import { runFleet, type RunResult } from './harness.js';

const SHA = 'e'.repeat(64);

const data = suite('server state is data: the shapes blink writes');

data('every file blink renders is recognised as what it is, and nothing else is', () => {
  const r = renderFleet(sampleFleet(), loadTemplates(join(process.cwd(), 'templates')).templates);
  const managed = r.artifacts.filter((a) => a.role === 'managed');
  assert.ok(managed.length > 20);
  for (const a of managed) {
    const mp = managedPath(a.path);
    assert.is(mp?.kind, a.kind, a.path);
    if (mp?.instance !== undefined) assert.is(mp.instance, a.instance, a.path);
    if (mp?.host !== undefined) assert.is(mp.host, a.host, a.path);
    if (a.linkTarget !== undefined) assert.is(vhostLinkTarget(a.host!), a.linkTarget);
    // The PostgreSQL conf.d folder names the server's PostgreSQL version: not one fixed folder.
    if (a.kind !== 'postgres-conf') assert.ok(MANAGED_DIRS.includes(dirname(a.path)), a.path);
  }
  for (const p of ['/etc/passwd', '/../x', '/etc/odoo/../passwd.conf', '/etc/odoo/a.conf/', '/etc//odoo/a.conf', '/etc/odoo/A.conf', '/etc/odoo/a\nb.conf', '/etc/systemd/system/sshd.service', '/etc/systemd/system/odoo-.service', '/etc/systemd/system/odoo-a b.service', '/etc/nginx/sites-available/a..b', '/etc/nginx/sites-available/-a', 'etc/odoo/a.conf']) {
    assert.is(managedPath(p), undefined, JSON.stringify(p));
  }
  for (const run of ['..', '.', '.hidden', 'a/b', 'a b', '']) assert.not.ok(RUN_ID.test(run), run);
});

const SHA_A = 'a'.repeat(64);
const GOOD = { version: 1, server: 's', run: 'r1', time: 't', files: { '/etc/odoo/a.test.conf': { kind: 'odoo-conf', sha256: SHA_A, mode: 0o640, owner: 'root:odoo', instance: 'c-a', host: 'a.test' }, '/etc/nginx/sites-enabled/a.test': { kind: 'vhost-link', linkTarget: '/etc/nginx/sites-available/a.test', mode: 0o777, owner: 'root:root', instance: 'c-a', host: 'a.test' }, '/etc/systemd/system/odoo-c-a.service': { kind: 'unit', sha256: SHA_A, mode: 0o644, owner: 'root:root', instance: 'c-a', host: 'a.test' } } };
const NO_ACTIONS = { daemonReload: false, disable: [], enable: [], restart: [], nginxReload: false, health: [], certbot: [] };
const raw = (o: Partial<RawRemoteState>): RawRemoteState => ({ unsafe: '', badpaths: '', odd: '', stat: '', sha: '', timeout: false, manifest: '', journal: '', phase: '', staging: '', ...o });
const parse = (o: Partial<RawRemoteState>, asked: string[] = []) => parseRemoteState('s', '/srv/r', new Set(asked), raw(o));
const code = (x: ReturnType<typeof parse>): string | undefined => (isFailure(x) ? x.refused?.code : undefined);
const withFile = (path: string, entry: unknown): string => JSON.stringify({ ...GOOD, files: { ...GOOD.files, [path]: entry } });

data('a manifest and a journal as blink writes them are taken as they are', () => {
  const journal = { version: 1, run: 'r2', owner: 'ops@laptop pid 1', time: 't', files: [{ path: '/etc/odoo/a.test.conf', op: 'write', hadOld: true, mode: 0o640, owner: 'root:odoo' }], actions: { ...NO_ACTIONS, restart: ['odoo-c-a'], health: [{ instance: 'c-a', service: 'odoo-c-a', port: 8069 }], certbot: ['a.test'] }, manifest: GOOD };
  const st = parse({ manifest: JSON.stringify(GOOD), journal: JSON.stringify(journal), phase: 'swapped\n', stat: 'l 777 root:root ./etc/nginx/sites-enabled/a.test\0/srv/r/etc/nginx/sites-available/a.test\0\n', staging: 'r0\0\n' });
  assert.not.ok(isFailure(st), JSON.stringify(st));
  if (isFailure(st)) return;
  assert.equal(st.manifest, GOOD);
  assert.equal(st.journal, journal);
  assert.is(st.journalPhase, 'swapped');
  assert.equal(st.files.get('/etc/nginx/sites-enabled/a.test'), { type: 'link', mode: 0o777, owner: 'root:root', linkTarget: '/etc/nginx/sites-available/a.test' });
  assert.equal(st.staleStaging, ['r0']);
});

data('anything else is refused whole, naming the file and the entry', () => {
  const bad: [string, Partial<RawRemoteState>, string, string][] = [
    ['a key with a line break', { manifest: withFile('/etc/cron.d/odoo-backup-c-a\nrm -rf /', { kind: 'cron', sha256: SHA_A, mode: 0o644, owner: 'root:root' }) }, 'BLINK503', 'manifest.json'],
    ['a vhost link to another host', { manifest: withFile('/etc/nginx/sites-enabled/b.test', { kind: 'vhost-link', linkTarget: '/etc/shadow', mode: 0o777, owner: 'root:root' }) }, 'BLINK503', 'a link blink does not make'],
    ['a link where blink writes a file', { manifest: withFile('/etc/odoo/b.test.conf', { kind: 'odoo-conf', linkTarget: '/etc/shadow', mode: 0o640, owner: 'root:root' }) }, 'BLINK503', 'a link where blink writes a file'],
    ['an owner that is not user:group', { manifest: withFile('/etc/odoo/b.test.conf', { kind: 'odoo-conf', sha256: SHA_A, mode: 0o640, owner: 'root:root --reference=/etc/shadow' }) }, 'BLINK503', 'owner'],
    ['an instance the path does not name', { manifest: withFile('/etc/logrotate.d/odoo-c-b', { kind: 'logrotate', sha256: SHA_A, mode: 0o644, owner: 'root:root', instance: 'c-a' }) }, 'BLINK503', 'instance'],
    ['a run id that climbs', { manifest: JSON.stringify({ ...GOOD, run: '../../etc' }) }, 'BLINK503', 'manifest.json'],
    ['not JSON', { manifest: '{"version":1' }, 'BLINK503', 'not valid JSON'],
    ['a journal disabling a unit it does not delete', { journal: JSON.stringify({ version: 1, run: 'r2', owner: 'o', time: 't', files: [], actions: { ...NO_ACTIONS, disable: ['odoo-c-zz'] }, manifest: GOOD }) }, 'BLINK503', 'odoo-c-zz'],
    ['a journal owing certbot for a host it does not hold', { journal: JSON.stringify({ version: 1, run: 'r2', owner: 'o', time: 't', files: [], actions: { ...NO_ACTIONS, certbot: ['evil.test'] }, manifest: GOOD }) }, 'BLINK503', 'certbot'],
    ['a journal health check on another port of another service', { journal: JSON.stringify({ version: 1, run: 'r2', owner: 'o', time: 't', files: [], actions: { ...NO_ACTIONS, health: [{ instance: 'c-a', service: 'odoo-c-b', port: 22 }] }, manifest: GOOD }) }, 'BLINK503', 'health'],
    ['a manifest.paths line that climbs', { badpaths: '/../../etc/shadow\n' }, 'BLINK503', 'manifest.paths'],
    ['a path from manifest.paths blink does not write', { stat: 'f 600 root:root ./etc/shadow\0\0\n' }, 'BLINK503', '/etc/shadow'],
    ['a FIFO at a managed path', { stat: 'p 644 root:root ./etc/odoo/a.test.conf\0\0\n' }, 'BLINK504', 'FIFO'],
    ['a device at a managed path', { stat: 'c 644 root:root ./etc/odoo/a.test.conf\0\0\n' }, 'BLINK504', 'device'],
    ['a link target with a terminal escape', { stat: 'l 777 root:root ./etc/nginx/sites-enabled/a.test\0\u001b[2Jx\0\n' }, 'BLINK504', 'control characters'],
    ['manifest.json that is a FIFO', { odd: '/var/lib/blink/manifest.json\n' }, 'BLINK504', 'manifest.json'],
    ['a symbolic link on the way', { unsafe: 'link /etc/nginx\n' }, 'BLINK505', 's:/etc/nginx a symbolic link'],
  ];
  for (const [what, r, want, word] of bad) {
    const st = parse(r, ['/etc/odoo/a.test.conf', '/etc/nginx/sites-enabled/a.test']);
    assert.is(code(st), want, what);
    if (!isFailure(st)) continue;
    const d = st.refused!;
    assert.ok(`${d.file} ${d.message}`.includes(word), `${what}: ${word} in ${d.message}`);
    assert.ok(d.file?.startsWith('s:'), 'names the server');
    assert.ok(d.hint, 'says what to do');
    assert.not.match(d.message, /[\u0000-\u001f]/, 'no control character reaches the terminal');
  }
});

data('a manifest key with a line break never reaches the server, even handed straight to commit', async () => {
  const t = tempDir();
  try {
    const remote = shellRemote(localTransport('t'), t.dir);
    const key = '/etc/cron.d/odoo-backup-c-a\nBLINK_PATHS_END\ntouch ' + join(t.dir, 'pwned');
    const e = await remote.commit('r1', { ...GOOD, files: { [key]: GOOD.files['/etc/odoo/a.test.conf'] } } as never, '{}');
    assert.ok(e && isFailure(e));
    assert.not.ok(existsSync(join(t.dir, 'pwned')));
    assert.not.ok(existsSync(join(t.dir, 'var/lib/blink/manifest.json')));
  } finally {
    t.cleanup();
  }
});

data.run();

for (const transport of ['local', 'ssh'] as const) {
  const s = suite(`apply on a server whose state blink did not write (${transport})`);
  const ctx: { tmp?: { dir: string; cleanup: () => void }; sshd?: Sshd; world?: TestWorld; remotes?: ReturnType<typeof realRemotes> } = {};
  const w = (): TestWorld => ctx.world!;
  const root = (): string => w().rootOf('u1');
  const at = (p: string): string => join(root(), p);
  const blink = (name: string): string => at(`var/lib/blink/${name}`);
  const run = (o: Parameters<typeof runFleet>[3] & { fleet?: Fleet } = {}): Promise<RunResult> => runFleet(o.fleet ?? w().fleet, w().render(o.fleet), ctx.remotes!.remoteFor, o);
  /** The fleet with one option of u1-a changed: its odoo.conf (which holds a secret) is rewritten. */
  const changed = (): Fleet => ({ ...w().fleet, instances: w().fleet.instances.map((i) => (i.id === 'u1-a' ? { ...i, logKeepDays: i.logKeepDays + 1, options: [...i.options, { key: 'limit_request', value: '9999', chain: [] }].sort((a, b) => a.key.localeCompare(b.key)) } : i)) });

  /** The refusal of the read: no plan, the code, and every word the message must carry. */
  function refused(r: RunResult, code: string, ...words: string[]): void {
    const d = r.diffs.find((x) => x.server.name === 'u1')!;
    assert.is(d.plan, undefined, 'no plan is made from a refused state');
    assert.is(d.error?.code, code, JSON.stringify(d.error));
    const text = `${d.error!.file ?? ''} ${d.error!.message} ${d.error!.hint ?? ''}`;
    for (const word of ['u1', ...words]) assert.ok(text.includes(word), `${JSON.stringify(word)} in ${text}`);
    assert.ok(d.error!.hint, 'says what to do');
    if (r.reports) assert.is(r.report('u1').outcome, 'failed');
  }

  /** Adds entries to the manifest (and its path list) as a hostile server would; returns the restore. */
  function tamperManifest(entries: Record<string, unknown>): () => void {
    const json = readFileSync(blink('manifest.json'), 'utf8');
    const paths = readFileSync(blink('manifest.paths'), 'utf8');
    const m = JSON.parse(json) as { files: Record<string, unknown> };
    Object.assign(m.files, entries);
    writeFileSync(blink('manifest.json'), JSON.stringify(m));
    writeFileSync(blink('manifest.paths'), paths + Object.keys(entries).join('\n') + '\n');
    return () => (writeFileSync(blink('manifest.json'), json), writeFileSync(blink('manifest.paths'), paths));
  }

  /** A journal of an interrupted run, as a hostile server would leave it; returns the restore. */
  function plantJournal(phase: string, journal: Record<string, unknown>): () => void {
    const manifest = JSON.parse(readFileSync(blink('manifest.json'), 'utf8')) as Record<string, unknown>;
    writeFileSync(blink('journal.json'), JSON.stringify({ version: 1, run: '20260101T000000Z-dead', owner: 'mallory pid 1', time: 't', files: [], actions: { daemonReload: false, disable: [], enable: [], restart: [], nginxReload: false, health: [], certbot: [] }, manifest, ...journal }));
    writeFileSync(blink('journal.phase'), phase + '\n');
    return () => (rmSync(blink('journal.json'), { force: true }), rmSync(blink('journal.phase'), { force: true }));
  }

  s.before(async () => {
    ctx.tmp = tempDir(`blink-apply-untrusted-${transport}-`);
    const dir = ctx.tmp.dir;
    let sshConfig: string | undefined;
    if (transport === 'ssh') {
      ctx.sshd = await startSshd(join(dir, 'sshd'));
      writeFileSync(join(dir, 'known_hosts'), ctx.sshd.knownHostsLine + '\n');
      sshConfig = join(dir, 'ssh_config');
      writeSshConfig(sshConfig, join(dir, 'known_hosts'), [{ alias: 'u1', sshd: ctx.sshd }]);
    }
    ctx.world = await testWorld(dir, [{ name: 'u1', transport, ...(transport === 'ssh' ? { ssh: 'u1' } : {}) }]);
    ctx.remotes = realRemotes(sshConfig ? { sshConfig } : {});
    const first = await run({ apply: true });
    assert.is(first.report('u1').outcome, 'applied', JSON.stringify(first.report('u1').diagnostics));
  });

  s.after(async () => {
    ctx.remotes?.dispose();
    await ctx.world?.stop();
    await ctx.sshd?.stop();
    ctx.tmp?.cleanup();
  });

  s.after.each(async () => {
    // Every test leaves the server as blink wrote it: nothing to do.
    const again = await run();
    assert.ok(again.plan('u1').files.every((f) => f.change === 'none'), 'the server is back as blink wrote it');
  });

  s('--prune never deletes a manifest entry that climbs out of the root', async () => {
    const victim = join(ctx.tmp!.dir, 'victim');
    writeFileSync(victim, 'not blink\'s\n');
    const restore = tamperManifest({ '/../../victim': { kind: 'cron', sha256: SHA, mode: 0o644, owner: 'root:root' } });
    w().clearCommands();
    try {
      const r = await run({ apply: true, prune: true });
      refused(r, 'BLINK503', '/var/lib/blink/manifest.json', '/../../victim');
      assert.ok(existsSync(victim), 'the file outside the root is still there');
      assert.equal(w().commands(), []);
    } finally {
      restore();
      rmSync(victim, { force: true });
    }
  });

  s('--prune never deletes a file blink does not write, nor stops a unit blink did not render', async () => {
    mkdirSync(at('etc/systemd/system'), { recursive: true });
    writeFileSync(at('etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\n');
    writeFileSync(at('etc/systemd/system/sshd.service'), '[Service]\nExecStart=/usr/sbin/sshd -D\n');
    for (const [path, kind] of [['/etc/passwd', 'odoo-conf'], ['/etc/systemd/system/sshd.service', 'unit']] as const) {
      const restore = tamperManifest({ [path]: { kind, sha256: SHA, mode: 0o644, owner: 'root:root' } });
      w().clearCommands();
      try {
        const r = await run({ apply: true, prune: true });
        refused(r, 'BLINK503', 'manifest.json', path);
        assert.ok(existsSync(at(path.slice(1))), `${path} is still there`);
        assert.equal(w().commands(), [], 'nothing was stopped or disabled');
      } finally {
        restore();
      }
    }
    rmSync(at('etc/passwd'));
    rmSync(at('etc/systemd/system/sshd.service'));
  });

  s('a manifest entry of the wrong kind for its path is refused', async () => {
    // A real path of blink's, but as a unit it would be "stopped and disabled" by --prune.
    const restore = tamperManifest({ '/etc/cron.d/odoo-backup-u1-zz': { kind: 'unit', sha256: SHA, mode: 0o644, owner: 'root:root' } });
    try {
      refused(await run({ prune: true }), 'BLINK503', 'manifest.json', '/etc/cron.d/odoo-backup-u1-zz');
    } finally {
      restore();
    }
  });

  s('a manifest.paths line blink did not write is refused before anything reads it', async () => {
    const paths = readFileSync(blink('manifest.paths'), 'utf8');
    writeFileSync(blink('manifest.paths'), paths + '/../../../../../../dev/zero\n');
    try {
      refused(await run(), 'BLINK503', 'manifest.paths', '/dev/zero');
    } finally {
      writeFileSync(blink('manifest.paths'), paths);
    }
  });

  s('a journal key with a line break never runs as a command when the journal is recovered', async () => {
    const pwned = join(ctx.tmp!.dir, 'pwned');
    const manifest = JSON.parse(readFileSync(blink('manifest.json'), 'utf8')) as { files: Record<string, unknown> };
    manifest.files[`/etc/cron.d/odoo-backup-u1-a\nBLINK_PATHS_END\ntouch ${pwned}\ncat > /dev/null <<'BLINK_PATHS_END'`] = { kind: 'cron', sha256: SHA, mode: 0o644, owner: 'root:root' };
    const restore = plantJournal('swapped', { manifest });
    w().clearCommands();
    try {
      const r = await run({ apply: true });
      refused(r, 'BLINK503', 'journal.json');
      assert.not.ok(existsSync(pwned), 'the line after the break did not run');
      assert.ok(existsSync(blink('journal.json')), 'the refused journal is left for a human to look at');
      assert.equal(w().commands(), []);
    } finally {
      restore();
      rmSync(pwned, { force: true });
    }
  });

  s('a journal whose rollback would delete a file outside the root is refused', async () => {
    const victim = join(ctx.tmp!.dir, 'victim');
    writeFileSync(victim, 'not blink\'s\n');
    const restore = plantJournal('swapping', { files: [{ path: '/../../victim', op: 'write', hadOld: false, mode: 0o644, owner: 'root:root' }] });
    try {
      const r = await run({ apply: true });
      refused(r, 'BLINK503', 'journal.json', '/../../victim');
      assert.ok(existsSync(victim), 'the file outside the root is still there');
    } finally {
      restore();
      rmSync(victim, { force: true });
    }
  });

  s('a journal that owes a restart of a unit blink did not render is refused, not obeyed', async () => {
    const restore = plantJournal('swapped', { actions: { daemonReload: false, disable: ['sshd'], enable: [], restart: ['sshd'], nginxReload: false, health: [], certbot: [] } });
    w().clearCommands();
    try {
      const r = await run({ apply: true });
      refused(r, 'BLINK503', 'journal.json', 'sshd');
      assert.equal(w().commands(), []);
    } finally {
      restore();
    }
  });

  s('a journal phase blink never writes is refused', async () => {
    const restore = plantJournal('rm -rf /', {});
    try {
      refused(await run(), 'BLINK503', 'journal.phase');
    } finally {
      restore();
    }
  });

  s('a folder where blink writes a file is refused at read time; nothing is changed, nothing wedges', async () => {
    const conf = at('etc/odoo/a.u1.test.conf');
    const saved = readFileSync(conf);
    rmSync(conf);
    mkdirSync(join(conf, 'inside'), { recursive: true });
    w().clearCommands();
    try {
      for (let i = 0; i < 2; i++) {
        const r = await run({ fleet: changed(), apply: true });
        refused(r, 'BLINK504', '/etc/odoo/a.u1.test.conf', 'folder');
        assert.not.ok(existsSync(blink('journal.json')), 'no journal is left to wedge the next run');
        assert.equal(readdirSync(conf), ['inside'], 'nothing was copied into it');
        assert.equal(readdirSync(at('etc/odoo')).filter((f) => f.includes('.blink-tmp.')), [], 'no temporary copies');
      }
      assert.equal(w().commands(), []);
    } finally {
      rmSync(conf, { recursive: true });
      writeFileSync(conf, saved, { mode: 0o640 });
    }
  });

  s('a FIFO where blink writes a file is refused, and --diff does not hang on it', async () => {
    const log = at('etc/logrotate.d/odoo-u1-b');
    const saved = readFileSync(log);
    rmSync(log);
    assert.is(spawnSync('mkfifo', [log]).status, 0);
    try {
      refused(await run(), 'BLINK504', '/etc/logrotate.d/odoo-u1-b', 'FIFO');
    } finally {
      rmSync(log);
      writeFileSync(log, saved);
    }
  });

  s('a symbolic link on the way to a managed file is never followed: odoo.conf and its secrets never land elsewhere', async () => {
    const odoo = at('etc/odoo');
    const elsewhere = join(ctx.tmp!.dir, 'elsewhere');
    mkdirSync(elsewhere);
    renameSync(odoo, odoo + '.real');
    symlinkSync(elsewhere, odoo);
    w().clearCommands();
    try {
      const r = await run({ fleet: changed(), apply: true });
      refused(r, 'BLINK505', '/etc/odoo', 'symbolic link');
      assert.equal(readdirSync(elsewhere), [], 'nothing was written through the link');
      assert.equal(w().commands(), []);
    } finally {
      rmSync(odoo);
      renameSync(odoo + '.real', odoo);
      rmSync(elsewhere, { recursive: true });
    }
  });

  s('the same for the PostgreSQL conf.d folder, whose path names the version', async () => {
    const confd = at('etc/postgresql/15/main/conf.d');
    const elsewhere = join(ctx.tmp!.dir, 'elsewhere-pg');
    mkdirSync(elsewhere);
    mkdirSync(dirname(confd), { recursive: true });
    const had = existsSync(confd);
    if (had) renameSync(confd, confd + '.real');
    symlinkSync(elsewhere, confd);
    w().clearCommands();
    try {
      const r = await run({ fleet: changed(), apply: true });
      refused(r, 'BLINK505', '/etc/postgresql/15/main/conf.d', 'symbolic link');
      assert.equal(readdirSync(elsewhere), [], 'nothing was written through the link');
    } finally {
      rmSync(confd);
      if (had) renameSync(confd + '.real', confd);
      rmSync(elsewhere, { recursive: true });
    }
  });

  s('a symbolic link in place of blink\'s own folder is refused: no journal, backup or staged secret goes through it', async () => {
    const B = at('var/lib/blink');
    const elsewhere = join(ctx.tmp!.dir, 'elsewhere-blink');
    renameSync(B, B + '.real');
    mkdirSync(elsewhere);
    symlinkSync(elsewhere, B);
    try {
      const r = await run({ fleet: changed(), apply: true });
      refused(r, 'BLINK505', '/var/lib/blink', 'symbolic link');
      assert.equal(readdirSync(elsewhere), []);
    } finally {
      rmSync(B);
      renameSync(B + '.real', B);
      rmSync(elsewhere, { recursive: true });
    }
  });

  s('what an apply stages holds secrets: only root can read it while it exists', async () => {
    // The files are checked on the server from the staging tree: a failing check leaves the moment to look.
    const probe = join(ctx.tmp!.dir, 'staging-mode');
    const fleet = changed();
    const withProbe: Fleet = { ...fleet, servers: fleet.servers.map((x) => ({ ...x, commands: { ...x.commands, logrotate_verify: `f={file}; s=\${f%/tree/*}; stat -c '%a' "$s" "\${s%/*}" > ${probe}; false` } })) };
    const r = await run({ fleet: withProbe, apply: true });
    assert.is(r.report('u1').outcome, 'failed');
    assert.equal(readFileSync(probe, 'utf8').split('\n').filter(Boolean), ['700', '700'], 'the run\'s folder and staging/ are 0700');
    assert.not.ok(readFileSync(at('etc/odoo/a.u1.test.conf'), 'utf8').includes('limit_request'));
    assert.ok(statSync(blink('')).mode % 0o1000 === 0o700, '/var/lib/blink is 0700');
    rmSync(probe);
  });

  s.run();
}
