/**
 * servers.<name>.postgres: the settings compile derives from memory_mb, and
 * the check that Odoo's connection pools fit in max_connections (BLINK280),
 * asserted by code, position and the per-instance sums it shows.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { postgresSettings } from '../../src/compile/postgresSettings.js';
import { brief, buildTree, editClients, lineOf, patchedTree, sampleTree } from '../support/configTree.js';

const s = suite('PostgreSQL settings and connection capacity');

const clientsWith = (...edits: [string, string][]): Record<string, string> => {
  let text = sampleTree()['config/clients.yaml']!;
  for (const [from, to] of edits) {
    if (!text.includes(from)) throw new Error(`sample clients.yaml has no ${from}`);
    text = text.replace(from, to);
  }
  return patchedTree({ 'config/clients.yaml': text });
};

const setting = (p: ReturnType<typeof postgresSettings>, name: string) => p.settings.find((x) => x.name === name)!.setting.value;

s('memory settings follow the stated rule, and clients.yaml overrides each one', () => {
  const p = postgresSettings(undefined, 4096);
  assert.is(p.version, 15);
  assert.is(p.confPath, '/etc/postgresql/15/main/conf.d/blink.conf');
  assert.equal(p.settings.map((x) => `${x.name}=${x.setting.value}`), [
    "listen_addresses='localhost'",
    'max_connections=100',
    'superuser_reserved_connections=3',
    'shared_buffers=1024MB',
    'effective_cache_size=3072MB',
    'maintenance_work_mem=256MB',
    'work_mem=10MB',
  ]);
  // maintenance_work_mem stops at 2 GB; work_mem never goes below 1 MB.
  assert.is(setting(postgresSettings(undefined, 65536), 'maintenance_work_mem'), '2048MB');
  assert.is(setting(postgresSettings({ max_connections: 10000 }, 512), 'work_mem'), '1MB');
  const o = postgresSettings({ version: 16, max_connections: 300, shared_buffers_mb: 512, effective_cache_size_mb: 2000, work_mem_mb: 4, maintenance_work_mem_mb: 64 }, 4096);
  assert.is(o.confPath, '/etc/postgresql/16/main/conf.d/blink.conf');
  assert.equal(o.settings.map((x) => x.setting.value).slice(1), ['300', '3', '512MB', '2000MB', '64MB', '4MB']);
  assert.ok(o.settings.slice(1).every((x) => x.name === 'superuser_reserved_connections' || x.setting.why === 'set in clients.yaml'));
});

s('the sample fleet fits: no BLINK280', () => {
  const r = buildTree(sampleTree());
  assert.equal(r.diagnostics.filter((d) => d.code === 'BLINK280'), []);
});

s('too many pools on a server: one error at the server, with each instance\'s sum and a hint', () => {
  const tree = editClients('kind: production, port: 8069, workers: 2', 'kind: production, port: 8069, workers: 6');
  const r = buildTree(tree);
  const d = r.diagnostics.filter((x) => x.code === 'BLINK280');
  assert.equal(d.map(brief), [`BLINK280 config/clients.yaml:${lineOf(tree, 'config/clients.yaml', '  aws-1:')}:3`]);
  assert.is(d[0]!.severity, 'error');
  assert.is(d[0]!.server, 'aws-1');
  // prod: (6 workers + 1 cron from base.conf) × 32 (its host file) + the gevent process's 32; the two threaded ones 16 each (base.conf).
  assert.is(
    d[0]!.message,
    'server aws-1: Odoo may open 288 PostgreSQL connections, more than max_connections 200 - superuser_reserved_connections 3 = 197 (blink-internal 16 = 1 process × db_maxconn 16; corteperfecto-prod 256 = (6 workers + 1 cron) × db_maxconn 32 + gevent 32; corteperfecto-test 16 = 1 process × db_maxconn 16)',
  );
  assert.match(d[0]!.hint!, /lower db_maxconn or workers.*raise servers\.aws-1\.postgres\.max_connections to at least 291/);
  assert.is(r.artifacts.length, 0, 'an error stops the render');
});

s('db_maxconn_gevent sizes the gevent process\'s pool; max_connections and the reserve decide the limit', () => {
  const gevent = clientsWith(['kind: production, port: 8069, workers: 2 }', 'kind: production, port: 8069, workers: 2, odoo: { db_maxconn_gevent: 8 } }'], ['max_connections: 200', 'max_connections: 130, superuser_reserved_connections: 10']);
  // prod (2 + 1) × 32 + 8 = 104, + 16 + 16 = 136 > 120.
  const d = buildTree(gevent).diagnostics.filter((x) => x.code === 'BLINK280');
  assert.is(d.length, 1);
  assert.match(d[0]!.message, /may open 136 PostgreSQL connections, more than max_connections 130 - superuser_reserved_connections 10 = 120 .*corteperfecto-prod 104 = \(2 workers \+ 1 cron\) × db_maxconn 32 \+ gevent 8/);
  const fits = clientsWith(['kind: production, port: 8069, workers: 2 }', 'kind: production, port: 8069, workers: 2, odoo: { db_maxconn_gevent: 8 } }'], ['max_connections: 200', 'max_connections: 140, superuser_reserved_connections: 4']);
  assert.equal(buildTree(fits).diagnostics.filter((x) => x.code === 'BLINK280'), []);
});

s('postgres_test without {file} would check the live file: BLINK261 at the command', () => {
  const tree = editClients('    postgres: { max_connections: 200 }\n', '    postgres: { max_connections: 200 }\n    commands: { postgres_test: "postgres -C max_connections" }\n');
  const r = buildTree(tree);
  const line = lineOf(tree, 'config/clients.yaml', 'postgres_test:');
  const column = tree['config/clients.yaml']!.split('\n')[line - 1]!.indexOf('"postgres -C') + 1;
  assert.equal(r.diagnostics.filter((d) => d.code === 'BLINK261').map(brief), [`BLINK261 config/clients.yaml:${line}:${column}`]);
});

s('{version} in a command is the server\'s PostgreSQL version', () => {
  const r = buildTree(editClients('    postgres: { max_connections: 200 }\n', '    postgres: { max_connections: 200, version: 16 }\n'));
  const aws = r.fleet!.servers.find((x) => x.name === 'aws-1')!;
  assert.match(aws.commands.postgres_test, /^runuser -u postgres -- \/usr\/lib\/postgresql\/16\/bin\/postgres -D \/var\/lib\/postgresql\/16\/main /);
  assert.ok(r.artifacts.some((a) => a.server === 'aws-1' && a.path === '/etc/postgresql/16/main/conf.d/blink.conf'));
});

s.run();
