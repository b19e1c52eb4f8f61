import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { unreachable } from '../../src/apply/unreachable.js';

const s = suite('unreachable');

s('a connection closed before the handshake says what to do about MaxStartups', () => {
  const d = unreachable('aws-1', 'ubuntu@aws-1', 'kex_exchange_identification: read: Connection reset by peer\nConnection reset by 10.0.0.5 port 22');
  assert.is(d.code, 'BLINK510');
  assert.is(d.message, 'aws-1 (ubuntu@aws-1) is unreachable: kex_exchange_identification: read: Connection reset by peer\nConnection reset by 10.0.0.5 port 22');
  assert.match(d.hint ?? '', 'MaxStartups');
  assert.match(d.hint ?? '', '--parallel 4');
  // Any other failure is only what ssh said.
  const other = unreachable('aws-1', 'ubuntu@aws-1', 'ssh: connect to host aws-1 port 22: Connection refused');
  assert.is(other.code, 'BLINK510');
  assert.is(other.hint, undefined);
});

s.run();
