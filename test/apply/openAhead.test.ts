import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { openAhead } from '../../src/apply/openAhead.js';
import type { Remote } from '../../src/remote/Remote.js';

const s = suite('openAhead');

s('connections open in fleet order, `ahead` servers past the read that starts, each once', () => {
  const opened: number[] = [];
  const remotes = Array.from({ length: 6 }, (_, i) => () => ({ open: () => (opened.push(i), Promise.resolve(undefined)) }) as unknown as Remote);
  const c = openAhead(remotes, 2);
  c.reached(0);
  assert.equal(opened, [0, 1, 2]);
  // Reads start out of order when one ends early: nothing is opened twice.
  c.reached(2);
  c.reached(1);
  assert.equal(opened, [0, 1, 2, 3, 4]);
  c.reached(5);
  c.reached(4);
  assert.equal(opened, [0, 1, 2, 3, 4, 5]);
});

s.run();
