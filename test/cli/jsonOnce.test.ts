import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { jsonOnce, jsonWithList } from '../../src/cli/jsonOnce.js';

const s = suite('jsonOnce');

s('an object is serialized once; its text is what JSON.stringify gives', () => {
  const o = { id: 'c1-prod', options: [{ key: 'workers', value: '2' }], none: undefined };
  const text = jsonOnce(o);
  assert.is(text, JSON.stringify(o));
  // The compiled fleet is never changed once made: the text made first is the one given again.
  (o as { id: string }).id = 'changed';
  assert.is(jsonOnce(o), text);
});

s('an object with a list: the same data as JSON.stringify, the list last', () => {
  const fleet = { configLabel: 'config', servers: [{ name: 'a' }], instances: [{ id: 'x', n: 1 }, { id: 'y', s: 'q"\n' }], deploy: { x: undefined, y: 2 } };
  const text = jsonWithList(fleet, 'instances');
  assert.equal(JSON.parse(text), JSON.parse(JSON.stringify(fleet)));
  assert.ok(text.endsWith(`"instances":[${JSON.stringify(fleet.instances[0])},${JSON.stringify(fleet.instances[1])}]}`), text);
  assert.equal(JSON.parse(jsonWithList({ instances: [] }, 'instances')), { instances: [] });
  assert.equal(JSON.parse(jsonWithList({ instances: [{ a: 1 }] }, 'instances')), { instances: [{ a: 1 }] });
});

s.run();
