/**
 * Planning aws-1 (sample fleet, in-memory server) for a --diff that lacks one
 * instance's admin_passwd: its odoo.conf is fetched and compared line by
 * line, reported as not compared when only the secret line may differ, as a
 * change with that line masked otherwise, and never applied.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { applyFleet, diffFleet, type ServerDiff } from '../../src/apply/applyFleet.js';
import { fleetSummary, summaryJson } from '../../src/apply/fleetSummary.js';
import { formatServerPlan } from '../../src/plan/formatPlan.js';
import { planJson } from '../../src/plan/planJson.js';
import { isPending } from '../../src/plan/ServerPlan.js';
import { memoryRemote, type MemoryServer } from '../../src/remote/memoryRemote.js';
import type { Remote } from '../../src/remote/Remote.js';
import { resolveSecrets } from '../../src/secrets/resolveSecrets.js';
import { sampleFleet } from '../support/sampleFleet.js';
import { CANARY, secretEnv } from '../apply/harness.js';
import { awsArtifacts, awsServer, memRun } from '../apply/memoryWorld.js';

const CONF = '/etc/odoo/corteperfecto.somosblink.com.conf';
const NAME = 'BLINK_SECRET_CORTEPERFECTO_PROD_ADMIN_PASSWD';

/** aws-1 as a full apply left it (its folders, role and databases too, as the CLI's diff reads them). */
async function applied(): Promise<MemoryServer> {
  const w = awsServer();
  await memRun(w, { apply: true, resources: {} });
  return w;
}

/** diffFleet the way `blink-apply --diff` does without `NAME`; `fetched` lists what the remote was asked for. */
async function diffWithout(w: MemoryServer): Promise<{ d: ServerDiff; fetched: string[]; shown: string; opts: Parameters<typeof diffFleet>[1]; sel: Parameters<typeof diffFleet>[0] }> {
  const fleet = sampleFleet();
  const env = secretEnv(fleet);
  delete env[NAME];
  const artifacts = awsArtifacts(fleet);
  const s = resolveSecrets(artifacts, { env }, { allowMissing: true });
  assert.equal(s.diagnostics.map((x) => [x.code, x.severity]), [['BLINK530', 'warning']]);
  const fetched: string[] = [];
  const mem = memoryRemote('aws-1', w);
  const remote: Remote = { ...mem, fetch: (paths) => (fetched.push(...paths), mem.fetch(paths)) };
  const sel = { servers: fleet.servers.filter((x) => x.name === 'aws-1'), instances: fleet.instances, artifacts };
  const opts = { remoteFor: () => remote, parallel: 1, prune: false, resolved: s.contents, unresolved: s.unresolved, secretValues: s.values };
  const [d] = await diffFleet(sel, opts);
  const shown = formatServerPlan(d!.plan!, { color: false, prune: false }) + fleetSummary([d!]) + JSON.stringify(summaryJson([d!]));
  // Neither the live secret nor the reference, as if it were the server's content.
  assert.not.ok(shown.includes(CANARY), shown);
  assert.not.ok(shown.includes('${secret'), shown);
  return { d: d!, fetched, shown, opts, sel };
}

const s = suite('plan: a --diff without a secret');

s('equal but for the secret line: not compared, neither a change nor unchanged', async () => {
  const { d, fetched, shown } = await diffWithout(await applied());
  const p = d.plan!;
  // Its hash cannot say anything: the content was read to compare it.
  assert.equal(fetched, [CONF]);
  const conf = p.files.find((f) => f.path === CONF)!;
  assert.is(conf.change, 'none');
  assert.is(conf.notCompared, true);
  assert.equal(conf.missingSecrets, [NAME]);
  assert.is(conf.after!.sha256, undefined);
  // The other instances' files, secrets present, compared in full as usual.
  assert.ok(p.files.filter((f) => f.path !== CONF).every((f) => f.change === 'none' && !f.notCompared && !f.missingSecrets));
  assert.is(isPending(p), false);
  assert.match(shown, `  s ${CONF}  (not compared: needs secret ${NAME})\n`);
  assert.match(shown, 'aws-1: 1 not compared (secrets not available)\n');
  assert.match(shown, 'fleet: 1 server, 0 with changes, 0 unreachable or failed; 0 to add, 0 to change, 0 mode/owner, 0 to delete, 0 orphans kept, 0 drifted, 1 not compared\n');
  assert.match(shown, 'not compared: the lines holding 1 secret this run does not have, in 1 file (1 differing nowhere else)');
  const json = planJson(p) as { counts: { notCompared: number }; files: { path: string; notCompared?: boolean; missingSecrets?: string[] }[] };
  assert.is(json.counts.notCompared, 1);
  assert.equal(json.files.map((f) => [f.path, f.notCompared, f.missingSecrets]), [[CONF, true, [NAME]]]);
  const fleet = summaryJson([d]);
  assert.is(fleet['complete'], false);
  assert.equal(fleet['missingSecrets'], [NAME]);
});

s('another line changed: a change, the secret line masked as not compared', async () => {
  const w = await applied();
  const conf = w.files.get(CONF)!;
  // Three lines below the secret's: it is in the diff's context.
  w.files.set(CONF, { ...conf, content: Buffer.from(conf.content.toString().replace('db_user = odoo', 'db_user = someone')) });
  const { d, shown } = await diffWithout(w);
  const f = d.plan!.files.find((x) => x.path === CONF)!;
  assert.is(f.change, 'change');
  assert.is(f.notCompared, undefined);
  assert.is(f.drift, true);
  assert.match(f.diff!, ' admin_passwd = (sensitive, not compared)\n');
  // The server's value of a string option may be a credential: masked; the repository's is shown.
  assert.match(f.diff!, '-db_user = (sensitive)\n+db_user = odoo');
  assert.not.match(shown, 'someone');
  assert.match(shown, `~ ${CONF}  (drift: edited on the server since the last apply; lines holding secret ${NAME} not compared)`);
  assert.is(isPending(d.plan!), true);
  assert.equal(d.plan!.actions.restart, ['odoo-corteperfecto-prod']);
});

s('a mode change on a file not compared is still a (mode) change', async () => {
  const w = await applied();
  w.files.get(CONF)!.mode = 0o644;
  const { d, shown } = await diffWithout(w);
  const f = d.plan!.files.find((x) => x.path === CONF)!;
  assert.is(f.change, 'mode');
  assert.is(f.notCompared, true);
  assert.match(shown, `m ${CONF}  (mode 0644 → 0640; not compared: needs secret ${NAME})`);
});

s('a file not on the server yet is an add, its secret line shown as not compared', async () => {
  const w = await applied();
  w.files.delete(CONF);
  const { d } = await diffWithout(w);
  const f = d.plan!.files.find((x) => x.path === CONF)!;
  assert.is(f.change, 'add');
  assert.match(f.diff!, '+admin_passwd = (sensitive, not compared)');
});

s('never applied: the server is refused and left as it was', async () => {
  const w = await applied();
  const conf = w.files.get(CONF)!;
  w.files.set(CONF, { ...conf, content: Buffer.from(conf.content.toString().replace('list_db = False', 'list_db = True')) });
  const before = new Map(w.files);
  const commands = [...w.commands];
  const { d, opts, sel } = await diffWithout(w);
  const [r] = await applyFleet([d], sel, { ...opts, run: 'r1', owner: 'test pid 1', health: { retries: 1, intervalMs: 1, timeoutMs: 10 } });
  assert.is(r!.outcome, 'failed');
  assert.equal(r!.diagnostics.map((x) => x.code), ['BLINK500']);
  assert.match(r!.diagnostics[0]!.message, NAME);
  assert.equal(w.files, before);
  assert.equal(w.commands, commands);
});

s.run();
