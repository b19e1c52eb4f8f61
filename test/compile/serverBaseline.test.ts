/**
 * clients.yaml's say on what blink makes beside the files: each database's
 * locale and collation, whether a server's roles and databases are blink's,
 * and its firewall, with the defaults the schema states.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { brief, buildTree, editClients, errorsOf, lineOf, sampleTree } from '../support/configTree.js';

const s = suite('compile: databases and firewall of clients.yaml');
const Y = 'config/clients.yaml';

s('defaults: C.UTF-8 and C for every database, roles and databases on aws-1, ufw with 22, 80 and 443 there; the lab says no to both', () => {
  const r = buildTree(sampleTree());
  assert.equal(errorsOf(r), []);
  const aws = r.fleet!.servers.find((x) => x.name === 'aws-1')!;
  const lab = r.fleet!.servers.find((x) => x.name === 'lab')!;
  assert.equal(aws.firewall?.allow, ['22/tcp', '80/tcp', '443/tcp']);
  assert.is(aws.postgres.databases, true);
  assert.is(lab.firewall, undefined);
  assert.is(lab.postgres.databases, false);
  assert.ok(r.fleet!.instances.every((i) => i.dbLocale === 'C.UTF-8' && i.dbCollation === 'C'));
});

s("an environment's locale and collation, and a server's own ports (a number is TCP; the same port twice is one rule)", () => {
  const tree = editClients(
    '    postgres: { max_connections: 200 }',
    '    postgres: { max_connections: 200 }\n    firewall: { allow: [443, "443/tcp", "53/udp", 22] }',
  );
  tree[Y] = tree[Y]!.replace('db: blink-internal }', 'db: blink-internal, db_locale: es_AR.UTF-8, db_collation: es_AR.UTF-8 }');
  const r = buildTree(tree);
  assert.equal(errorsOf(r), []);
  assert.equal(r.fleet!.servers.find((x) => x.name === 'aws-1')!.firewall?.allow, ['22/tcp', '53/udp', '443/tcp']);
  const i = r.fleet!.instances.find((x) => x.id === 'blink-internal')!;
  assert.equal([i.dbLocale, i.dbCollation], ['es_AR.UTF-8', 'es_AR.UTF-8']);
});

s('a port out of range is an error at the entry; a locale with a blank is refused by the schema at the value', () => {
  const tree = editClients('    postgres: { max_connections: 200 }', '    postgres: { max_connections: 200 }\n    firewall:\n      allow: [22, "70000/tcp"]');
  const r = buildTree(tree);
  assert.equal(errorsOf(r).map(brief), [`BLINK296 ${Y}:${lineOf(tree, Y, '70000/tcp')}:19`]);
  assert.match(errorsOf(r)[0]!.hint ?? '', '"53/udp"');
  const bad = editClients('db: blink-internal }', 'db: blink-internal, db_locale: "es AR" }');
  const e = errorsOf(buildTree(bad));
  assert.is(e.length, 1, JSON.stringify(e));
  assert.is(e[0]!.line, lineOf(bad, Y, 'db_locale'));
});

s.run();
