import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { shellSession } from '../../src/remote/shellSession.js';
import { scriptWithInput } from '../../src/remote/scriptWithInput.js';

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
