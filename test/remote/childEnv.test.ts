import { spawnSync } from 'node:child_process';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';

const s = suite('childEnv');

s("ssh and local shells get this process's environment without per-instance secrets or a scratch folder", () => {
  const code = `const { childEnv } = await import(${JSON.stringify(new URL('../../src/remote/childEnv.ts', import.meta.url).href)});
const e = childEnv();
console.log(JSON.stringify({ foo: e.FOO ?? null, secret: e.BLINK_SECRET_C1_PROD_ADMIN_PASSWD ?? null, scratch: e.BLINK_SCRATCH ?? null, other: e.BLINK_CACHE_DIR ?? null, same: childEnv() === e }));`;
  const env = { PATH: process.env['PATH'] ?? '/usr/bin:/bin', FOO: 'bar', BLINK_SECRET_C1_PROD_ADMIN_PASSWD: 'fake-secret-not-for-children', BLINK_SCRATCH: '/tmp/someone-elses', BLINK_CACHE_DIR: 'off' };
  const r = spawnSync(process.execPath, ['--import', import.meta.resolve('tsx'), '--input-type=module', '-e', code], { encoding: 'utf8', env });
  assert.is(r.status, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout), { foo: 'bar', secret: null, scratch: null, other: 'off', same: true });
});

s.run();
