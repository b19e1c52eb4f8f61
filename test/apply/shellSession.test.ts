import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { shellSession } from '../../src/remote/shellSession.js';
import { scriptWithInput } from '../../src/remote/scriptWithInput.js';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

// The loop the ssh master's session runs, here under a local `sh -c`: the same bytes either way.
const local = (prefix = '') => shellSession('sh', ['-c'], (loop) => prefix + loop);
const s = suite('long-lived remote shell');

s('scripts run one after another; what one does cannot reach the loop or the next', async () => {
  const sh = local();
  try {
    assert.is(await sh.ready, undefined);
    // Reads all stdin, exits early, fails to parse: the loop carries on after each.
    const greedy = sh.run(scriptWithInput('cat; echo done', 'its own input\n'));
    const exits = sh.run(scriptWithInput('echo before; exit 3; echo after'));
    const broken = sh.run(scriptWithInput('if then fi ('));
    const next = sh.run(scriptWithInput('echo still here >&2; printf ok'));
    const [a, b, c, d] = await Promise.all([greedy, exits, broken, next]);
    assert.is(a.stdout.toString(), 'its own input\ndone\n');
    assert.is(b.code, 3);
    assert.is(b.stdout.toString(), 'before\n');
    assert.ok(c.code !== 0 && c.stderr.length > 0);
    assert.is(d.code, 0);
    assert.is(d.stdout.toString(), 'ok');
    assert.is(d.stderr, 'still here\n');
  } finally {
    await sh.close();
  }
});

s('binary and large output come back byte for byte', async () => {
  const sh = local();
  try {
    const bytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    const r = await sh.run(scriptWithInput('cat', bytes));
    assert.ok(r.stdout.equals(bytes));
    const big = await sh.run(scriptWithInput('head -c 5000000 /dev/zero'));
    assert.is(big.stdout.length, 5_000_000);
  } finally {
    await sh.close();
  }
});

s("scripts share the session's private scratch folder; without a session there is none", async () => {
  const sh = local();
  try {
    const a = await sh.run(scriptWithInput('echo "$BLINK_SCRATCH"; stat -c %a "${BLINK_SCRATCH%/*}"; echo kept > "$BLINK_SCRATCH/f"'));
    const [dir, mode] = a.stdout.toString().trim().split('\n');
    assert.is(mode, '700');
    const b = await sh.run(scriptWithInput('echo "$BLINK_SCRATCH"; cat "$BLINK_SCRATCH/f"'));
    assert.is(b.stdout.toString(), `${dir}\nkept\n`);
    await sh.close();
    assert.not.ok(existsSync(dir!));
  } finally {
    await sh.close();
  }
  // Not even one inherited from blink's own environment: it would be shared by every server's scripts.
  const src = new URL('../../src/remote/localTransport.ts', import.meta.url).href;
  const code = `import { localTransport } from ${JSON.stringify(src)};
const r = await localTransport('t').exec('echo "\${BLINK_SCRATCH-none}"');
process.stdout.write(r.stdout);`;
  const r = spawnSync(process.execPath, ['--import', import.meta.resolve('tsx'), '--input-type=module', '-e', code], { env: { ...process.env, BLINK_SCRATCH: '/tmp' }, encoding: 'utf8' });
  assert.is(r.stdout, 'none\n', r.stderr);
});

s('what a login script prints before the loop starts is not taken for an answer', async () => {
  const sh = local('echo "Welcome"; printf "NOT READY\\n"; ');
  try {
    assert.is(await sh.ready, undefined);
    assert.is((await sh.run(scriptWithInput('printf x'))).stdout.toString(), 'x');
  } finally {
    await sh.close();
  }
});

s('a session that dies answers every waiting request as unreachable', async () => {
  const sh = local();
  await sh.ready;
  const waiting = sh.run(scriptWithInput('kill -9 $PPID; sleep 5'));
  const after = sh.run(scriptWithInput('echo never'));
  const [a, b] = await Promise.all([waiting, after]);
  assert.ok(a.unreachable && b.unreachable);
  assert.is(a.code, 255);
  assert.ok((await sh.run('echo')).unreachable);
  await sh.close();
});

s('a shell that never starts the loop says why', async () => {
  const sh = shellSession('sh', ['-c'], () => 'echo "no such place" >&2; exit 1');
  assert.is(await sh.ready, 'no such place');
  await sh.close();
});

s.run();
