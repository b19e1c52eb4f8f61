import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { envSnapshot } from '../../src/cli/envSnapshot.js';

const s = suite('envSnapshot');

s('a plain object with every variable, answering as the environment did', () => {
  const env = { BLINK_SECRET_A_ADMIN_PASSWD: 'fake-secret-a', PATH: '/usr/bin' };
  const copy = envSnapshot(env);
  assert.equal(copy, env);
  assert.is(Object.getPrototypeOf(copy), Object.prototype);
  assert.is(copy['BLINK_SECRET_B_ADMIN_PASSWD'], undefined);
});

s.run();
