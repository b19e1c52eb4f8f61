import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { envView } from '../../src/cli/envView.js';

const s = suite('envView');

s('each name is read from the environment once, set or not, and answers as the environment does', () => {
  const reads: string[] = [];
  const env = new Proxy({ BLINK_SECRET_A_ADMIN_PASSWD: 'fake-secret-a' } as Record<string, string | undefined>, {
    get: (t, k) => (typeof k === 'string' && reads.push(k), Reflect.get(t, k)),
  });
  const view = envView(env);
  for (let i = 0; i < 3; i++) {
    assert.is(view['BLINK_SECRET_A_ADMIN_PASSWD'], 'fake-secret-a');
    assert.is(view['BLINK_SECRET_B_ADMIN_PASSWD'], undefined);
    assert.ok('BLINK_SECRET_A_ADMIN_PASSWD' in view);
    assert.not.ok('BLINK_SECRET_B_ADMIN_PASSWD' in view);
  }
  assert.equal(reads, ['BLINK_SECRET_A_ADMIN_PASSWD', 'BLINK_SECRET_B_ADMIN_PASSWD']);
  // A new run's view reads again: nothing outlives the run.
  env['BLINK_SECRET_B_ADMIN_PASSWD'] = 'fake-secret-b';
  assert.is(envView(env)['BLINK_SECRET_B_ADMIN_PASSWD'], 'fake-secret-b');
});

s('a read asks the environment for the value only, never for its property descriptors', () => {
  // A Proxy over process.env itself had its invariant checks read process.env's descriptors on every lookup: each one more scan of the environment.
  const asked: string[] = [];
  const env = new Proxy({ A: 'fake-a' } as Record<string, string | undefined>, {
    get: (t, k) => (asked.push(`get ${String(k)}`), Reflect.get(t, k)),
    getOwnPropertyDescriptor: (t, k) => (asked.push(`descriptor ${String(k)}`), Reflect.getOwnPropertyDescriptor(t, k)),
    has: (t, k) => (asked.push(`has ${String(k)}`), Reflect.has(t, k)),
  });
  const view = envView(env);
  for (let i = 0; i < 3; i++) void view['A'], void view['B'], void ('A' in view);
  assert.equal(asked, ['get A', 'get B']);
});

s.run();
