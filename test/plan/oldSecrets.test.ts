/**
 * Planning aws-1 (sample fleet, in-memory server) when the server's copy of a
 * file holds a secret the desired file no longer has: its old lines stay
 * masked and no hash of it is shown, because blink's manifest remembers the
 * file held one, or because it is an odoo.conf.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Artifact } from '../../src/model/Artifact.js';
import { formatServerPlan } from '../../src/plan/formatPlan.js';
import { planJson } from '../../src/plan/planJson.js';
import { MANIFEST_PATH, type Manifest } from '../../src/remote/RemoteState.js';
import type { MemoryServer } from '../../src/remote/memoryRemote.js';
import { sampleFleet } from '../support/sampleFleet.js';
import { CANARY, secretEnv } from '../apply/harness.js';
import { awsArtifacts, awsServer, memRun } from '../apply/memoryWorld.js';

const LOGROTATE = '/etc/logrotate.d/odoo-blink-internal';
const CONF = '/etc/odoo/corteperfecto-test.somosblink.com.conf';
const FAKE = 'fake-api-key-1';

const s = suite('plan: secrets left on the server');

/** The logrotate file with a line holding a secret, as a config might once have put one there. */
function withSecretLine(artifacts: Artifact[]): Artifact[] {
  return artifacts.map((a) => (a.path === LOGROTATE ? { ...a, content: a.content + '# api ${secret:api_key}\n', secretRefs: ['secret:api_key'] } : a));
}

function manifestOf(w: MemoryServer): Manifest {
  return JSON.parse(w.files.get(MANIFEST_PATH)!.content.toString()) as Manifest;
}

function shown(r: Awaited<ReturnType<typeof memRun>>): string {
  return formatServerPlan(r.plan, { color: false, prune: false }) + JSON.stringify(planJson(r.plan));
}

s('a secret the config no longer puts in a file: the manifest remembers it, its old line stays masked, no hash', async () => {
  const w = awsServer();
  const env = { ...secretEnv(sampleFleet()), BLINK_SECRET_BLINK_INTERNAL_API_KEY: FAKE };
  const first = await memRun(w, { artifacts: withSecretLine(awsArtifacts()), env, apply: true });
  assert.is(first.report!.outcome, 'applied', JSON.stringify(first.report!.diagnostics));
  assert.match(w.files.get(LOGROTATE)!.content.toString(), `# api ${FAKE}\n`);
  assert.is(manifestOf(w).files[LOGROTATE]!.sensitive, true);
  assert.is(manifestOf(w).files['/etc/logrotate.d/odoo-corteperfecto-prod']!.sensitive, undefined);

  // The line is gone from the config, and its secret from the environment.
  const next = await memRun(w);
  const f = next.plan.files.find((x) => x.path === LOGROTATE)!;
  assert.is(f.change, 'change');
  assert.is(f.sensitive, true);
  assert.is(f.before!.sha256, undefined);
  assert.is(f.after!.sha256, undefined);
  assert.match(f.diff!, '-(sensitive)');
  const text = shown(next);
  assert.not.match(text, FAKE);
  assert.not.match(text, CANARY);

  // Once blink has written the file without it, nothing secret is left: hashes and lines as usual.
  await memRun(w, { apply: true });
  assert.is(manifestOf(w).files[LOGROTATE]!.sensitive, undefined);
  w.files.set(LOGROTATE, { ...w.files.get(LOGROTATE)!, content: Buffer.from(w.files.get(LOGROTATE)!.content.toString() + '# hand edit\n') });
  const plain = (await memRun(w)).plan.files.find((x) => x.path === LOGROTATE)!;
  assert.is(plain.sensitive, false);
  assert.match(plain.before!.sha256!, /^[0-9a-f]{64}$/);
  assert.match(plain.diff!, '-# hand edit');
});

s('an orphaned odoo.conf: no hash of it, while the other orphans keep theirs', async () => {
  const w = awsServer();
  await memRun(w, { apply: true });
  const fleet = { ...sampleFleet(), instances: sampleFleet().instances.filter((i) => i.id !== 'corteperfecto-test') };
  const r = await memRun(w, { fleet });
  const conf = r.plan.files.find((f) => f.path === CONF)!;
  assert.ok(conf.orphan);
  assert.is(conf.sensitive, true);
  assert.is(conf.before!.sha256, undefined);
  const logrotate = r.plan.files.find((f) => f.path === '/etc/logrotate.d/odoo-corteperfecto-test')!;
  assert.ok(logrotate.orphan);
  assert.match(logrotate.before!.sha256!, /^[0-9a-f]{64}$/);
  const json = planJson(r.plan) as { files: { path: string; sensitive: boolean }[] };
  assert.not.match(JSON.stringify(json.files.filter((f) => f.sensitive)), /[0-9a-f]{64}/);
});

s('every odoo.conf: neither its live nor its desired hash is in the plan', async () => {
  const w = awsServer();
  await memRun(w, { apply: true });
  for (const [path, file] of w.files) if (path.startsWith('/etc/odoo/')) w.files.set(path, { ...file, content: Buffer.from(file.content.toString().replace('list_db = False', 'list_db = True')) });
  const r = await memRun(w);
  const confs = r.plan.files.filter((f) => f.kind === 'odoo-conf');
  assert.is(confs.length, 3);
  for (const f of confs) {
    assert.is(f.change, 'change');
    assert.ok(f.sensitive && f.before!.sha256 === undefined && f.after!.sha256 === undefined, f.path);
    assert.match(f.diff!, '-list_db = True\n+list_db = False');
  }
});

s('two masked server lines are never said to be "the same change": their values are not seen', async () => {
  const w = awsServer();
  await memRun(w, { apply: true });
  let n = 0;
  for (const [path, file] of w.files) if (path.startsWith('/etc/odoo/')) w.files.set(path, { ...file, content: Buffer.from(file.content.toString().replace('db_user = odoo', `db_user = fake-user-${++n}`)) });
  const text = formatServerPlan((await memRun(w)).plan, { color: false, prune: false });
  assert.is(text.split('-db_user = (sensitive)\n').length - 1, 3, text);
  assert.not.match(text, 'same change');
  assert.not.match(text, 'fake-user-');
});

s.run();
