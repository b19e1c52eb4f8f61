import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash, randomBytes } from 'node:crypto';
import { shellSession } from '../../src/remote/shellSession.js';
import { scriptWithInput } from '../../src/remote/scriptWithInput.js';
import { spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { shellQuote } from '../../src/remote/shellQuote.js';

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

s('an answer is framed by markers only the loop knows: nothing a script prints ends it early', async () => {
  const sh = local();
  try {
    // Markers as the loop writes them, with a nonce of the script's own: at line starts, at the very end, without a line break.
    const fake = '@@0123456789abcdef\nx\n@@0123456789abcdef 0\n\n@@0123456789abcdef end\n@@0123456789abcdef 0';
    const r = await sh.run(scriptWithInput(`printf '%s' '${fake}'; printf 'oops\\n\\n@@0123456789abcdef end\\n' >&2; exit 4`));
    assert.is(r.stdout.toString(), fake);
    assert.is(r.code, 4);
    assert.is(r.stderr, 'oops\n\n@@0123456789abcdef end\n');
    // The loop's own variables (the nonce among them) never reach a script.
    const v = await sh.run(scriptWithInput('echo "${tag-unset} ${n-unset} ${len-unset} ${c-unset}"'));
    assert.is(v.stdout.toString(), 'unset unset unset unset\n');
  } finally {
    await sh.close();
  }
});

s('stdout and stderr come back exactly: with or without a final line break, empty or not', async () => {
  const sh = local();
  try {
    const cases: [string, string, string][] = [
      ["printf abc", 'abc', ''],
      ["echo abc", 'abc\n', ''],
      ["printf '\\n\\n'", '\n\n', ''],
      [':', '', ''],
      ["printf e >&2", '', 'e'],
      ["echo out; echo err >&2; printf more", 'out\nmore', 'err\n'],
    ];
    const rs = await Promise.all(cases.map(([script]) => sh.run(scriptWithInput(script))));
    rs.forEach((r, i) => {
      assert.is(r.stdout.toString(), cases[i]![1], cases[i]![0]);
      assert.is(r.stderr, cases[i]![2], cases[i]![0]);
      assert.is(r.code, 0);
    });
  } finally {
    await sh.close();
  }
});

s('several MB, in many chunks, with lines that look like markers, come back byte for byte', async () => {
  const sh = local();
  try {
    const parts: Buffer[] = [];
    for (let i = 0; i < 50_000; i++) parts.push(Buffer.from(`\n@@${randomBytes(8).toString('hex')} 0\n@@`), randomBytes(i % 97));
    const input = Buffer.concat(parts);
    assert.ok(input.length > 3_000_000);
    const r = await sh.run(scriptWithInput('cat; head -c 3000000 /dev/urandom | tee "$BLINK_SCRATCH/big"; sha256sum < "$BLINK_SCRATCH/big" >&2', input));
    assert.is(r.code, 0, r.stderr);
    assert.ok(r.stdout.subarray(0, input.length).equals(input));
    const tail = r.stdout.subarray(input.length);
    assert.is(tail.length, 3_000_000);
    assert.is(r.stderr.split(' ')[0], createHash('sha256').update(tail).digest('hex'));
    assert.is((await sh.run(scriptWithInput('echo next'))).stdout.toString(), 'next\n');
  } finally {
    await sh.close();
  }
});

s('a script that ends early, or is killed, is answered with its code and what it printed so far', async () => {
  const sh = local();
  try {
    const [early, killed, next] = await Promise.all([
      sh.run(scriptWithInput('printf partial; exit 7; echo never')),
      sh.run(scriptWithInput('echo before; echo why >&2; kill -9 $$; echo never')),
      sh.run(scriptWithInput('echo next')),
    ]);
    assert.equal([early.code, early.stdout.toString()], [7, 'partial']);
    assert.equal([killed.code, killed.stdout.toString()], [137, 'before\n']);
    // The loop's shell adds its own word on the kill.
    assert.match(killed.stderr, /^why\n/);
    assert.is(next.stdout.toString(), 'next\n');
  } finally {
    await sh.close();
  }
});

s("scripts share the session's private scratch folder; without a session there is none", async () => {
  const sh = local();
  try {
    const a = await sh.run(scriptWithInput('echo "$BLINK_SCRATCH"; stat -c %a "$BLINK_SCRATCH"; echo kept > "$BLINK_SCRATCH/f"'));
    const [dir, mode] = a.stdout.toString().trim().split('\n');
    assert.is(mode, '700');
    // Named at random by blink (mkdir refuses a name that exists), in the server's temporary folder.
    assert.match(dir!, /^\/.+\/blink\.[0-9a-f]{24}$/);
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

s("the session's folder is in the login's runtime folder when it is a real folder of its own, else in TMPDIR", async () => {
  const tmp = mkdtempSync(join(tmpdir(), 'blink-session-'));
  try {
    const runtime = join(tmp, 'run-user');
    const temp = join(tmp, 'tmp');
    mkdirSync(runtime, { mode: 0o700 });
    mkdirSync(temp, { mode: 0o700 });
    symlinkSync(runtime, join(tmp, 'link'));
    writeFileSync(join(tmp, 'file'), '');
    const where = async (xdg: string | undefined): Promise<string> => {
      const env = `${xdg === undefined ? 'unset XDG_RUNTIME_DIR' : `XDG_RUNTIME_DIR=${shellQuote(xdg)}; export XDG_RUNTIME_DIR`}; TMPDIR=${shellQuote(temp)}; export TMPDIR; `;
      const sh = local(env);
      try {
        const r = await sh.run(scriptWithInput('echo "$BLINK_SCRATCH"'));
        return r.stdout.toString().trim();
      } finally {
        await sh.close();
      }
    };
    assert.match(await where(runtime), new RegExp(`^${runtime}/blink\\.[0-9a-f]{24}$`));
    // Not set, not a folder, behind a link, relative, missing: TMPDIR.
    for (const other of [undefined, '', join(tmp, 'file'), join(tmp, 'link'), 'run-user', join(tmp, 'missing')]) {
      assert.match(await where(other), new RegExp(`^${temp}/blink\\.[0-9a-f]{24}$`), String(other));
    }
    // One of someone else's: TMPDIR too (root alone can make one here).
    if (process.getuid?.() === 0) {
      chownSync(runtime, 65534, 65534);
      assert.match(await where(runtime), new RegExp(`^${temp}/blink\\.[0-9a-f]{24}$`), 'owned by nobody');
    }
    // Every session removed its folder.
    assert.equal([...readdirSync(runtime), ...readdirSync(temp)], []);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});

s('output after an answer is over (a process a script left behind) is an answer out of turn', async () => {
  const sh = local();
  try {
    assert.is((await sh.run(scriptWithInput('(sleep 0.2; echo stray) & echo done'))).stdout.toString(), 'done\n');
    await new Promise((r) => setTimeout(r, 600));
    const r = await sh.run(scriptWithInput('echo next'));
    assert.ok(r.unreachable);
    assert.is(r.stderr, 'the remote shell answered out of turn');
  } finally {
    await sh.close();
  }
});

s('close() ends the session even when a process a script left behind still holds its output', async () => {
  const sh = local();
  const r = await sh.run(scriptWithInput('sleep 60 & echo $!'));
  const pid = Number(r.stdout.toString());
  try {
    const t0 = Date.now();
    await sh.close();
    assert.ok(Date.now() - t0 < 10_000, `close took ${Date.now() - t0} ms`);
  } finally {
    process.kill(pid);
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
  // The running script keeps the channel (its stdout) until it ends: then the session is gone.
  // SIGKILL leaves the loop no trap to run: the script removes the session's folder itself.
  const waiting = sh.run(scriptWithInput('rm -rf -- "$BLINK_SCRATCH"; kill -9 $PPID; sleep 1'));
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
