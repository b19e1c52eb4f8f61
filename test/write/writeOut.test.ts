import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { tempDir } from '../support/tmp.js';
import { nodeOutFs } from '../../src/write/OutFs.js';
import { outFiles, type OutFile } from '../../src/write/outFiles.js';
import { writeOut } from '../../src/write/writeOut.js';
import { diskTree } from './diskTree.js';
import { tinyArtifacts, tinyFleet } from './tinyFleet.js';

const OLD = new Date('2001-02-03T04:05:06Z');
const CONF = 'hosts/acme.example.com/etc/odoo/acme.example.com.conf';
const LINK = 'hosts/acme.example.com/etc/nginx/sites-enabled/acme.example.com';
const SCRIPT = 'servers/lab/usr/local/sbin/blink-backup';

function files(): OutFile[] {
  const fleet = tinyFleet();
  return outFiles(fleet, tinyArtifacts(fleet));
}

/** Every file and folder under dir back-dated, so a rewrite shows as a new mtime. */
function ageAll(dir: string): void {
  for (const rel of readdirSync(dir, { recursive: true }) as string[]) {
    if (!lstatSync(`${dir}/${rel}`).isSymbolicLink()) utimesSync(`${dir}/${rel}`, OLD, OLD);
  }
}
const mtime = (p: string): number => statSync(p).mtimeMs;

let tmp: { dir: string; cleanup: () => void };
const s = suite('writeOut (disk)');
s.before.each(() => {
  tmp = tempDir('blink-write-');
});
s.after.each(() => tmp.cleanup());

s('a first write creates the whole tree in one step', () => {
  const out = `${tmp.dir}/out`;
  const fs = files();
  const r = writeOut(out, fs);
  assert.equal(r.diagnostics, []);
  assert.equal(r.written, fs.map((f) => f.path));
  assert.equal(r.unchanged, []);
  for (const f of fs) {
    if (f.linkTarget) continue;
    assert.is(readFileSync(`${out}/${f.path}`, 'utf8'), f.content, f.path);
    assert.is(statSync(`${out}/${f.path}`).mode & 0o7777, f.mode, f.path);
  }
  assert.equal(readdirSync(tmp.dir), ['out'], 'no sibling temp folder left');
});

s('symlinks are real symlinks that resolve inside out/', () => {
  const out = `${tmp.dir}/out`;
  writeOut(out, files());
  assert.ok(lstatSync(`${out}/${LINK}`).isSymbolicLink());
  assert.is(readlinkSync(`${out}/${LINK}`), '../sites-available/acme.example.com');
  assert.ok(readFileSync(`${out}/${LINK}`, 'utf8').includes('server_name acme.example.com'));
});

s('the file mode is exact whatever the umask', () => {
  const out = `${tmp.dir}/out`;
  const before = process.umask(0o077);
  try {
    writeOut(out, files());
  } finally {
    process.umask(before);
  }
  assert.is(statSync(`${out}/${SCRIPT}`).mode & 0o7777, 0o755);
  assert.is(statSync(`${out}/fleet.json`).mode & 0o7777, 0o644);
});

s('a second write of the same files writes nothing and keeps every mtime', () => {
  const out = `${tmp.dir}/out`;
  writeOut(out, files());
  ageAll(out);
  const before = diskTree(out);
  const r = writeOut(out, files());
  assert.equal(r.diagnostics, []);
  assert.equal(r.written, []);
  assert.equal(r.removed, []);
  assert.is(r.unchanged.length, files().length);
  assert.equal(diskTree(out), before);
  for (const f of files()) if (!f.linkTarget) assert.is(mtime(`${out}/${f.path}`), OLD.getTime(), f.path);
});

s('non-ASCII content is written as UTF-8 and found unchanged next time', () => {
  const out = `${tmp.dir}/out`;
  const next = files().map((f) => (f.path === CONF ? { ...f, content: '# Peluquería Peña — “Zoë” ✓ 🦄\n' } : f));
  writeOut(out, next);
  assert.is(readFileSync(`${out}/${CONF}`, 'utf8'), '# Peluquería Peña — “Zoë” ✓ 🦄\n');
  assert.equal(writeOut(out, next).written, []);
});

s('a changed file is rewritten and only it', () => {
  const out = `${tmp.dir}/out`;
  writeOut(out, files());
  ageAll(out);
  const next = files().map((f) => (f.path === CONF ? { ...f, content: f.content + 'workers = 4\n' } : f));
  const r = writeOut(out, next);
  assert.equal(r.written, [CONF]);
  assert.ok(readFileSync(`${out}/${CONF}`, 'utf8').endsWith('workers = 4\n'));
  assert.is.not(mtime(`${out}/${CONF}`), OLD.getTime());
  assert.is(mtime(`${out}/fleet.json`), OLD.getTime());
  assert.equal(readdirSync(`${out}/hosts/acme.example.com/etc/odoo`), ['acme.example.com.conf'], 'no temp file left');
});

s('a mode change alone is rewritten', () => {
  const out = `${tmp.dir}/out`;
  writeOut(out, files());
  const next = files().map((f) => (f.path === CONF ? { ...f, mode: 0o755 } : f));
  const r = writeOut(out, next);
  assert.equal(r.written, [CONF]);
  assert.is(statSync(`${out}/${CONF}`).mode & 0o7777, 0o755);
});

s('a link pointing elsewhere is replaced', () => {
  const out = `${tmp.dir}/out`;
  writeOut(out, files());
  const next = files().map((f) => (f.path === LINK ? { ...f, linkTarget: '../sites-available/other' } : f));
  const r = writeOut(out, next);
  assert.equal(r.written, [LINK]);
  assert.is(readlinkSync(`${out}/${LINK}`), '../sites-available/other');
});

s("a removed instance's files go, then its emptied folders; nothing else moves", () => {
  const out = `${tmp.dir}/out`;
  writeOut(out, files());
  ageAll(out);
  const fleet = tinyFleet();
  fleet.instances = fleet.instances.filter((i) => i.id !== 'zeta-prod');
  const r = writeOut(out, outFiles(fleet, tinyArtifacts(fleet)));
  assert.equal(r.diagnostics, []);
  assert.equal(r.written, ['fleet.json', 'fleet.md']);
  assert.equal(r.removed, [
    'hosts/zeta.example.com/etc/nginx/sites-available/zeta.example.com',
    'hosts/zeta.example.com/etc/nginx/sites-enabled/zeta.example.com',
    'hosts/zeta.example.com/etc/odoo/zeta.example.com.conf',
  ]);
  assert.not.ok(existsSync(`${out}/hosts/zeta.example.com`));
  assert.ok(existsSync(`${out}/${SCRIPT}`), 'the server keeps its own files');
  assert.is(mtime(`${out}/${CONF}`), OLD.getTime());
});

s('a removed server leaves no folder behind', () => {
  const out = `${tmp.dir}/out`;
  writeOut(out, files());
  const fleet = tinyFleet();
  fleet.instances = fleet.instances.filter((i) => i.server !== 'lab');
  fleet.servers = fleet.servers.filter((x) => x.name !== 'lab');
  writeOut(out, outFiles(fleet, tinyArtifacts(fleet)));
  assert.equal(readdirSync(`${out}/servers`), ['aws-1']);
  assert.equal(readdirSync(`${out}/hosts`).sort(), ['acme-test.example.com', 'acme.example.com']);
});

s('leftovers of an interrupted run and stray files in out/ are removed', () => {
  const out = `${tmp.dir}/out`;
  writeOut(out, files());
  writeFileSync(`${out}/hosts/acme.example.com/etc/odoo/.acme.example.com.conf.blink-tmp-4242`, 'half');
  mkdirSync(`${out}/stray/empty`, { recursive: true });
  const r = writeOut(out, files());
  assert.equal(r.removed, ['hosts/acme.example.com/etc/odoo/.acme.example.com.conf.blink-tmp-4242']);
  assert.not.ok(existsSync(`${out}/stray`));
});

s('a folder where a file now goes, and a file where a folder now goes, are replaced', () => {
  const out = `${tmp.dir}/out`;
  writeOut(out, files());
  const CONFDIR = 'hosts/acme.example.com/etc/odoo';
  const sneaky = files().filter((f) => f.path !== CONF);
  // etc/odoo becomes a file, so the conf below it cannot exist any more.
  sneaky.push({ path: CONFDIR, content: 'now a file\n', mode: 0o644 });
  const r1 = writeOut(out, sneaky);
  assert.equal(r1.diagnostics, []);
  assert.is(readFileSync(`${out}/${CONFDIR}`, 'utf8'), 'now a file\n');
  const r2 = writeOut(out, files());
  assert.equal(r2.diagnostics, []);
  assert.equal(diskTree(out), (writeOut(`${tmp.dir}/fresh`, files()), diskTree(`${tmp.dir}/fresh`)));
  assert.not.ok(readdirSync(out).some((n) => n.startsWith('.blink-stage')), 'stage folder removed');
});

s('an existing empty folder is filled', () => {
  const out = `${tmp.dir}/out`;
  mkdirSync(out);
  const r = writeOut(out, files());
  assert.equal(r.diagnostics, []);
  assert.is(r.written.length, files().length);
  assert.equal(readdirSync(tmp.dir), ['out']);
});

s('a missing parent of out/ is made', () => {
  const out = `${tmp.dir}/a/b/out/`;
  const r = writeOut(out, files());
  assert.equal(r.diagnostics, []);
  assert.ok(existsSync(`${tmp.dir}/a/b/out/fleet.json`));
});

s('refuses a non-empty folder without fleet.json and leaves it alone', () => {
  const out = `${tmp.dir}/home`;
  mkdirSync(out);
  writeFileSync(`${out}/thesis.tex`, 'years of work');
  const r = writeOut(out, files());
  assert.is(r.diagnostics.length, 1);
  assert.is(r.diagnostics[0]!.code, 'BLINK402');
  assert.is(r.diagnostics[0]!.file, out);
  assert.ok(r.diagnostics[0]!.hint);
  assert.equal(diskTree(out), ['thesis.tex 644 years of work']);
  assert.equal(readdirSync(tmp.dir), ['home']);
});

s('refuses when out is a file', () => {
  const out = `${tmp.dir}/out`;
  writeFileSync(out, 'x');
  const r = writeOut(out, files());
  assert.equal(r.diagnostics.map((d) => d.code), ['BLINK402']);
  assert.is(readFileSync(out, 'utf8'), 'x');
});

s('with a scope, entries outside it are neither removed nor counted', () => {
  const out = `${tmp.dir}/out`;
  writeOut(out, files());
  const scope = (rel: string): boolean => rel === 'fleet.json' || rel === 'fleet.md' || rel.startsWith('hosts/acme.example.com/');
  const r = writeOut(out, files().filter((f) => scope(f.path)), { fs: nodeOutFs, scope });
  assert.equal(r.diagnostics, []);
  assert.equal(r.removed, []);
  assert.equal(r.written, []);
  assert.ok(existsSync(`${out}/${SCRIPT}`));
  assert.ok(existsSync(`${out}/hosts/zeta.example.com/etc/odoo/zeta.example.com.conf`));
});

s('a file set that would escape out/, collide or nest is refused before anything is written', () => {
  const out = `${tmp.dir}/out`;
  const base = files();
  const cases: OutFile[][] = [
    [...base, { path: '../escape', content: '', mode: 0o644 }],
    [...base, { path: '/etc/passwd', content: '', mode: 0o644 }],
    [...base, { ...base[0]! }],
    [...base, { path: 'fleet.json/inner', content: '', mode: 0o644 }],
    base.filter((f) => f.path !== 'fleet.json'),
  ];
  for (const set of cases) {
    const r = writeOut(out, set);
    assert.ok(r.diagnostics.length > 0);
    assert.ok(r.diagnostics.every((d) => d.code === 'BLINK402'));
    assert.not.ok(existsSync(out));
  }
});

s.run();
