/**
 * Inputs the loaders meet in real trees: links (inside, outside, dangling,
 * looping), editor leftovers and FIFOs in config/, templates/ and
 * custom-addons/. Each either works or is one diagnostic naming the entry —
 * for the loader, the render cache's fingerprint and both CLIs, never a throw.
 */
import { cpSync, mkdirSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { applyCli } from '../../src/cli/apply.js';
import { renderCli } from '../../src/cli/render.js';
import type { Diagnostic } from '../../src/diagnostics/Diagnostic.js';
import { listSourceTree } from '../../src/load/listSourceTree.js';
import { loadFleetSource } from '../../src/load/loadFleetSource.js';
import { nodeFs } from '../../src/load/SourceFs.js';
import { fingerprint } from '../../src/write/renderCache.js';
import { recordingIo } from '../support/cliIo.js';
import { tempDir } from '../support/tmp.js';
import { contents, snapshot } from '../support/treeSnapshot.js';

const repo = new URL('../../', import.meta.url).pathname.replace(/\/$/, '');

interface Project {
  dir: string;
  cleanup: () => void;
  /** blink-render in-process, with a render cache so the fingerprint runs too. */
  render: (...argv: string[]) => Promise<{ code: number; out: string; err: string }>;
  /** What the loader and the fingerprint make of the tree. */
  load: () => Diagnostic[];
}

function project(): Project {
  const t = tempDir('blink-links-');
  for (const d of ['config', 'custom-addons', 'templates']) cpSync(join(repo, d), join(t.dir, d), { recursive: true });
  const env = { BLINK_CACHE_DIR: join(t.dir, '.cache') };
  const paths = { configDir: join(t.dir, 'config'), addonsDir: join(t.dir, 'custom-addons'), templatesDir: join(t.dir, 'templates') };
  return {
    ...t,
    render: async (...argv) => {
      const io = recordingIo(t.dir, { env });
      const code = await renderCli(['--templates', 'templates', ...argv], io);
      return { code, out: io.out(), err: io.err() };
    },
    load: () => {
      fingerprint({ ...paths, cwd: t.dir, packageDir: repo });
      // The templates folder is named as given (absolute here); config/ and custom-addons/ relative to cwd.
      return loadFleetSource({ ...paths, cwd: t.dir }).diagnostics.map((d) => ({ ...d, file: d.file?.replace(`${t.dir}/`, '') }));
    },
  };
}

const at = (d: Diagnostic): string => `${d.code} ${d.file}`;

const links = suite('links and leftovers in input folders');

links('a folder linked inside config/ is followed: the render is the same as without the link', async () => {
  const p = project();
  try {
    assert.is((await p.render('--out', 'plain')).code, 0);
    renameSync(join(p.dir, 'config/hosts'), join(p.dir, 'config/shared-hosts'));
    symlinkSync('shared-hosts', join(p.dir, 'config/hosts'));
    const r = await p.render('--out', 'linked');
    assert.is(r.code, 0, r.err);
    assert.equal(contents(snapshot(join(p.dir, 'linked'))), contents(snapshot(join(p.dir, 'plain'))));
  } finally {
    p.cleanup();
  }
});

links('editor lock, swap and backup files are skipped without a word, even a dangling lock link', async () => {
  const p = project();
  try {
    assert.is((await p.render('--out', 'plain')).code, 0);
    symlinkSync('someone@laptop.4242:1700000000', join(p.dir, 'templates/.#odoo.conf.hbs'));
    symlinkSync('someone@laptop.4242:1700000000', join(p.dir, 'config/hosts/.#demo.somosblink.com.conf'));
    writeFileSync(join(p.dir, 'templates/odoo.conf.hbs~'), 'old copy');
    writeFileSync(join(p.dir, 'config/base.conf~'), '[options]\nlist_db = maybe\n');
    writeFileSync(join(p.dir, 'config/#base.conf#'), 'autosave');
    writeFileSync(join(p.dir, 'config/.base.conf.swp'), new Uint8Array([0, 1, 2]));
    writeFileSync(join(p.dir, 'config/base.conf.swp'), new Uint8Array([0, 1, 2]));
    assert.equal(p.load(), []);
    const r = await p.render('--out', 'edited');
    assert.is(r.code, 0, r.err);
    assert.is(r.err, '');
    assert.equal(contents(snapshot(join(p.dir, 'edited'))), contents(snapshot(join(p.dir, 'plain'))));
  } finally {
    p.cleanup();
  }
});

links('a dangling link is BLINK017 naming it, in config/, templates/ and custom-addons/', async () => {
  const p = project();
  try {
    symlinkSync('gone.conf', join(p.dir, 'config/hosts/demo.somosblink.com.conf.bak'));
    symlinkSync('nowhere.hbs', join(p.dir, 'templates/extra.hbs'));
    symlinkSync('../elsewhere/module', join(p.dir, 'custom-addons/ghost_module'));
    assert.equal(p.load().map(at), ['BLINK017 config/hosts/demo.somosblink.com.conf.bak', 'BLINK017 custom-addons/ghost_module', 'BLINK017 templates/extra.hbs']);
    const r = await p.render();
    assert.is(r.code, 1);
    assert.match(r.err, 'templates/extra.hbs: error BLINK017: link that leads nowhere');
    assert.match(r.err, /hint: remove it, or point it at a file or folder inside \S*templates\//);
    assert.not.match(r.err, /\n\s+at /);
  } finally {
    p.cleanup();
  }
});

links('a link out of config/ is BLINK017 and is not read through', async () => {
  const p = project();
  try {
    mkdirSync(join(p.dir, 'elsewhere'));
    writeFileSync(join(p.dir, 'elsewhere/outside.conf'), '[options]\nlist_db = True\n');
    symlinkSync('../../elsewhere/outside.conf', join(p.dir, 'config/hosts/corteperfecto.somosblink.com.extra.conf'));
    symlinkSync('../custom-addons', join(p.dir, 'config/addons'));
    const d = p.load();
    assert.equal(d.map(at), ['BLINK017 config/addons', 'BLINK017 config/hosts/corteperfecto.somosblink.com.extra.conf']);
    assert.match(d[0]!.message, 'outside config/');
    assert.match(d[0]!.hint!, 'copy what it points at into config/');
  } finally {
    p.cleanup();
  }
});

links('a link back to a containing folder is BLINK018; links pointing at each other are BLINK017', async () => {
  const p = project();
  try {
    symlinkSync('.', join(p.dir, 'config/loop'));
    symlinkSync('..', join(p.dir, 'config/hosts/up'));
    symlinkSync('b', join(p.dir, 'config/a'));
    symlinkSync('a', join(p.dir, 'config/b'));
    assert.equal(p.load().map(at), ['BLINK017 config/a', 'BLINK017 config/b', 'BLINK018 config/hosts/up', 'BLINK018 config/loop']);
    const r = await p.render();
    assert.is(r.code, 1);
    assert.match(r.err, 'config/loop: error BLINK018: link back to config/, a folder that contains it: a loop');
  } finally {
    p.cleanup();
  }
});

links('a FIFO is BLINK019 and never opened (a read would hang)', () => {
  const p = project();
  try {
    const fifo = spawnSync('mkfifo', [join(p.dir, 'config/hosts/pipe.conf')]);
    assert.is(fifo.status, 0, String(fifo.stderr));
    assert.equal(p.load().map(at), ['BLINK019 config/hosts/pipe.conf']);
  } finally {
    p.cleanup();
  }
});

links('blink-apply reports a refused link as a diagnostic, before any server, without a stack trace', async () => {
  const p = project();
  try {
    symlinkSync('nowhere.hbs', join(p.dir, 'templates/extra.hbs'));
    const io = recordingIo(p.dir, { env: { BLINK_CACHE_DIR: join(p.dir, '.cache') } });
    const code = await applyCli(['--diff', '--templates', 'templates'], io);
    assert.is(code, 1);
    assert.match(io.err(), 'templates/extra.hbs: error BLINK017');
    assert.not.match(io.err(), /\n\s+at /);
  } finally {
    p.cleanup();
  }
});

links('the listing walks a deep tree without recursion and in name order', () => {
  const t = tempDir('blink-deep-');
  try {
    let dir = t.dir;
    for (let i = 0; i < 300; i++) mkdirSync((dir = join(dir, 'd')));
    writeFileSync(join(dir, 'x.conf'), '');
    writeFileSync(join(t.dir, 'b.conf'), '');
    writeFileSync(join(t.dir, 'a.conf'), '');
    const tree = listSourceTree(nodeFs, t.dir, 'config', { recursive: true });
    assert.equal(tree.diagnostics, []);
    assert.equal(tree.files, ['a.conf', 'b.conf', `${'d/'.repeat(300)}x.conf`]);
  } finally {
    t.cleanup();
  }
});

links.run();
