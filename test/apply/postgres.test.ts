/**
 * The PostgreSQL conf.d file through plan and apply, on the in-memory
 * server: checked before the swap, then a reload; a setting read only at
 * start is named in the plan and restarts PostgreSQL only when asked.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { postgresSettings } from '../../src/compile/postgresSettings.js';
import { formatActions } from '../../src/plan/formatPlan.js';
import { postgresRestartSettings } from '../../src/plan/postgresRestart.js';
import { sampleFleet } from '../support/sampleFleet.js';
import { awsServer, memRun } from './memoryWorld.js';

const s = suite('PostgreSQL conf.d file in plan and apply');
const CONF = '/etc/postgresql/15/main/conf.d/blink.conf';

/** The sample fleet with aws-1's PostgreSQL settings from `memoryMb` and `input`. */
const fleetWith = (memoryMb: number, input: Parameters<typeof postgresSettings>[0] = {}) => {
  const f = sampleFleet();
  f.servers = f.servers.map((x) => (x.name === 'aws-1' ? { ...x, memoryMb, postgres: postgresSettings(input, memoryMb) } : x));
  return f;
};

s('which settings a reload leaves as they were', () => {
  const a = "listen_addresses = 'localhost'\nmax_connections = 100\nshared_buffers = 1024MB\nwork_mem = 10MB\n";
  assert.equal(postgresRestartSettings(a, a.replace('10MB', '20MB')), []);
  assert.equal(postgresRestartSettings(a, a.replace('1024MB', '2048MB  # more')), ['shared_buffers']);
  assert.equal(postgresRestartSettings(undefined, a), ['listen_addresses', 'max_connections', 'shared_buffers']);
});

s('a new server: the file is checked with postgres_test, then PostgreSQL is reloaded before Odoo starts', async () => {
  const w = awsServer();
  const r = await memRun(w, { apply: true });
  assert.is(r.report!.outcome, 'applied', JSON.stringify(r.report!.diagnostics));
  assert.ok(w.files.has(CONF));
  assert.is(r.plan.actions.postgresReload, true);
  assert.equal(r.plan.actions.postgresRestart, ['listen_addresses', 'max_connections', 'shared_buffers', 'superuser_reserved_connections']);
  assert.match(formatActions(r.plan.actions), /reload postgresql \(listen_addresses, max_connections, shared_buffers, superuser_reserved_connections: only on a restart, blink-apply --restart-postgres\)/);
  const pg = w.commands.indexOf('systemctl reload postgresql');
  assert.ok(pg >= 0, w.commands.join('\n'));
  assert.ok(pg < w.commands.findIndex((c) => c.startsWith('systemctl enable')), 'PostgreSQL before the Odoo services');
  assert.not.ok(w.commands.includes('systemctl restart postgresql'));
});

s('work_mem alone: a reload, nothing waits for a restart; shared_buffers: named, and restarted only under --restart-postgres', async () => {
  const w = awsServer();
  await memRun(w, { apply: true });
  w.commands.length = 0;
  const work = await memRun(w, { fleet: fleetWith(4096, { work_mem_mb: 7 }), apply: true });
  assert.equal(work.plan.actions.postgresRestart, []);
  assert.equal(w.commands, ['systemctl reload postgresql']);
  w.commands.length = 0;
  const shared = await memRun(w, { fleet: fleetWith(8192, { work_mem_mb: 7 }), apply: true });
  assert.equal(shared.plan.actions.postgresRestart, ['shared_buffers']);
  assert.equal(w.commands, ['systemctl reload postgresql']);
  w.commands.length = 0;
  const restarted = await memRun(w, { fleet: fleetWith(16384, { work_mem_mb: 7 }), apply: true, restartPostgres: true });
  assert.equal(restarted.plan.actions.postgresRestart, ['shared_buffers']);
  assert.equal(w.commands, ['systemctl restart postgresql']);
});

s('a file PostgreSQL refuses is never installed', async () => {
  const w = awsServer();
  w.failCheck = (c) => (c.kind === 'postgres' ? 'FATAL:  configuration file "/dev/stdin" contains errors' : undefined);
  const r = await memRun(w, { apply: true });
  assert.is(r.report!.outcome, 'failed');
  assert.equal(r.report!.diagnostics.map((d) => d.code), ['BLINK513']);
  assert.match(r.report!.diagnostics[0]!.message, /postgres check of \/etc\/postgresql\/15\/main\/conf\.d\/blink\.conf failed; nothing was changed/);
  assert.not.ok(w.files.has(CONF));
});

s.run();
