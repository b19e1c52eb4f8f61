import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ownerNames } from '../../src/remote/ownerNames.js';

const s = suite('ownerNames');

const PASSWD = 'root:x:0:0:root:/root:/bin/bash\ntoor:x:0:0::/root:/bin/sh\nodoo:x:1001:1001::/opt/odoo:/bin/sh\n';
const GROUP = 'root:x:0:\nodoo:x:1001:\nwww-data:x:33:odoo\n';

s('ids become the names getent printed for the owners asked about; others stay numbers', () => {
  const name = ownerNames(PASSWD, GROUP);
  assert.is(name('0:0'), 'root:root');
  assert.is(name('1001:33'), 'odoo:www-data');
  assert.is(name('0:1001'), 'root:odoo');
  // Not asked about (or unknown to the server): the number, which no owner blink sets matches.
  assert.is(name('1005:1005'), '1005:1005');
  assert.is(name('0:4242'), 'root:4242');
});

s('an alias does not replace the first name printed for its id', () => {
  assert.is(ownerNames(PASSWD, GROUP)('0:0'), 'root:root');
  assert.is(ownerNames('toor:x:0:0::/root:/bin/sh\nroot:x:0:0::/root:/bin/bash\n', GROUP)('0:0'), 'toor:root');
});

s('lines are data: only a plain name with a numeric id counts; anything else printed is kept as it is', () => {
  const name = ownerNames('../x:x:7:7\nBad Name:x:8:8\nok:x:not-a-number:9\n\n:x:10:10\nfine:x:11:11', 'g:x:12\nrm -rf:x:13:\n');
  assert.is(name('7:13'), '7:13');
  assert.is(name('8:12'), '8:g');
  assert.is(name('11:12'), 'fine:g');
  // Not ids at all (an older server script printing names): unchanged.
  assert.is(name('root:root'), 'root:root');
});

s.run();
