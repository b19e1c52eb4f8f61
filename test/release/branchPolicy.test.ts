import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { branchPolicy } from '../../src/release/branchPolicy.js';

const source = { file: 'config/clients.yaml', line: 7, column: 7 };
const prod = { id: 'corteperfecto-prod', branch: 'main', production: true, source };
const test = { id: 'corteperfecto-test', branch: 'test', production: false };

const policy = suite('branchPolicy');

policy('an instance on its own branch: nothing to say', () => {
  assert.equal(branchPolicy({ instance: prod, branch: 'main', reachableFromOwn: true, force: false }), { diagnostics: [] });
  assert.equal(branchPolicy({ instance: test, branch: 'test', reachableFromOwn: true, force: false }), { diagnostics: [] });
});

policy('a test environment takes another branch, with a notice', () => {
  const r = branchPolicy({ instance: test, branch: 'hotfix/x', reachableFromOwn: false, force: false });
  assert.equal(r, { diagnostics: [], notice: 'corteperfecto-test follows test; deploying hotfix/x instead' });
});

policy('production takes another branch only when the commit is already on its own', () => {
  const r = branchPolicy({ instance: prod, branch: 'hotfix/x', reachableFromOwn: true, force: false });
  assert.equal(r.diagnostics, []);
  assert.is(r.notice, 'corteperfecto-prod follows main; deploying hotfix/x, whose commit is already on main');
});

policy('production refuses a commit that is not on its branch: BLINK604 at the instance', () => {
  const r = branchPolicy({ instance: prod, branch: 'hotfix/x', reachableFromOwn: false, force: false });
  assert.is(r.notice, undefined);
  assert.equal(r.diagnostics, [
    {
      code: 'BLINK604',
      severity: 'error',
      message: 'corteperfecto-prod is production and follows main; branch hotfix/x is not on main',
      ...source,
      hint: 'merge hotfix/x into main first (and push it), or pass --force to deploy it anyway',
    },
  ]);
});

policy('--force lets it through and says so', () => {
  const r = branchPolicy({ instance: prod, branch: 'hotfix/x', reachableFromOwn: false, force: true });
  assert.equal(r.diagnostics, []);
  assert.match(r.notice!, 'corteperfecto-prod is production and follows main; deploying hotfix/x, which is not on main, because of --force');
});

policy.run();
