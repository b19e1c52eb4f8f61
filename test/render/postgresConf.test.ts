/**
 * The rendered PostgreSQL conf.d file, read by a real PostgreSQL: the test
 * server includes it from its own postgresql.conf, as Debian's include_dir
 * 'conf.d' does, and SHOW returns the rendered values. The same server says
 * which settings wait for a restart after a reload (pending_restart), and the
 * default postgres_test command judges a good and a bad file.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_COMMANDS } from '../../src/compile/defaults.js';
import { POSTGRES_RESTART_SETTINGS } from '../../src/compile/postgresSettings.js';
import type { Artifact } from '../../src/model/Artifact.js';
import { fillCommand } from '../../src/remote/shellQuote.js';
import { buildTree, editClients, sampleTree } from '../support/configTree.js';
import { startPostgres, type Postgres } from '../support/postgres.js';

const s = suite('PostgreSQL conf.d file, loaded by PostgreSQL');

let dir = '';
let conf = '';
let pg: Postgres | undefined;

function postgresConf(tree: Record<string, string>, server: string): Artifact {
  const r = buildTree(tree);
  assert.equal(r.diagnostics.filter((d) => d.severity === 'error'), []);
  const a = r.artifacts.find((x) => x.server === server && x.kind === 'postgres-conf');
  assert.ok(a, `no postgres-conf for ${server}`);
  return a!;
}

s.before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'blink-pgconf-'));
  chmodSync(dir, 0o755);
  conf = join(dir, 'blink.conf');
  const a = postgresConf(sampleTree(), 'aws-1');
  assert.is(a.path, '/etc/postgresql/15/main/conf.d/blink.conf');
  writeFileSync(conf, a.content, { mode: 0o644 });
  pg = await startPostgres({ include: conf });
});

s.after(async () => {
  await pg?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

s('the server runs with the rendered values: local only, max_connections from clients.yaml, memory from memory_mb', () => {
  const show = (name: string) => pg!.sql(`SHOW ${name}`).trim();
  assert.is(show('listen_addresses'), 'localhost');
  assert.is(show('max_connections'), '200');
  assert.is(show('superuser_reserved_connections'), '3');
  // aws-1 has memory_mb 4096: 1/4, 3/4, 1/16, (4096 − 1024) / (3 × 200).
  assert.is(show('shared_buffers'), '1GB');
  assert.is(show('effective_cache_size'), '3GB');
  assert.is(show('maintenance_work_mem'), '256MB');
  assert.is(show('work_mem'), '5MB');
  // Each value comes from blink's file, not from a default.
  const from = pg!.sql(`SELECT name FROM pg_settings WHERE sourcefile = '${conf}' ORDER BY name`).trim().split('\n');
  assert.equal(from, ['effective_cache_size', 'listen_addresses', 'maintenance_work_mem', 'max_connections', 'shared_buffers', 'superuser_reserved_connections', 'work_mem']);
});

s('the settings blink says need a restart are exactly those PostgreSQL reads only at start', () => {
  const names = [...POSTGRES_RESTART_SETTINGS].map((n) => `'${n}'`).join(',');
  const contexts = pg!.sql(`SELECT name || '=' || context FROM pg_settings WHERE name IN (${names}) ORDER BY name`).trim().split('\n');
  assert.equal(contexts, [...POSTGRES_RESTART_SETTINGS].sort().map((n) => `${n}=postmaster`));
  const rest = pg!.sql(`SELECT name || '=' || context FROM pg_settings WHERE sourcefile = '${conf}' AND context = 'postmaster' ORDER BY name`).trim().split('\n');
  assert.equal(rest, [...POSTGRES_RESTART_SETTINGS].sort().map((n) => `${n}=postmaster`));
});

s('after a changed file and a reload, work_mem is live and shared_buffers waits for a restart', async () => {
  // The same server with more memory and fewer connections: every derived value moves.
  const a = postgresConf({ ...sampleTree(), ...editClients('memory_mb: 4096', 'memory_mb: 8192') }, 'aws-1');
  writeFileSync(conf, a.content, { mode: 0o644 });
  pg!.sql('SELECT pg_reload_conf()');
  // pg_file_settings reads the files as they are now.
  assert.is(pg!.sql(`SELECT setting FROM pg_file_settings WHERE sourcefile = '${conf}' AND name = 'work_mem'`).trim(), '10MB');
  // PostgreSQL's own verdict before any reload: the one changed setting read only at start cannot be applied.
  assert.is(pg!.sql(`SELECT name || ': ' || error FROM pg_file_settings WHERE error IS NOT NULL`).trim(), 'shared_buffers: setting could not be applied');
  // pg_reload_conf only signals the postmaster: wait until a new session sees the reload (no time limit asserted).
  while (pg!.sql('SHOW work_mem').trim() !== '10MB') await new Promise((r) => setTimeout(r, 50));
  assert.is(pg!.sql('SHOW maintenance_work_mem').trim(), '512MB');
  assert.is(pg!.sql('SHOW shared_buffers').trim(), '1GB', 'still the value the server started with');
  assert.is(pg!.sql(`SELECT string_agg(name, ',' ORDER BY name) FROM pg_settings WHERE pending_restart`).trim(), 'shared_buffers');
});

s('the default postgres_test accepts the rendered file and refuses a broken one, with PostgreSQL\'s reason', () => {
  // The default, pointed at this test server's binaries and data folder.
  const asRoot = process.getuid?.() === 0;
  const version = pg!.binDir.split('/').at(-2)!;
  let template = DEFAULT_COMMANDS.postgres_test.replaceAll('{version}', version).replace(`/var/lib/postgresql/${version}/main`, join(pg!.base, 'data'));
  if (!asRoot) template = template.replace('runuser -u postgres -- ', '');
  const run = (file: string) => spawnSync('sh', ['-c', fillCommand(template, { file })], { encoding: 'utf8' });
  const good = run(conf);
  assert.is(good.status, 0, good.stderr);
  // Out of its range: blink never renders that, a hand-edited template could.
  // Files blink never renders, a hand-edited template could: each is refused with PostgreSQL's reason.
  // 0644 as blink stages them: the default command's postgres reads them through stdin, from root's staging folder.
  const refused = (name: string, text: string): string => {
    const file = join(dir, name);
    writeFileSync(file, text, { mode: 0o644 });
    const r = run(file);
    assert.is.not(r.status, 0, text);
    return r.stderr;
  };
  assert.match(refused('range.conf', 'max_connections = 100000000\n'), /outside the valid range for parameter "max_connections"/);
  assert.match(refused('unit.conf', 'shared_buffers = 12x\n'), /invalid value for parameter "shared_buffers"/);
  assert.match(refused('typo.conf', 'shared_bufers = 1GB\n'), /unrecognized configuration parameter "shared_bufers"/);
});

s.run();
