/**
 * The wildcard comparison of a --diff without some secret: a line holding a
 * missing secret matches one live line with the same text around the value;
 * every other line must be equal; no value and no `${…}` placeholder is ever
 * shown as the server's content.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { compareUnresolved, type UnresolvedText } from '../../src/plan/compareUnresolved.js';

const s = suite('compareUnresolved');

const TEMPLATE = '[options]\nadmin_passwd = ${secret:admin_passwd}\ndb_user = odoo\nlist_db = False\n';
// What resolveSecrets leaves when the secret is missing: the reference, verbatim.
const WANT: UnresolvedText = { content: TEMPLATE, template: TEMPLATE, refs: ['secret:admin_passwd'], kind: 'odoo-conf' };
const LIVE = '[options]\nadmin_passwd = fake-live-secret-1\ndb_user = odoo\nlist_db = False\n';

function shown(live: string, want: UnresolvedText = WANT, values: string[] = []): { old: string; new: string } {
  const m = compareUnresolved(live, want, values).masked();
  for (const side of [m.old, m.new]) {
    assert.not.match(side, 'fake-live-secret-1');
    assert.not.match(side, '${');
  }
  return m;
}

s('equal but for the secret line: same (the caller reports it as not compared)', () => {
  assert.is(compareUnresolved(LIVE, WANT, []).same, true);
  // Any value, even an empty one, fills the wildcard.
  assert.is(compareUnresolved(LIVE.replace('fake-live-secret-1', ''), WANT, []).same, true);
});

s('another line changed: not same, the secret line masked on both sides', () => {
  const live = LIVE.replace('list_db = False', 'list_db = True');
  assert.is(compareUnresolved(live, WANT, []).same, false);
  const m = shown(live);
  assert.is(m.old, '[options]\nadmin_passwd = (sensitive, not compared)\ndb_user = odoo\nlist_db = True\n');
  assert.is(m.new, '[options]\nadmin_passwd = (sensitive, not compared)\ndb_user = odoo\nlist_db = False\n');
});

s('a line more or less on the server is a change; the secret line is still found and masked', () => {
  const extra = LIVE.replace('[options]\n', '[options]\nworkers = 2\n');
  assert.is(compareUnresolved(extra, WANT, []).same, false);
  const m = shown(extra);
  assert.is(m.old, '[options]\nworkers = 2\nadmin_passwd = (sensitive, not compared)\ndb_user = odoo\nlist_db = False\n');
  const fewer = LIVE.replace('db_user = odoo\n', '');
  assert.is(compareUnresolved(fewer, WANT, []).same, false);
  assert.is(shown(fewer).old, '[options]\nadmin_passwd = (sensitive, not compared)\nlist_db = False\n');
});

s('the text around the secret is compared: a changed key or spacing is a change, its value still hidden', () => {
  const live = LIVE.replace('admin_passwd = ', 'admin_passwd=');
  assert.is(compareUnresolved(live, WANT, []).same, false);
  const m = shown(live);
  assert.match(m.old, 'admin_passwd=(sensitive)');
  assert.match(m.new, 'admin_passwd = (sensitive, not compared)');
  // Not recognisable by its key either: replaced in the same place as the secret line, so it is masked.
  const renamed = LIVE.replace('admin_passwd = ', 'master = ');
  assert.match(shown(renamed).old, 'master = (sensitive)');
});

s('a secret is one line: the wildcard never takes two', () => {
  const twoLines = LIVE.replace('fake-live-secret-1', 'fake-live\nsecret-1');
  assert.is(compareUnresolved(twoLines, WANT, []).same, false);
});

s('the secrets that are available are compared; only the missing one is open', () => {
  const template = 'Environment=DB_URI=postgres://${DB_USER}:${DB_PASS}@db/odoo\nRestart=always\n';
  const want: UnresolvedText = { content: 'Environment=DB_URI=postgres://fake-user:${DB_PASS}@db/odoo\nRestart=always\n', template, refs: ['DB_PASS'] };
  assert.is(compareUnresolved('Environment=DB_URI=postgres://fake-user:fake-live-secret-1@db/odoo\nRestart=always\n', want, ['fake-user']).same, true);
  const other = 'Environment=DB_URI=postgres://fake-other:fake-live-secret-1@db/odoo\nRestart=no\n';
  assert.is(compareUnresolved(other, want, ['fake-user']).same, false);
  const m = shown(other, want, ['fake-user']);
  assert.not.match(m.old + m.new, 'fake-user');
  assert.match(m.new, 'Environment=DB_URI=postgres://(sensitive):(sensitive, not compared)@db/odoo');
  assert.match(m.old, 'Environment=DB_URI=postgres://(sensitive):(sensitive)@db/odoo');
});

s('a new file: the secret line shows as not compared, never as the placeholder', () => {
  const m = shown('');
  assert.is(m.new, '[options]\nadmin_passwd = (sensitive, not compared)\ndb_user = odoo\nlist_db = False\n');
});

s.run();
