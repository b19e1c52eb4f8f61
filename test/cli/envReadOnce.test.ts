import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { envReadOnce } from '../../src/cli/envReadOnce.js';

const s = suite('envReadOnce');

s('each name is read from the environment once, set or not, and answers as the environment does', () => {
  const reads: string[] = [];
  const env = new Proxy({ BLINK_SECRET_A_ADMIN_PASSWD: 'fake-secret-a' } as Record<string, string | undefined>, {
    get: (t, k) => (typeof k === 'string' && reads.push(k), Reflect.get(t, k)),
  });
  const view = envReadOnce(env);
  for (let i = 0; i < 3; i++) {
    assert.is(view['BLINK_SECRET_A_ADMIN_PASSWD'], 'fake-secret-a');
    assert.is(view['BLINK_SECRET_B_ADMIN_PASSWD'], undefined);
  }
  assert.equal(reads, ['BLINK_SECRET_A_ADMIN_PASSWD', 'BLINK_SECRET_B_ADMIN_PASSWD']);
  // A new run's view reads again: nothing outlives the run.
  env['BLINK_SECRET_B_ADMIN_PASSWD'] = 'fake-secret-b';
  assert.is(envReadOnce(env)['BLINK_SECRET_B_ADMIN_PASSWD'], 'fake-secret-b');
});

s.run();
