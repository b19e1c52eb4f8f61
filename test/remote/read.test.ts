/**
 * apply-read.sh through the session loop, where it keeps its files in the
 * session's scratch folder instead of a mktemp folder of its own: the same
 * state as through `sh -s`, nothing of an earlier read seen by a later one,
 * and psql's and ufw's answers capped as they are written.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Transport } from '../../src/remote/Transport.js';
import type { ResourceQuery } from '../../src/remote/RemoteState.js';
import { isFailure } from '../../src/remote/Remote.js';
import { localTransport } from '../../src/remote/localTransport.js';
import { scriptWithInput } from '../../src/remote/scriptWithInput.js';
import { applyScript } from '../../src/remote/applyScripts.js';
import { scriptInput } from '../../src/remote/scriptInput.js';
import { shellRemote } from '../../src/remote/shellRemote.js';
import { shellSession } from '../../src/remote/shellSession.js';
import { tempDir } from '../support/tmp.js';

const s = suite('apply-read.sh in a session');
const ctx: { tmp?: ReturnType<typeof tempDir>; root?: string } = {};

/** The local transport, but each script run by one session's loop (what ssh does once open). */
function sessionTransport(): Transport {
  const session = shellSession('sh', ['-c'], (loop) => `cd / && ${loop}`);
  return { ...localTransport('s'), target: 'session', open: () => session.ready, exec: (script, stdin) => session.run(scriptWithInput(script, stdin)), close: () => session.close() };
}

const PG = `cat > /dev/null; echo 'blink-pg {"roles":[{"name":"odoo","login":true,"createdb":true,"superuser":false}],"databases":[{"name":"a-db","owner":"odoo","encoding":"UTF8","collate":"C","ctype":"C.UTF-8"}]}'`;
const UFW = `printf 'Status: inactive\\n'; :`;
const FOLDERS = ['/opt/odoo/.local/share/Odoo-a', '/var/log/odoo/a', '/var/backups/odoo/a'];
const query = (o: Partial<ResourceQuery> = {}): ResourceQuery => ({ folders: FOLDERS, users: ['root', 'nobody-here'], psql: PG, ufw: UFW, ...o });
const PATHS = ['/etc/odoo/a.conf', '/etc/nginx/sites-enabled/a.test', '/etc/odoo/missing.conf'];

s.before(() => {
  ctx.tmp = tempDir('blink-read-');
  const root = (ctx.root = join(ctx.tmp.dir, 'root'));
  for (const d of ['etc/odoo', 'etc/nginx/sites-available', 'etc/nginx/sites-enabled', 'var/lib/blink', 'opt/odoo/.local/share/Odoo-a', 'var/log/odoo/a', 'var/backups/odoo', 'elsewhere']) mkdirSync(join(root, d), { recursive: true });
  writeFileSync(join(root, 'etc/odoo/a.conf'), '[options]\n', { mode: 0o640 });
  writeFileSync(join(root, 'etc/nginx/sites-available/a.test'), 'server {}\n');
  symlinkSync('/etc/nginx/sites-available/a.test', join(root, 'etc/nginx/sites-enabled/a.test'));
  // A backup folder that is a link: named as such, never followed.
  symlinkSync(join(root, 'elsewhere'), join(root, 'var/backups/odoo/a'));
  writeFileSync(join(root, 'var/lib/blink/manifest.paths'), '/etc/odoo/b.conf\n');
  writeFileSync(join(root, 'var/lib/blink/manifest.folders'), '/opt/odoo/.local/share/Odoo-gone\n/var/log/odoo/a\n');
});
s.after(() => ctx.tmp?.cleanup());

s('the same state through the session as through sh -s', async () => {
  const t = sessionTransport();
  try {
    const [viaSession, viaSh] = await Promise.all([shellRemote(t, ctx.root!).read(PATHS, query()), shellRemote(localTransport('s'), ctx.root!).read(PATHS, query())]);
    assert.not.ok(isFailure(viaSession), JSON.stringify(viaSession));
    assert.equal(viaSession, viaSh);
    if (isFailure(viaSession)) return;
    assert.equal([...viaSession.files.keys()].sort(), ['/etc/nginx/sites-enabled/a.test', '/etc/odoo/a.conf']);
    const r = viaSession.resources!;
    assert.equal([...r.folders.keys()].sort(), ['/opt/odoo/.local/share/Odoo-a', '/var/backups/odoo/a', '/var/log/odoo/a']);
    assert.is(r.folders.get('/var/backups/odoo/a')?.type, 'link');
    assert.equal([...r.users], ['root']);
    assert.ok(r.postgres && !('error' in r.postgres) && r.postgres.roles.has('odoo'));
    assert.equal(r.firewall, { installed: true, active: false, rules: [], other: [] });
  } finally {
    await t.close();
  }
});

s('a later read in the same session sees nothing of an earlier one', async () => {
  const t = sessionTransport();
  const read = (q: ResourceQuery, paths = PATHS) => shellRemote(t, ctx.root!).read(paths, q);
  try {
    const first = await read(query());
    assert.not.ok(isFailure(first));
    // psql fails now, ufw is not asked: no answer of the first read comes back.
    const second = await read(query({ psql: 'cat > /dev/null; echo "no server" >&2; exit 2', ufw: undefined }));
    if (isFailure(second)) return assert.unreachable(second.error);
    assert.equal(second.resources!.postgres, { error: 'psql failed: no server' });
    assert.is(second.resources!.firewall, undefined);
    // psql not asked, ufw missing.
    const third = await read(query({ psql: undefined, ufw: 'no-such-ufw' }));
    if (isFailure(third)) return assert.unreachable(third.error);
    assert.is(third.resources!.postgres, undefined);
    assert.equal(third.resources!.firewall, { installed: false });
    // A bad manifest.paths refuses one read, and only that one.
    writeFileSync(join(ctx.root!, 'var/lib/blink/manifest.paths'), '../../etc/shadow\n');
    const refused = await read(query());
    assert.ok(isFailure(refused) && refused.refused?.code === 'BLINK503');
    writeFileSync(join(ctx.root!, 'var/lib/blink/manifest.paths'), '/etc/odoo/b.conf\n');
    const again = await read(query());
    assert.not.ok(isFailure(again));
    // A root that does not exist yet: nothing of the root read before it.
    const fresh = await shellRemote(t, join(ctx.tmp!.dir, 'new-root')).read(PATHS, query({ psql: undefined, ufw: undefined }));
    if (isFailure(fresh)) return assert.unreachable(fresh.error);
    assert.is(fresh.files.size, 0);
    assert.is(fresh.manifest, undefined);
    assert.is(fresh.resources!.folders.size, 0);
  } finally {
    await t.close();
  }
});

s("refused lines of manifest.paths and of manifest.folders come back each in its own section; folders beside the files", async () => {
  const blink = (f: string): string => join(ctx.root!, 'var/lib/blink', f);
  writeFileSync(blink('manifest.paths'), '/etc/odoo/b.conf\n../../etc/shadow\nno/slash\n');
  writeFileSync(blink('manifest.folders'), '/var/log/odoo/a\n/var/../etc\n');
  try {
    const nonce = '0123456789ab';
    const input = scriptInput([ctx.root!, nonce, '-', '-', 'root', 'root', ...FOLDERS, '.', '/etc/odoo', '.', ...PATHS]);
    if ('error' in input) return assert.unreachable(input.error);
    const r = await localTransport('s').exec(applyScript('read'), input);
    const out = r.stdout.toString('utf8');
    const section = (name: string): string => {
      const m = new RegExp(`(?:^|\\n)@@${name} ${nonce}\\n([\\s\\S]*?)(?=@@[a-z]+ ${nonce}\\n)`).exec(out);
      return m ? m[1]! : `(no ${name} section)`;
    };
    assert.is(section('badpaths'), '../../etc/shadow\nno/slash\n');
    assert.is(section('badfolders'), '/var/../etc\n');
    // The files' find describes the folders too, each as .//PATH, owners as ids.
    assert.match(section('folders'), 'd 755 0:0 .//opt/odoo/.local/share/Odoo-a\0');
    assert.match(section('stat'), 'f 640 0:0 ./etc/odoo/a.conf\0');
    assert.not.match(section('stat'), './/');
  } finally {
    writeFileSync(blink('manifest.paths'), '/etc/odoo/b.conf\n');
    writeFileSync(blink('manifest.folders'), '/opt/odoo/.local/share/Odoo-gone\n/var/log/odoo/a\n');
  }
});

s("psql's and ufw's answers are capped as they are written: a longer one fails, saying so", async () => {
  const t = sessionTransport();
  try {
    const r = await shellRemote(t, ctx.root!).read(PATHS, query({
      psql: `cat > /dev/null; echo 'blink-pg {"roles":[],"databases":[]}'; head -c 17000000 /dev/zero`,
      ufw: `big() { printf 'Status: inactive\\n'; head -c 300000 /dev/zero | tr '\\0' x; }; big`,
    }));
    if (isFailure(r)) return assert.unreachable(r.error);
    const pg = r.resources!.postgres;
    assert.ok(pg && 'error' in pg, JSON.stringify(pg));
    assert.is(pg.error, 'psql failed: psql printed more than 16 MiB');
    const fw = r.resources!.firewall;
    assert.ok(fw && 'error' in fw && fw.error !== undefined, JSON.stringify(fw));
    assert.is(fw.error, 'ufw status verbose failed (exit 153): ufw printed more than 256 KiB');
  } finally {
    await t.close();
  }
});

s.run();
