import { cpSync, mkdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { renderCli } from '../../src/cli/render.js';
import { recordingIo } from '../support/cliIo.js';
import { tempDir } from '../support/tmp.js';
import { contents, snapshot } from '../support/treeSnapshot.js';

const repo = new URL('../../', import.meta.url).pathname.replace(/\/$/, '');

/** A private copy of the sample project, so tests can edit config/ freely. */
function project(): { dir: string; cleanup: () => void; run: (...argv: string[]) => Promise<{ code: number; out: string; err: string }> } {
  const t = tempDir('blink-cli-');
  for (const d of ['config', 'custom-addons', 'templates']) cpSync(join(repo, d), join(t.dir, d), { recursive: true });
  const run = async (...argv: string[]) => {
    const io = recordingIo(t.dir);
    const code = await renderCli(argv, io);
    return { code, out: io.out(), err: io.err() };
  };
  return { ...t, run };
}

// ---
const cli = suite('blink-render CLI');

cli('renders the sample fleet, then a re-render writes nothing and keeps mtimes', async () => {
  const p = project();
  try {
    const first = await p.run();
    assert.is(first.code, 0, first.err);
    assert.match(first.out, /rendered \d+ files for 4 instances on 2 servers: \d+ written, 0 unchanged, 0 removed/);
    const old = new Date('2020-01-01T00:00:00Z');
    const conf = join(p.dir, 'out/hosts/demo.somosblink.com/etc/odoo/demo.somosblink.com.conf');
    utimesSync(conf, old, old);
    const before = snapshot(join(p.dir, 'out'));
    const second = await p.run();
    assert.is(second.code, 0);
    assert.match(second.out, /: 0 written, \d+ unchanged, 0 removed/);
    assert.equal(snapshot(join(p.dir, 'out')), before);
  } finally {
    p.cleanup();
  }
});

cli('deterministic: two renders into different folders are byte-identical', async () => {
  const p = project();
  try {
    assert.is((await p.run('--out', 'a')).code, 0);
    assert.is((await p.run('--out', 'b')).code, 0);
    assert.equal(contents(snapshot(join(p.dir, 'a'))), contents(snapshot(join(p.dir, 'b'))));
  } finally {
    p.cleanup();
  }
});

cli('removing a client removes its files and touches no other client', async () => {
  const p = project();
  try {
    await p.run();
    const before = snapshot(join(p.dir, 'out'));
    const yaml = join(p.dir, 'config/clients.yaml');
    writeFileSync(yaml, readFileSync(yaml, 'utf8').replace(/  blink:\n(    .*\n|      .*\n)*/, ''));
    const r = await p.run();
    assert.is(r.code, 0, r.err);
    const after = snapshot(join(p.dir, 'out'));
    assert.ok(!Object.keys(after).some((k) => k.startsWith('hosts/blink.somosblink.com/')));
    for (const [k, v] of Object.entries(after)) {
      if (k.startsWith('hosts/') || k.startsWith('servers/lab/')) assert.equal(v, before[k], k);
    }
  } finally {
    p.cleanup();
  }
});

cli('bad input: exit 1, compiler-style message, no stack trace, out/ untouched', async () => {
  const p = project();
  try {
    await p.run();
    const before = snapshot(join(p.dir, 'out'));
    const yaml = join(p.dir, 'config/clients.yaml');
    const text = readFileSync(yaml, 'utf8');
    const line = text.slice(0, text.indexOf('kind: test, port: 8079')).split('\n').length;
    writeFileSync(yaml, text.replace('kind: test, port: 8079', 'kind: tset, port: 8079'));
    const r = await p.run();
    assert.is(r.code, 1);
    assert.match(r.err, new RegExp(`^config/clients\\.yaml:${line}:\\d+: error BLINK021: kind 'tset' is not defined\n  hint: did you mean 'test'\\?`, 'm'));
    assert.not.match(r.err, /\n\s+at /, 'no stack trace');
    assert.equal(snapshot(join(p.dir, 'out')), before);
  } finally {
    p.cleanup();
  }
});

cli('--check: 0 when current, 1 listing stale files when not', async () => {
  const p = project();
  try {
    assert.is((await p.run('--check')).code, 1, 'no out/ yet: everything is stale');
    await p.run();
    const ok = await p.run('--check');
    assert.is(ok.code, 0, ok.out + ok.err);
    writeFileSync(join(p.dir, 'out/hosts/demo.somosblink.com/etc/odoo/demo.somosblink.com.conf'), 'hand edit\n');
    mkdirSync(join(p.dir, 'out/hosts/ghost.example.com'), { recursive: true });
    writeFileSync(join(p.dir, 'out/hosts/ghost.example.com/x'), 'x');
    const stale = await p.run('--check');
    assert.is(stale.code, 1);
    // Each stale file once, as a diagnostic saying why; then how many.
    assert.is(stale.err.match(/demo\.somosblink\.com\.conf differs from a fresh render/g)?.length, 1, stale.err);
    assert.is(stale.err.match(/ghost\.example\.com\/x is no longer rendered/g)?.length, 1, stale.err);
    assert.not.match(stale.out, /stale: /);
    assert.match(stale.out, /^2 stale files in out\/: run blink-render and commit out\/$/m);
    assert.is(readFileSync(join(p.dir, 'out/hosts/ghost.example.com/x'), 'utf8'), 'x', '--check writes nothing');
  } finally {
    p.cleanup();
  }
});

cli('--json: diagnostics and written files as data', async () => {
  const p = project();
  try {
    const r = await p.run('--json');
    const data = JSON.parse(r.out);
    assert.is(data.ok, true);
    assert.ok(data.written.includes('fleet.json'));
    const yaml = join(p.dir, 'config/clients.yaml');
    writeFileSync(yaml, readFileSync(yaml, 'utf8').replace('    cpus: 2\n    memory_mb: 4096', '    cpus: 2\n    memroy_mb: 4096'));
    const bad = JSON.parse((await p.run('--json')).out);
    assert.is(bad.ok, false);
    assert.equal(bad.diagnostics.map((d: { code: string; line: number; column: number }) => [d.code, d.line, d.column]), [['BLINK010', 30, 5]]);
  } finally {
    p.cleanup();
  }
});

cli('--explain HOST KEY prints the chain', async () => {
  const p = project();
  try {
    const r = await p.run('--explain', 'corteperfecto.somosblink.com', 'limit_time_real_cron');
    assert.is(r.code, 0, r.err);
    assert.match(r.out, /→ limit_time_real_cron = 1800\s+config\/hosts\/corteperfecto\.somosblink\.com\.conf:5:1/);
    assert.is((await p.run('--explain', 'corteperfecto.somosblink.com')).code, 1);
    assert.is((await p.run('--explain', 'nope.example.com', 'list_db')).code, 1);
  } finally {
    p.cleanup();
  }
});

cli('--explain HOST workers says where nginx sends /websocket, also when no layer sets workers', async () => {
  const p = project();
  try {
    const prod = await p.run('--explain', 'corteperfecto.somosblink.com', 'workers');
    assert.is(prod.code, 0, prod.err);
    assert.match(prod.out, '  nginx: /websocket → 127.0.0.1:8072 (gevent_port): workers = 2: prefork server serves /websocket from its gevent process on the gevent port\n');
    const test = await p.run('--explain', 'corteperfecto-test.somosblink.com', 'workers');
    assert.is(test.code, 0, test.err);
    assert.is(test.out, 'corteperfecto-test.somosblink.com (corteperfecto-test): workers = (not set)\n  nginx: /websocket → 127.0.0.1:8079 (http_port): workers = 0: threaded server serves /websocket on the HTTP port\n');
    assert.match(test.err, 'workers is not set for corteperfecto-test.somosblink.com');
    const json = JSON.parse((await p.run('--explain', 'corteperfecto-test.somosblink.com', 'workers', '--json')).out);
    assert.equal(json.explanation.websocket, { mode: 'threaded', target: { key: 'http_port', port: 8079 }, reason: 'workers = 0: threaded server serves /websocket on the HTTP port' });
  } finally {
    p.cleanup();
  }
});

cli('usage mistakes exit 1 (2 is "changes pending" in the other CLIs), with a did-you-mean; --help exits 0', async () => {
  const p = project();
  try {
    const r = await p.run('--frobnicate');
    assert.is(r.code, 1);
    assert.match(r.err, /^blink-render: unknown option --frobnicate\nRun blink-render --help for the options\.$/m);
    const typo = await p.run('--hots', 'x');
    assert.match(typo.err, 'unknown option --hots (did you mean --host?)');
    assert.match((await p.run('--out')).err, '--out needs a value');
    assert.match((await p.run('--check=yes')).err, '--check takes no value');
    assert.is((await p.run('--host', 'nope.example.com')).code, 1);
    assert.match((await p.run('--help')).out, /Usage: blink-render/);
  } finally {
    p.cleanup();
  }
});

cli('--strict turns warnings into failure', async () => {
  const p = project();
  try {
    const yaml = join(p.dir, 'config/clients.yaml');
    // max_connections raised too, so nine workers' connection pools (BLINK280, an error) stay out of it.
    writeFileSync(yaml, readFileSync(yaml, 'utf8').replace('port: 8069, workers: 2', 'port: 8069, workers: 9').replace('max_connections: 200', 'max_connections: 500'));
    const lax = await p.run();
    assert.is(lax.code, 0);
    assert.match(lax.err, /warning BLINK311/);
    assert.is((await p.run('--strict')).code, 1);
  } finally {
    p.cleanup();
  }
});

cli('--host limits what is written; other hosts are left alone', async () => {
  const p = project();
  try {
    await p.run();
    const demoConf = join(p.dir, 'out/hosts/demo.somosblink.com/etc/odoo/demo.somosblink.com.conf');
    writeFileSync(demoConf, 'stale\n');
    const r = await p.run('--host', 'corteperfecto*');
    assert.is(r.code, 0, r.err);
    assert.match(r.out, /for 2 instances on 1 server:/);
    assert.is(readFileSync(demoConf, 'utf8'), 'stale\n', 'outside the selection');
  } finally {
    p.cleanup();
  }
});

cli('colour only on a terminal without NO_COLOR', async () => {
  const p = project();
  try {
    const yaml = join(p.dir, 'config/clients.yaml');
    writeFileSync(yaml, readFileSync(yaml, 'utf8').replace('kind: test, port: 8079', 'kind: tset, port: 8079'));
    const tty = recordingIo(p.dir, { tty: true });
    await renderCli([], tty);
    assert.match(tty.err(), /\x1b\[31merror/);
    const noColor = recordingIo(p.dir, { tty: true, env: { NO_COLOR: '1' } });
    await renderCli([], noColor);
    assert.not.match(noColor.err(), /\x1b\[/);
    const pipe = recordingIo(p.dir);
    await renderCli([], pipe);
    assert.not.match(pipe.err(), /\x1b\[/);
  } finally {
    p.cleanup();
  }
});

cli('incremental: an unchanged fleet and out/ skip the pipeline; any change anywhere renders again', async () => {
  const p = project();
  try {
    mkdirSync(join(p.dir, 'node_modules'));
    const json = async (...a: string[]) => JSON.parse((await p.run('--json', ...a)).out);
    assert.is((await json()).cached, undefined);
    const again = await json();
    assert.is(again.cached, true);
    assert.is(again.unchanged, (await json()).unchanged);
    // A hand edit in out/ (even one that keeps size and mtime) is noticed and repaired.
    const conf = join(p.dir, 'out/hosts/demo.somosblink.com/etc/odoo/demo.somosblink.com.conf');
    const original = readFileSync(conf, 'utf8');
    writeFileSync(conf, original.replace('without_demo = False', 'without_demo = Falsy'));
    const repaired = await json();
    assert.is(repaired.cached, undefined);
    assert.equal(repaired.written, ['hosts/demo.somosblink.com/etc/odoo/demo.somosblink.com.conf']);
    assert.is(readFileSync(conf, 'utf8'), original);
    // A stray file is noticed and removed.
    writeFileSync(join(p.dir, 'out/hosts/demo.somosblink.com/etc/stray'), 'x');
    assert.equal((await json()).removed, ['hosts/demo.somosblink.com/etc/stray']);
    // A config change is noticed.
    const yaml = join(p.dir, 'config/clients.yaml');
    writeFileSync(yaml, readFileSync(yaml, 'utf8').replace('port: 8069, workers: 2', 'port: 8069, workers: 3'));
    const changed = await json();
    assert.is(changed.cached, undefined);
    assert.ok(changed.written.includes('hosts/corteperfecto.somosblink.com/etc/odoo/corteperfecto.somosblink.com.conf'));
    // --check answers from the cache too, and warnings are repeated from it.
    writeFileSync(yaml, readFileSync(yaml, 'utf8').replace('port: 8069, workers: 3', 'port: 8069, workers: 9').replace('max_connections: 200', 'max_connections: 500'));
    assert.is((await p.run()).code, 0);
    const check = await json('--check', '--strict');
    assert.is(check.cached, true);
    assert.equal(check.diagnostics.map((d: { code: string }) => d.code), ['BLINK310', 'BLINK311']);
    assert.is((await p.run('--check', '--strict')).code, 1);
  } finally {
    p.cleanup();
  }
});

// ---
const golden = suite('golden out/');

golden('the committed out/ is exactly what the sample config renders (UPDATE=1 refreshes it)', async () => {
  const t = tempDir('blink-golden-');
  try {
    const io = recordingIo(repo);
    const code = await renderCli(['--out', process.env['UPDATE'] ? 'out' : join(t.dir, 'out')], io);
    assert.is(code, 0, io.err());
    if (process.env['UPDATE']) return;
    const fresh = contents(snapshot(join(t.dir, 'out')));
    const committed = contents(snapshot(join(repo, 'out')));
    assert.equal(Object.keys(committed), Object.keys(fresh), 'same files');
    for (const k of Object.keys(fresh)) assert.fixture(committed[k]!, fresh[k]!, k);
  } finally {
    rmSync(t.dir, { recursive: true, force: true });
  }
});

cli.run();
golden.run();
