import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { memoryOutFs, type MemoryOutFs, type OutFsOp } from '../../src/write/memoryOutFs.js';
import { outFiles, type OutFile } from '../../src/write/outFiles.js';
import { writeOut } from '../../src/write/writeOut.js';
import { tinyArtifacts, tinyFleet } from './tinyFleet.js';

const OUT = '/repo/out';

function files(): OutFile[] {
  const fleet = tinyFleet();
  return outFiles(fleet, tinyArtifacts(fleet));
}

/** The next render: one conf changed, one instance gone, one new instance added. */
function nextFiles(): OutFile[] {
  const fleet = tinyFleet();
  fleet.instances = fleet.instances.filter((i) => i.id !== 'zeta-prod');
  fleet.instances.push({ ...fleet.instances[0]!, id: 'new-prod', client: 'new', host: 'new.example.com', port: 9000, geventPort: 9003 });
  return outFiles(fleet, tinyArtifacts(fleet)).map((f) =>
    f.path === 'hosts/acme.example.com/etc/odoo/acme.example.com.conf' ? { ...f, content: f.content + 'workers = 2\n' } : f,
  );
}

function rendered(): MemoryOutFs {
  const fs = memoryOutFs({ '/repo/README': 'mine' });
  const r = writeOut(OUT, files(), fs);
  assert.equal(r.diagnostics, []);
  return fs;
}

const s = suite('writeOut (failures, in memory)');

s('the fake agrees with the disk on a full cycle', () => {
  const fs = rendered();
  const r = writeOut(OUT, nextFiles(), fs);
  assert.equal(r.diagnostics, []);
  assert.ok(r.written.includes('hosts/new.example.com/etc/odoo/new.example.com.conf'));
  assert.ok(r.removed.includes('hosts/zeta.example.com/etc/odoo/zeta.example.com.conf'));
  assert.not.ok(fs.snapshot().some((l) => l.includes('zeta.example.com')));
  assert.not.ok(fs.snapshot().some((l) => l.includes('blink-tmp') || l.includes('.tmp-')));
});

const STAGING_OPS: [OutFsOp, number][] = [
  ['writeFile', 1],
  ['writeFile', 2],
  ['writeFile', 3],
  ['symlink', 1],
  ['mkdirp', 1],
  ['mkdirp', 3],
];

for (const [op, nth] of STAGING_OPS) {
  s(`a failing ${op} #${nth} while staging leaves out/ byte-identical, without temp files`, () => {
    const fs = rendered();
    const before = fs.snapshot();
    fs.failOn(op, nth, 'ENOSPC');
    const r = writeOut(OUT, nextFiles(), fs);
    assert.equal(fs.snapshot(), before);
    assert.equal(r.written, []);
    assert.equal(r.removed, []);
    assert.is(r.diagnostics.length, 1);
    const d = r.diagnostics[0]!;
    assert.is(d.code, 'BLINK402');
    assert.ok(d.file?.startsWith(`${OUT}/`), d.file);
    assert.ok(d.message.includes('ENOSPC'), d.message);
    assert.ok(d.message.includes(d.file!), 'names the path');
  });
}

const FRESH_OPS: [OutFsOp, number][] = [
  ['writeFile', 1],
  ['writeFile', 5],
  ['symlink', 2],
  ['mkdirp', 4],
  ['rename', 1],
];

for (const [op, nth] of FRESH_OPS) {
  s(`a failing ${op} #${nth} on a fresh render leaves no out/ and no sibling temp folder`, () => {
    const fs = memoryOutFs({ '/repo/README': 'mine' });
    const before = fs.snapshot();
    fs.failOn(op, nth, 'EACCES');
    const r = writeOut(OUT, files(), fs);
    assert.equal(fs.snapshot(), before);
    assert.equal(r.diagnostics.map((d) => d.code), ['BLINK402']);
    assert.ok(r.diagnostics[0]!.message.includes('EACCES'));
  });
}

s('an unchanged render reads each file once and writes, renames and removes nothing', () => {
  const fs = rendered();
  const before = { ...fs.calls };
  const set = files();
  const r = writeOut(OUT, set, fs);
  assert.is(r.unchanged.length, set.length);
  const delta = (op: OutFsOp): number => fs.calls[op] - before[op];
  assert.is(delta('read'), set.filter((f) => f.linkTarget === undefined).length);
  assert.is(delta('list'), 1);
  // out/ itself, then one per link for its target.
  assert.is(delta('lstat'), 1 + set.filter((f) => f.linkTarget !== undefined).length);
  for (const op of ['writeFile', 'symlink', 'rename', 'unlink', 'rmdir', 'mkdirp'] as const) assert.is(delta(op), 0, op);
});

s('a fresh render makes each folder once', () => {
  const fs = memoryOutFs();
  const set = files();
  writeOut(OUT, set, fs);
  const dirs = new Set<string>(['']);
  for (const f of set) for (let d = f.path; d.includes('/'); ) dirs.add((d = d.slice(0, d.lastIndexOf('/'))));
  assert.is(fs.calls.mkdirp, dirs.size);
  assert.is(fs.calls.rename, 1);
});

s('a leftover sibling temp folder is left alone and the staged path is taken', () => {
  const fs = memoryOutFs({ [`${OUT}.tmp-${process.pid}/junk`]: 'old' });
  const r = writeOut(OUT, files(), fs);
  assert.equal(r.diagnostics, []);
  assert.is(r.written.length, files().length);
  assert.ok(fs.snapshot().some((l) => l.startsWith(`${OUT}.tmp-${process.pid}/junk file`)));
  assert.not.ok(fs.snapshot().some((l) => l.includes('blink-tmp')));
});

s('a staging failure on that path also removes the out/ folder it made', () => {
  const fs = memoryOutFs({ [`${OUT}.tmp-${process.pid}/junk`]: 'old' });
  const before = fs.snapshot();
  fs.failOn('writeFile', 4);
  const r = writeOut(OUT, files(), fs);
  assert.equal(r.diagnostics.map((d) => d.code), ['BLINK402']);
  assert.equal(fs.snapshot(), before);
});

s('a failure after staging is reported, and the rest of the commit still runs', () => {
  const fs = rendered();
  fs.failOn('unlink', 1, 'EPERM');
  const r = writeOut(OUT, nextFiles(), fs);
  assert.equal(r.diagnostics.map((d) => d.code), ['BLINK402']);
  assert.ok(r.written.includes('hosts/new.example.com/etc/odoo/new.example.com.conf'));
  assert.is(r.removed.length, 2);
});

s.run();
