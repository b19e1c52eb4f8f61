import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, readlinkSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tar } from '../../src/remote/tar.js';
import { fillCommand, shellQuote } from '../../src/remote/shellQuote.js';
import { toSshDestination } from '../../src/remote/sshTransport.js';
import { localTransport } from '../../src/remote/localTransport.js';
import { shellRemote } from '../../src/remote/shellRemote.js';
import { isFailure } from '../../src/remote/Remote.js';
import { tempDir } from '../support/tmp.js';
import { requireTool } from '../support/tools.js';

const s = suite('remote building blocks');

s('tar archives extract with the system tar: names, modes, links, long paths', () => {
  const t = tempDir();
  try {
    const long = 'tree/' + 'x'.repeat(90) + '/' + 'y'.repeat(60) + '.conf';
    writeFileSync(join(t.dir, 'a.tar'), tar([
      { path: 'tree/etc/odoo/a.conf', mode: 0o640, content: Buffer.from('[options]\n') },
      { path: 'tree/etc/nginx/sites-enabled/a', mode: 0o777, linkTarget: '../sites-available/a' },
      { path: long, mode: 0o600, content: Buffer.from('z') },
    ]));
    mkdirSync(join(t.dir, 'x'));
    const r = spawnSync('tar', ['-x', '-f', join(t.dir, 'a.tar'), '-C', join(t.dir, 'x')], { encoding: 'utf8' });
    assert.is(r.status, 0, r.stderr);
    assert.is(readFileSync(join(t.dir, 'x/tree/etc/odoo/a.conf'), 'utf8'), '[options]\n');
    assert.is(statSync(join(t.dir, 'x/tree/etc/odoo/a.conf')).mode & 0o777, 0o640);
    assert.is(readlinkSync(join(t.dir, 'x/tree/etc/nginx/sites-enabled/a')), '../sites-available/a');
    assert.is(readFileSync(join(t.dir, 'x', long), 'utf8'), 'z');
  } finally {
    t.cleanup();
  }
});

s('command placeholders are shell-quoted', () => {
  assert.is(fillCommand('systemctl restart {service}', { service: 'odoo-a' }), 'systemctl restart odoo-a');
  assert.is(fillCommand('x {host}', { host: "a'; rm -rf /" }), `x 'a'\\''; rm -rf /'`);
  assert.is(fillCommand('keep {unknown}', {}), 'keep {unknown}');
  assert.is(shellQuote(''), "''");
});

s('ssh destinations with a port become ssh:// URIs', () => {
  assert.is(toSshDestination('ubuntu@1.2.3.4:2222'), 'ssh://ubuntu@1.2.3.4:2222');
  assert.is(toSshDestination('host:22'), 'ssh://host:22');
  assert.is(toSshDestination('ubuntu@aws-1'), 'ubuntu@aws-1');
});

s('read: hash, mode, owner and links of many paths in one script; owners by the names asked about', async () => {
  const t = tempDir();
  try {
    const root = join(t.dir, 'root');
    mkdirSync(join(root, 'etc/x'), { recursive: true });
    writeFileSync(join(root, 'etc/x/a'), 'hello\n', { mode: 0o640 });
    spawnSync('ln', ['-s', join(root, 'etc/x/a'), join(root, 'etc/x/l')]);
    const remote = shellRemote(localTransport('t'), root);
    const state = await remote.read(['/etc/x/a', '/etc/x/l', '/etc/x/missing'], { folders: [], users: [], owners: ['root:root'] });
    assert.not.ok(isFailure(state));
    if (isFailure(state)) return;
    assert.equal(state.files.get('/etc/x/a'), { type: 'file', mode: 0o640, owner: 'root:root', sha256: '5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03' });
    assert.equal(state.files.get('/etc/x/l'), { type: 'link', mode: 0o777, owner: 'root:root', linkTarget: '/etc/x/a' });
    assert.not.ok(state.files.has('/etc/x/missing'));
    // Owners come back as ids, named by the owners asked about: any other id stays a number.
    const unnamed = await remote.read(['/etc/x/a']);
    assert.is(!isFailure(unnamed) && unnamed.files.get('/etc/x/a')?.owner, '0:0');
    // A file given away by hand: named when its owner is one asked about, else its ids.
    spawnSync('chown', ['65534:65534', join(root, 'etc/x/a')]);
    const nobody = await remote.read(['/etc/x/a'], { folders: [], users: [], owners: ['root:root', 'nobody:nogroup'] });
    assert.is(!isFailure(nobody) && nobody.files.get('/etc/x/a')?.owner, 'nobody:nogroup');
    spawnSync('chown', ['4242:4243', join(root, 'etc/x/a')]);
    const stranger = await remote.read(['/etc/x/a'], { folders: [], users: [], owners: ['root:root'] });
    assert.is(!isFailure(stranger) && stranger.files.get('/etc/x/a')?.owner, '4242:4243');
    // An owner that is not user:group never reaches the server, and the refusal names it whole.
    const malformed = await remote.read(['/etc/x/a'], { folders: [], users: [], owners: ['root'] });
    assert.is(isFailure(malformed) && malformed.error, 'reading the server failed: refusing "root"');
    // A root that does not exist yet (a new lab folder) holds nothing yet.
    const fresh = await shellRemote(localTransport('t'), join(t.dir, 'not-yet')).read(['/etc/x/a']);
    assert.ok(!isFailure(fresh) && fresh.files.size === 0, JSON.stringify(fresh));
    const fetched = await remote.fetch(['/etc/x/a']);
    assert.not.ok(isFailure(fetched));
    if (!isFailure(fetched)) assert.is(fetched.get('/etc/x/a')!.toString(), 'hello\n');
  } finally {
    t.cleanup();
  }
});

s('validate: nginx -t checks the server\'s nginx without the files this run deletes (named on stdin, never in the script)', async () => {
  requireTool('nginx');
  const t = tempDir();
  try {
    const root = join(t.dir, 'root');
    mkdirSync(join(root, 'etc/nginx/sites-enabled'), { recursive: true });
    writeFileSync(join(root, 'etc/nginx/nginx.conf'), `pid ${t.dir}/nginx.pid;\nerror_log stderr;\nevents {}\nhttp {\n  include /etc/nginx/sites-enabled/*;\n}\n`);
    // The orphan this run prunes no longer parses; what stays does.
    writeFileSync(join(root, 'etc/nginx/sites-enabled/gone.test'), 'this_is_not_a_directive on;\n');
    const remote = shellRemote(localTransport('t'), root);
    assert.is(await remote.stage('r1', [{ path: '/etc/nginx/sites-enabled/kept.test', mode: 0o644, content: Buffer.from('server { listen 127.0.0.1:1; }\n') }]), undefined);
    const check = { kind: 'nginx' as const, command: 'nginx -t' };
    const kept = await remote.validate('r1', [check]);
    assert.ok(!isFailure(kept) && kept.length === 1 && kept[0]!.output.includes('this_is_not_a_directive'), JSON.stringify(kept));
    const pruned = await remote.validate('r1', [{ ...check, remove: ['/etc/nginx/sites-enabled/gone.test'] }]);
    assert.equal(pruned, []);
    assert.ok(readFileSync(join(root, 'etc/nginx/sites-enabled/gone.test'), 'utf8').includes('this_is'), 'the live file is only left out of the candidate');
  } finally {
    t.cleanup();
  }
});

s('the lock is exclusive, names its holder, and goes with its holder', async () => {
  const t = tempDir();
  try {
    const a = shellRemote(localTransport('t'), t.dir);
    const b = shellRemote(localTransport('t'), t.dir);
    const first = await a.lock('alice pid 1');
    assert.ok(!isFailure(first) && !first.held);
    const second = await b.lock('bob pid 2');
    assert.ok(!isFailure(second) && second.held && second.holder === 'alice pid 1');
    if (!isFailure(first) && !first.held) await first.release();
    const third = await b.lock('bob pid 2');
    assert.ok(!isFailure(third) && !third.held);
    if (!isFailure(third) && !third.held) await third.release();
  } finally {
    t.cleanup();
  }
});

s.run();
