import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { asciiJson } from '../../src/cli/writeLater.js';

const s = suite('writeLater');

s('cache JSON is written in ASCII alone and parses back to the same value', () => {
  const value = { header: '# made by blink-fleet — do not edit', emoji: 'a😀b', accents: 'Peñalolén', lone: '\ud800x', control: 'tab\there', plain: 'ascii' };
  const text = asciiJson(JSON.stringify(value));
  assert.not.match(text, /[^\x00-\x7f]/);
  assert.match(text, '\\u2014');
  assert.equal(JSON.parse(text), value);
  // ASCII JSON is left as it is.
  assert.is(asciiJson('{"a":"b\\n"}'), '{"a":"b\\n"}');
});

s.run();
