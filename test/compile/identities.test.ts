/**
 * Two instances, one identity: an instance id, and every name derived from an
 * instance (files, nginx upstreams, secret variables, databases), belongs to
 * one instance only; and every derived name fits where it goes (file names,
 * the ustar archive apply uploads). Each clash is a compile error at the
 * later of the two, naming the other's file:line:column.
 */
import { posix } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { serverPathProblem } from '../../src/compile/checkNameLimits.js';
import type { Diagnostic } from '../../src/diagnostics/Diagnostic.js';
import { tar } from '../../src/remote/tar.js';
import { brief, buildTree, editClients, errorsOf, lineOf, patchedTree, sampleTree } from '../support/configTree.js';

const Y = 'config/clients.yaml';
const ids = suite('one instance, one identity');

/** The sample clients.yaml with more clients added at the top of `clients:`. */
function withClients(extra: string, patch: Record<string, string> = {}): Record<string, string> {
  const text = sampleTree()[Y]!;
  return patchedTree({ ...patch, [Y]: text.replace('\nclients:\n', `\nclients:\n${extra}`) });
}

const env = (name: string, host: string, server: string, port: number, more = ''): string =>
  `      ${name}: { host: ${host}, server: ${server}, branch: main, kind: test, port: ${port}${more} }\n`;

/** A valid host name of n characters: labels of 19 letters. */
function longHost(n: number): string {
  return Array.from({ length: n }, (_, i) => (i % 20 === 19 ? '.' : 'h')).join('');
}

function only(r: { diagnostics: Diagnostic[] }, code: string): Diagnostic[] {
  return errorsOf(r).filter((d) => d.code === code);
}

ids('client a-b env c and client a env b-c are both instance a-b-c: BLINK250 at the later, naming the earlier', () => {
  const tree = withClients(`  a-b:\n    environments:\n${env('c', 'c.example.com', 'lab', 9000)}  a:\n    environments:\n${env('b-c', 'bc.example.com', 'aws-1', 9010)}`);
  const r = buildTree(tree);
  const first = lineOf(tree, Y, '      c: {');
  const second = lineOf(tree, Y, '      b-c: {');
  const d = only(r, 'BLINK250');
  assert.equal(d.map(brief), [`BLINK250 ${Y}:${second}:7`]);
  assert.match(d[0]!.message, `clients.a.environments.b-c and clients.a-b.environments.c (${Y}:${first}:7) are both instance a-b-c`);
  assert.match(d[0]!.hint!, 'rename a client or an environment');
  // On different servers nothing else would have said it; nothing else says it now either.
  assert.equal(errorsOf(r).map((x) => x.code), ['BLINK250']);
  assert.is(r.artifacts.length, 0);
});

ids('the same clash on one server is still one BLINK250, whatever else the two share', () => {
  const tree = withClients(`  a-b:\n    environments:\n${env('c', 'c.example.com', 'aws-1', 9000)}  a:\n    environments:\n${env('b-c', 'bc.example.com', 'aws-1', 9010)}`);
  const codes = errorsOf(buildTree(tree)).map((d) => d.code);
  assert.ok(codes.includes('BLINK250'));
  assert.not.ok(codes.includes('BLINK251'), codes.join(' '));
});

ids("host x.com.acme would overwrite host x.com's ACME vhost on one server: BLINK251 at the host", () => {
  const tree = withClients(`  shop:\n    environments:\n${env('prod', 'blink.somosblink.com.acme', 'aws-1', 9000)}`);
  const r = buildTree(tree);
  const d = only(r, 'BLINK251');
  // blink-internal comes later in clients.yaml: the error is at its host, naming shop-prod's.
  const hostAt = (needle: string): string => {
    const line = lineOf(tree, Y, needle);
    return `${Y}:${line}:${tree[Y]!.split('\n')[line - 1]!.indexOf(needle) + 1}`;
  };
  assert.equal(d.map(brief), [`BLINK251 ${hostAt('blink.somosblink.com,')}`]);
  assert.match(d[0]!.message, `the file /etc/nginx/sites-available/blink.somosblink.com.acme of blink-internal is also the file /etc/nginx/sites-available/blink.somosblink.com.acme of shop-prod (${hostAt('blink.somosblink.com.acme')})`);
  // On another server the two files never meet.
  const apart = withClients(`  shop:\n    environments:\n${env('prod', 'blink.somosblink.com.acme', 'lab', 9000)}`);
  assert.equal(only(buildTree(apart), 'BLINK251'), []);
});

ids("an environment internal-ws next to internal makes an instance named like internal's websocket upstream: BLINK251", () => {
  const tree = editClients('      internal: {', `${env('internal-ws', 'ws.example.com', 'aws-1', 9000)}      internal: {`);
  const r = buildTree(tree);
  const d = only(r, 'BLINK251');
  assert.equal(d.map(brief), [`BLINK251 ${Y}:${lineOf(tree, Y, '      internal: {')}:7`]);
  assert.match(d[0]!.message, `the websocket upstream odoo-blink-internal-ws of blink-internal is also the nginx upstream odoo-blink-internal-ws of blink-internal-ws (${Y}:${lineOf(tree, Y, '      internal-ws:')}:7)`);
});

ids("two secret keys that make one variable name: BLINK251 at the later instance's reference", () => {
  // blink-internal (kind test) reads ${secret:admin_passwd}: BLINK_SECRET_BLINK_INTERNAL_ADMIN_PASSWD.
  // Client blink-internal env admin reading ${secret:passwd} would read the same variable.
  const tree = editClients('  demo:\n', `  blink-internal:\n    environments:\n${env('admin', 'adm.example.com', 'lab', 9020, ', odoo: { db_password: "${secret:passwd}" }')}  demo:\n`);
  const r = buildTree(tree);
  const d = only(r, 'BLINK251');
  const line = lineOf(tree, Y, '${secret:passwd}');
  assert.equal(d.map(brief), [`BLINK251 ${Y}:${line}:${tree[Y]!.split('\n')[line - 1]!.indexOf('"${secret:passwd}"') + 1}`]);
  assert.match(d[0]!.message, 'the secret variable BLINK_SECRET_BLINK_INTERNAL_ADMIN_PASSWD (${secret:passwd}) of blink-internal-admin is also the secret variable BLINK_SECRET_BLINK_INTERNAL_ADMIN_PASSWD (${secret:admin_passwd}) of blink-internal (config/templates/test.template.conf:4:1)');
  assert.match(d[0]!.hint!, 'rename one of the keys');
});

ids('one pidfile for two instances of a server: BLINK251 where the later instance sets it, naming where the other does', () => {
  const tree = patchedTree({
    'config/hosts/corteperfecto.somosblink.com.conf': '[options]\nextends = ../templates/production.template.conf\npidfile = /run/odoo.pid\n',
  });
  const text = tree[Y]!.replace('kind: test, port: 8079 }', 'kind: test, port: 8079, odoo: { pidfile: /run/odoo.pid } }');
  const r = buildTree({ ...tree, [Y]: text });
  const d = only(r, 'BLINK251');
  const line = lineOf(tree, Y, 'kind: test, port: 8079');
  assert.equal(d.map(brief), [`BLINK251 ${Y}:${line}:${text.split('\n')[line - 1]!.indexOf('/run/odoo.pid') + 1}`]);
  assert.match(d[0]!.message, 'the pidfile /run/odoo.pid of corteperfecto-test is also the pidfile /run/odoo.pid of corteperfecto-prod (config/hosts/corteperfecto.somosblink.com.conf:3:1)');
});

ids('one database name on a shared db_host, across servers: BLINK301 naming both', () => {
  const tree = editClients('db: demo-showcase', 'db: blink-internal');
  const text = tree[Y]!;
  const shared = { 'config/base.conf': tree['config/base.conf']!.replace('db_host = False', 'db_host = pg.internal') };
  const r = buildTree({ ...tree, ...shared, [Y]: text });
  const d = only(r, 'BLINK301');
  assert.equal(d.length, 1, errorsOf(r).map(brief).join('\n'));
  assert.equal(brief(d[0]!), `BLINK301 ${Y}:${lineOf(tree, Y, '        db: blink-internal')}:13`);
  assert.match(d[0]!.message, 'the database blink-internal on pg.internal:5432 is used by both demo-showcase and blink-internal');
  // Each server's own PostgreSQL: no clash.
  assert.equal(only(buildTree(tree), 'BLINK301'), []);
});

ids("a dbfilter that also matches another instance's database in the same PostgreSQL: BLINK301 at the dbfilter", () => {
  const tree = patchedTree({ 'config/hosts/corteperfecto.somosblink.com.conf': '[options]\nextends = ../templates/production.template.conf\ndbfilter = ^corteperfecto\n' });
  const r = buildTree(tree);
  const d = only(r, 'BLINK301');
  assert.equal(d.map(brief), ['BLINK301 config/hosts/corteperfecto.somosblink.com.conf:3:1']);
  assert.match(d[0]!.message, 'also matches corteperfecto-test, the database of corteperfecto-test');
  assert.match(d[0]!.hint!, 'dbfilter = ^corteperfecto-prod$');
  // %d is the host's first label, as Odoo substitutes it: ^%d-prod$ is still this instance's alone.
  const own = patchedTree({ 'config/hosts/corteperfecto.somosblink.com.conf': '[options]\nextends = ../templates/production.template.conf\ndbfilter = ^%d-prod$\n' });
  assert.equal(only(buildTree(own), 'BLINK301'), []);
});

ids('host names too long for a file name or the ustar archive are BLINK252 at the host, saying how long one may be', () => {
  const host = longHost;
  const tree = (n: number) => editClients('host: corteperfecto-test.somosblink.com', `host: ${host(n)}`);
  // The vhost link ../sites-available/<host> is the tightest: a ustar link target holds 100 bytes.
  const ok = buildTree(tree(81));
  assert.equal(errorsOf(ok).map(brief), []);
  const long = tree(82);
  const r = buildTree(long);
  const d = only(r, 'BLINK252');
  assert.equal(d.map(brief), [`BLINK252 ${Y}:${lineOf(long, Y, host(82))}:${long[Y]!.split('\n')[lineOf(long, Y, host(82)) - 1]!.indexOf(host(82)) + 1}`]);
  assert.match(d[0]!.message, 'more than a ustar link target may have (100)');
  assert.match(d[0]!.hint!, 'at most 81 characters');
  // 253 is a valid DNS name, and far too long.
  assert.match(only(buildTree(tree(253)), 'BLINK252')[0]!.hint!, 'at most 81 characters');
});

ids('the limits agree with src/remote/tar.ts: what compile lets through, tar takes; one byte more and tar throws', () => {
  const longest = longHost(81);
  const r = buildTree(editClients('host: corteperfecto-test.somosblink.com', `host: ${longest}`));
  assert.equal(errorsOf(r), []);
  // As the staging upload builds its entries (src/remote/shellRemote.ts `stage`).
  const entries = r.artifacts.map((a) => ({ path: 'tree' + a.path, mode: a.mode, content: Buffer.from(a.content), ...(a.linkTarget !== undefined ? { linkTarget: posix.relative(posix.dirname(a.path), a.linkTarget) } : {}) }));
  tar(entries);
  const link = '/etc/nginx/sites-enabled/' + longest + 'h';
  assert.ok(serverPathProblem(link, '/etc/nginx/sites-available/' + longest + 'h'));
  assert.throws(() => tar([{ path: 'tree' + link, mode: 0o777, linkTarget: `../sites-available/${longest}h` }]), /too long for tar/);
  const file = '/etc/odoo/' + 'x'.repeat(101);
  assert.ok(serverPathProblem(file));
  assert.throws(() => tar([{ path: 'tree' + file, mode: 0o644, content: Buffer.from('') }]), /too long for tar/);
  assert.is(serverPathProblem('/etc/odoo/' + 'x'.repeat(100)), undefined);
  tar([{ path: 'tree/etc/odoo/' + 'x'.repeat(100), mode: 0o644, content: Buffer.from('') }]);
});

ids("names blink writes beside a file (apply's .blink-tmp.<name>.<run>) count against NAME_MAX", () => {
  assert.match(serverPathProblem(`/srv/${'n'.repeat(223)}`) ?? '', 'blink-apply first writes');
  assert.match(serverPathProblem(`/srv/${'n'.repeat(256)}`) ?? '', 'more than a file name may have (255)');
  assert.is(serverPathProblem(`/srv/${'n'.repeat(222)}`)?.includes('blink-apply first writes'), false);
});

ids('a path in clients.yaml with a component longer than a file name is BLINK252 at it', () => {
  const tree = editClients('  backup_dir: /var/backups/odoo', `  backup_dir: /var/${'b'.repeat(256)}`);
  const d = only(buildTree(tree), 'BLINK252');
  assert.equal(d.map(brief), [`BLINK252 ${Y}:${lineOf(tree, Y, 'backup_dir')}:15`]);
});

ids('an instance id over 63 bytes (the default database name, a PostgreSQL identifier) is BLINK014', () => {
  const client = 'c'.repeat(60);
  const tree = withClients(`  ${client}:\n    environments:\n${env('prod', 'long.example.com', 'lab', 9000)}`);
  assert.equal(only(buildTree(tree), 'BLINK014').map(brief), [`BLINK014 ${Y}:${lineOf(tree, Y, '      prod: { host: long')}:7`]);
});

ids('the sample fleet has none of these', () => {
  assert.equal(buildTree(sampleTree()).diagnostics.map(brief), []);
});

ids.run();
