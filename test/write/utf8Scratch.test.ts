import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { utf8Scratch } from '../../src/write/utf8Scratch.js';

const s = suite('utf8Scratch');

s('encodes like Buffer.from, multibyte characters included', () => {
  const encode = utf8Scratch(4);
  for (const text of ['', 'plain', 'Peña — Zoë ✓', '🦄🦄', 'x'.repeat(10_000)]) {
    assert.ok(encode(text).equals(Buffer.from(text, 'utf8')), text.slice(0, 20));
  }
});

s('a view is only good until the next call', () => {
  const encode = utf8Scratch(64);
  const first = encode('aaaa');
  encode('bbbb');
  assert.is(first.toString(), 'bbbb');
});

s.run();
