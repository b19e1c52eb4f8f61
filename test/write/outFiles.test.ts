import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { outFiles, outPath } from '../../src/write/outFiles.js';
import { conf, script, tinyArtifacts, tinyFleet } from './tinyFleet.js';

const s = suite('outFiles');

s('maps instance artifacts under hosts/<host>/ and per-server ones under servers/<server>/', () => {
  const fleet = tinyFleet();
  const acme = fleet.instances[0]!;
  assert.is(outPath(conf(acme)), 'hosts/acme.example.com/etc/odoo/acme.example.com.conf');
  assert.is(outPath(script('lab', 'blink-restore')), 'servers/lab/usr/local/sbin/blink-restore');
});

s('lists every artifact, bootstrap ones too, plus fleet.json and fleet.md, sorted by path', () => {
  const fleet = tinyFleet();
  const artifacts = tinyArtifacts(fleet);
  const files = outFiles(fleet, artifacts);
  assert.is(files.length, artifacts.length + 2);
  const paths = files.map((f) => f.path);
  assert.equal(paths, [...paths].sort());
  assert.ok(paths.includes('fleet.json'));
  assert.ok(paths.includes('fleet.md'));
  assert.ok(paths.includes('hosts/acme.example.com/etc/nginx/sites-available/acme.example.com.acme'));
  assert.ok(paths.includes('servers/aws-1/usr/local/sbin/blink-backup'));
});

s('carries only the executable bit of the server mode', () => {
  const files = outFiles(tinyFleet(), tinyArtifacts());
  const byPath = new Map(files.map((f) => [f.path, f]));
  assert.is(byPath.get('servers/lab/usr/local/sbin/blink-backup')!.mode, 0o755);
  assert.is(byPath.get('hosts/zeta.example.com/etc/odoo/zeta.example.com.conf')!.mode, 0o644);
  assert.is(byPath.get('fleet.json')!.mode, 0o644);
});

s('keeps content verbatim, secret references included', () => {
  const files = outFiles(tinyFleet(), tinyArtifacts());
  const c = files.find((f) => f.path === 'hosts/acme.example.com/etc/odoo/acme.example.com.conf')!;
  assert.ok(c.content.includes('admin_passwd = ${secret:admin_passwd}'));
});

s('turns an absolute link target into one relative to the link, so it resolves inside out/', () => {
  const files = outFiles(tinyFleet(), tinyArtifacts());
  const link = files.find((f) => f.path === 'hosts/acme.example.com/etc/nginx/sites-enabled/acme.example.com')!;
  assert.is(link.linkTarget, '../sites-available/acme.example.com');
  assert.is(link.content, '');
});

s('is deterministic whatever the artifact order', () => {
  const fleet = tinyFleet();
  const artifacts = tinyArtifacts(fleet);
  const a = outFiles(fleet, artifacts);
  const b = outFiles({ ...fleet, servers: [...fleet.servers].reverse(), instances: [...fleet.instances].reverse() }, [...artifacts].reverse());
  assert.equal(a, b);
});

s.run();
