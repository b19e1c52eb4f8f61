import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { memoryOutFs, type MemoryOutFs } from '../../src/write/memoryOutFs.js';
import { outFiles, type OutFile } from '../../src/write/outFiles.js';
import { checkOut, writeOut } from '../../src/write/writeOut.js';
import { tinyArtifacts, tinyFleet } from './tinyFleet.js';

const OUT = '/repo/out';
const CONF = 'hosts/acme.example.com/etc/odoo/acme.example.com.conf';

function files(): OutFile[] {
  const fleet = tinyFleet();
  return outFiles(fleet, tinyArtifacts(fleet));
}

function rendered(): MemoryOutFs {
  const fs = memoryOutFs();
  writeOut(OUT, files(), fs);
  return fs;
}

const s = suite('checkOut');

s('an up-to-date out/ has nothing stale, and checking writes nothing', () => {
  const fs = rendered();
  const before = fs.snapshot();
  const r = checkOut(OUT, files(), fs);
  assert.equal(r, { stale: [], diagnostics: [] });
  assert.equal(fs.snapshot(), before);
});

s('lists what a render would write or remove, one BLINK403 each with the hint', () => {
  const fs = rendered();
  const fleet = tinyFleet();
  fleet.instances = fleet.instances.filter((i) => i.id !== 'zeta-prod');
  const next = outFiles(fleet, tinyArtifacts(fleet)).map((f) => (f.path === CONF ? { ...f, content: 'edited\n' } : f));
  next.push({ path: 'hosts/acme.example.com/etc/extra', content: 'x', mode: 0o644 });
  const r = checkOut(OUT, next, fs);
  assert.equal(r.stale, [
    'fleet.json',
    'fleet.md',
    'hosts/acme.example.com/etc/extra',
    CONF,
    'hosts/zeta.example.com/etc/nginx/sites-available/zeta.example.com',
    'hosts/zeta.example.com/etc/nginx/sites-enabled/zeta.example.com',
    'hosts/zeta.example.com/etc/odoo/zeta.example.com.conf',
  ]);
  assert.is(r.diagnostics.length, r.stale.length);
  for (const d of r.diagnostics) {
    assert.is(d.code, 'BLINK403');
    assert.is(d.severity, 'error');
    assert.is(d.hint, 'run blink-render and commit out/');
    assert.ok(d.file?.startsWith(`${OUT}/`));
  }
  assert.match(r.diagnostics.find((d) => d.file === `${OUT}/${CONF}`)!.message, /differs/);
  assert.match(r.diagnostics.find((d) => d.file?.includes('zeta'))!.message, /remove/);
});

s('of the mode only the executable bit counts, as in git', () => {
  const group = memoryOutFs();
  writeOut(OUT, files().map((f) => ({ ...f, mode: f.mode === 0o644 ? 0o664 : f.mode })), group);
  assert.equal(checkOut(OUT, files(), group).stale, []);
  const exec = rendered();
  const next = files().map((f) => (f.path === CONF ? { ...f, mode: 0o755 } : f));
  assert.equal(checkOut(OUT, next, exec).stale, [CONF]);
});

s('a missing out/ is all stale', () => {
  const r = checkOut(OUT, files(), memoryOutFs());
  assert.is(r.stale.length, files().length);
});

s('a folder that is not an out/ is the same refusal writeOut gives', () => {
  const r = checkOut(OUT, files(), memoryOutFs({ [`${OUT}/notes.txt`]: 'mine' }));
  assert.equal(r.stale, []);
  assert.equal(r.diagnostics.map((d) => d.code), ['BLINK402']);
});

s('with a scope, only paths inside it are checked', () => {
  const fs = rendered();
  const scope = (rel: string): boolean => rel === 'fleet.json' || rel === 'fleet.md' || rel.startsWith('hosts/acme.example.com/');
  const r = checkOut(OUT, files().filter((f) => scope(f.path)), { fs, scope });
  assert.equal(r.stale, []);
});

s.run();
