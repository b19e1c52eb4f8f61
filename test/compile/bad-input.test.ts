/**
 * One scenario per class of bad input from the render issue: each must give
 * an error with the right code at the right file, line and column, and no
 * artifacts. Positions are asserted, messages are not.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { brief, buildTree, editClients, errorsOf, lineOf, patchedTree, sampleTree } from '../support/configTree.js';

const bad = suite('bad input');
const Y = 'config/clients.yaml';

interface Case {
  name: string;
  tree: () => Record<string, string>;
  /** `CODE file:line:col` of the first error expected; col may be omitted with `*`. */
  expect: (tree: Record<string, string>) => string;
  hint?: RegExp;
  /** The mistake is reported once: no second error for it. */
  single?: true;
  message?: RegExp;
}

/** 1-based column of `needle` on the clients.yaml line holding `line`. */
const columnOf = (t: Record<string, string>, line: string, needle: string): number => t[Y]!.split('\n').find((x) => x.includes(line))!.indexOf(needle) + 1;

const clientsLine = (needle: string) => (t: Record<string, string>) => lineOf(t, Y, needle);

const cases: Case[] = [
  {
    name: 'YAML syntax error',
    tree: () => patchedTree({ [Y]: 'version: 1\nservers:\n  aws-1: { cpus: 2\nclients: {}\n' }),
    expect: () => `BLINK003 ${Y}:4:*`,
  },
  {
    name: 'a key indented deeper than the one above is reported on its own line, once',
    tree: () => editClients('    cpus: 2\n    memory_mb: 4096', '    cpus: 2\n      memory_mb: 4096'),
    expect: (t) => `BLINK003 ${Y}:${clientsLine('      memory_mb')(t)}:7`,
    hint: /indent it like the line above \(4 spaces\)/,
    single: true,
  },
  {
    name: 'a nested mapping on the key\'s own line',
    tree: () => editClients('    cpus: 2\n    memory_mb: 4096', '    cpus: 2\n    memory_mb: mb: 4096'),
    expect: (t) => `BLINK003 ${Y}:${clientsLine('memory_mb: mb')(t)}:*`,
    hint: /lines of their own/,
  },
  {
    name: 'misspelled key gets a did-you-mean',
    tree: () => editClients('    cpus: 2\n    memory_mb: 4096', '    cpus: 2\n    memroy_mb: 4096'),
    expect: (t) => `BLINK010 ${Y}:${clientsLine('memroy_mb')(t)}:5`,
    hint: /memory_mb/,
  },
  {
    name: 'set_owners: false on a server without a root folder',
    tree: () => editClients('    cpus: 2\n    memory_mb: 4096', '    cpus: 2\n    memory_mb: 4096\n    set_owners: false'),
    expect: (t) => `BLINK240 ${Y}:${clientsLine('set_owners: false')(t)}:5`,
    hint: /give the server a root:/,
  },
  {
    name: 'unknown key in an environment',
    tree: () => editClients('kind: test, port: 8079 }', 'kind: test, port: 8079, colour: red }'),
    expect: (t) => `BLINK010 ${Y}:${clientsLine('colour')(t)}:*`,
  },
  {
    name: 'an ssh option that runs a program on the operator\'s machine',
    tree: () => editClients('    ssh: ubuntu@aws-1            # an alias in your ~/.ssh/config (HostName, IdentityFile)\n', '    ssh: ubuntu@aws-1\n    ssh_options: [ConnectTimeout=5, "ProxyCommand=sh -c \'touch /tmp/pwned\'"]\n'),
    expect: (t) => `BLINK260 ${Y}:${clientsLine('ProxyCommand')(t)}:37`,
    hint: /--ssh-config/,
  },
  {
    name: 'an ssh option that turns host key checking off',
    tree: () => editClients('    ssh: ubuntu@aws-1            # an alias in your ~/.ssh/config (HostName, IdentityFile)\n', '    ssh: ubuntu@aws-1\n    ssh_options:\n      - StrictHostKeyChecking=no\n'),
    expect: (t) => `BLINK260 ${Y}:${clientsLine('StrictHostKeyChecking=no')(t)}:9`,
  },
  {
    name: 'an nginx check that would test the live /etc/nginx instead of the candidate',
    tree: () => editClients('    ssh: ubuntu@aws-1            # an alias in your ~/.ssh/config (HostName, IdentityFile)\n', '    ssh: ubuntu@aws-1\n    commands:\n      nginx_test: sudo nginx -t\n'),
    expect: (t) => `BLINK261 ${Y}:${clientsLine('nginx_test: sudo')(t)}:19`,
    hint: /\{file\}/,
  },
  {
    name: 'wrong type',
    tree: () => editClients('    cpus: 2\n    memory_mb: 4096', '    cpus: two\n    memory_mb: 4096'),
    expect: (t) => `BLINK011 ${Y}:${clientsLine('cpus: two')(t)}:11`,
  },
  {
    name: 'port out of range',
    tree: () => editClients('port: 8079 }', 'port: 80 }'),
    expect: (t) => `BLINK012 ${Y}:${clientsLine('port: 80 }')(t)}:*`,
  },
  {
    name: 'tls value not allowed, with did-you-mean',
    tree: () => editClients('  tls: letsencrypt', '  tls: letsencript'),
    expect: (t) => `BLINK012 ${Y}:${clientsLine('letsencript')(t)}:8`,
    hint: /letsencrypt/,
  },
  {
    name: 'undefined server',
    tree: () => editClients('server: aws-1, branch: test', 'server: aws-2, branch: test'),
    expect: (t) => `BLINK020 ${Y}:${clientsLine('aws-2')(t)}:*`,
    hint: /aws-1/,
  },
  {
    name: 'undefined kind',
    tree: () => editClients('kind: test, port: 8079', 'kind: tset, port: 8079'),
    expect: (t) => `BLINK021 ${Y}:${clientsLine('tset')(t)}:*`,
    hint: /test/,
  },
  {
    name: 'unknown module',
    tree: () => editClients('modules: [web_external_layout_custom_header]', 'modules: [web_external_layout_custom_headr]'),
    expect: (t) => `BLINK022 ${Y}:${clientsLine('custom_headr')(t)}:*`,
    hint: /web_external_layout_custom_header/,
  },
  {
    name: 'module depends on a missing module',
    tree: () => patchedTree({ 'custom-addons/blink_ar_fixes/__manifest__.py': sampleTree()['custom-addons/blink_ar_fixes/__manifest__.py']!.replace("'l10n_ar'", "'l10n_arr_nope'") }),
    expect: (t) => `BLINK023 custom-addons/blink_ar_fixes/__manifest__.py:${lineOf(t, 'custom-addons/blink_ar_fixes/__manifest__.py', 'l10n_arr_nope')}:*`,
    hint: /^fix the name, or add an addons path that holds it/,
  },
  {
    name: 'colliding ports on one server: pointed at the port',
    tree: () => editClients('kind: test, port: 8089', 'kind: test, port: 8079'),
    expect: (t) => `BLINK300 ${Y}:${clientsLine('    internal:')(t)}:${columnOf(t, '    internal:', 'port: 8079') + 6}`,
    hint: new RegExp(`corteperfecto-test's is at config/clients.yaml:${lineOf(sampleTree(), Y, 'test: { host: corteperfecto-test.')}\\b`),
  },
  {
    name: 'gevent port of one instance is the http port of another',
    tree: () => editClients('kind: test, port: 8089', 'kind: test, port: 8082'),
    expect: (t) => `BLINK300 ${Y}:${clientsLine('    internal:')(t)}:${columnOf(t, '    internal:', 'port: 8082') + 6}`,
    message: /port 8082 on server aws-1 is used by both corteperfecto-test \(its gevent port, port \+ 3\) and blink-internal \(its http port\)/,
  },
  {
    name: 'colliding databases',
    tree: () => editClients('port: 8089, db: blink-internal', 'port: 8089, db: corteperfecto-test'),
    expect: (t) => `BLINK301 ${Y}:${clientsLine('    internal:')(t)}:7`,
  },
  {
    name: 'colliding hosts across servers',
    tree: () => editClients('host: demo.somosblink.com', 'host: blink.somosblink.com'),
    expect: (t) => `BLINK303 ${Y}:${clientsLine('    showcase:')(t)}:7`,
  },
  {
    name: 'invalid host name',
    tree: () => editClients('host: blink.somosblink.com', 'host: "blink.somosblink.com; return 200"'),
    expect: (t) => `BLINK014 ${Y}:${clientsLine('return 200')(t)}:*`,
  },
  {
    name: 'client name with path traversal',
    tree: () => editClients('  blink:\n', '  "../blink":\n'),
    expect: (t) => `BLINK014 ${Y}:${clientsLine('"../blink"')(t)}:3`,
  },
  {
    name: 'environment name with upper case',
    tree: () => editClients('      internal:', '      Internal:'),
    expect: (t) => `BLINK014 ${Y}:${clientsLine('Internal:')(t)}:7`,
  },
  {
    name: 'extends cycle',
    tree: () => patchedTree({ 'config/base.conf': '[options]\nextends = hosts/corteperfecto.somosblink.com.conf\nlist_db = False\n' }),
    expect: () => `BLINK207 config/templates/production.template.conf:3:11`,
  },
  {
    name: 'extends to a missing parent',
    tree: () => patchedTree({ 'config/templates/test.template.conf': '[options]\nextends = ../bsae.conf\nlog_level = info\n' }),
    expect: () => `BLINK208 config/templates/test.template.conf:2:11`,
    hint: /base\.conf/,
  },
  {
    name: 'extends outside config/',
    tree: () => patchedTree({ 'config/templates/test.template.conf': '[options]\nextends = ../../etc/odoo.conf\nlog_level = info\n' }),
    expect: () => `BLINK209 config/templates/test.template.conf:2:11`,
  },
  {
    name: 'unknown Odoo option',
    tree: () => patchedTree({ 'config/hosts/demo.somosblink.com.conf': '[options]\ndb_filter = ^demo$\n' }),
    expect: () => `BLINK202 config/hosts/demo.somosblink.com.conf:2:1`,
    hint: /dbfilter/,
  },
  {
    name: 'removed Odoo option',
    tree: () => patchedTree({ 'config/hosts/demo.somosblink.com.conf': '[options]\nlongpolling_port = 8072\n' }),
    expect: () => `BLINK202 config/hosts/demo.somosblink.com.conf:2:1`,
    hint: /gevent_port/,
  },
  {
    name: 'misspelled option',
    tree: () => patchedTree({ 'config/hosts/demo.somosblink.com.conf': '[options]\nlimit_time_rael = 100\n' }),
    expect: () => `BLINK201 config/hosts/demo.somosblink.com.conf:2:1`,
    hint: /limit_time_real/,
  },
  {
    name: 'misspelled boolean',
    tree: () => patchedTree({ 'config/hosts/demo.somosblink.com.conf': '[options]\nproxy_mode = yes\n' }),
    expect: () => `BLINK203 config/hosts/demo.somosblink.com.conf:2:14`,
  },
  {
    name: 'empty integer',
    tree: () => patchedTree({ 'config/hosts/demo.somosblink.com.conf': '[options]\nlimit_request =\n' }),
    expect: () => `BLINK204 config/hosts/demo.somosblink.com.conf:2:*`,
  },
  {
    name: 'non-integer integer',
    tree: () => patchedTree({ 'config/hosts/demo.somosblink.com.conf': '[options]\nlimit_memory_soft = 2G\n' }),
    expect: () => `BLINK204 config/hosts/demo.somosblink.com.conf:2:21`,
  },
  {
    name: 'inline comment',
    tree: () => patchedTree({ 'config/hosts/demo.somosblink.com.conf': '[options]\nlog_level = info ; chatty\n' }),
    expect: () => `BLINK205 config/hosts/demo.somosblink.com.conf:2:*`,
  },
  {
    name: 'duplicate INI key',
    tree: () => patchedTree({ 'config/hosts/demo.somosblink.com.conf': '[options]\nlog_level = info\nlog_level = warn\n' }),
    expect: () => `BLINK206 config/hosts/demo.somosblink.com.conf:3:1`,
  },
  {
    name: 'newline injected through the odoo: map',
    tree: () => editClients('tls: none\n', 'tls: none\n        odoo: { smtp_server: "mail\\nadmin_passwd = hacked" }\n'),
    expect: (t) => `BLINK015 ${Y}:${clientsLine('smtp_server')(t)}:*`,
  },
  {
    name: 'None in the odoo: map is the text None to Odoo',
    tree: () => editClients('tls: none\n', 'tls: none\n        odoo: { email_from: None }\n'),
    expect: (t) => `BLINK231 ${Y}:${clientsLine('email_from: None')(t)}:29`,
    hint: /False/,
  },
  {
    name: 'True in the odoo: map where Odoo wants a database name',
    tree: () => editClients('tls: none\n', 'tls: none\n        odoo: { log_db: true }\n'),
    expect: (t) => `BLINK230 ${Y}:${clientsLine('log_db: true')(t)}:25`,
    hint: /%d/,
  },
  {
    name: 'registry_lru_size in base.conf reaches Odoo as text',
    tree: () => patchedTree({ 'config/base.conf': `${sampleTree()['config/base.conf']}registry_lru_size = 20\n` }),
    expect: (t) => `BLINK233 config/base.conf:${lineOf(t, 'config/base.conf', 'registry_lru_size')}:21`,
    hint: /limit_memory_soft/,
  },
  {
    name: 'syslog in a host file drops the logfile',
    tree: () => patchedTree({ 'config/hosts/demo.somosblink.com.conf': '[options]\nsyslog = True\n' }),
    expect: () => `BLINK234 config/hosts/demo.somosblink.com.conf:2:10`,
  },
  {
    name: 'pg_path = None in a kind template is a relative path',
    tree: () => patchedTree({ 'config/templates/test.template.conf': '[options]\nextends = ../base.conf\npg_path = None\n' }),
    expect: () => `BLINK231 config/templates/test.template.conf:3:11`,
  },
  {
    name: 'a lower-case level in log_handler aborts startup',
    tree: () => patchedTree({ 'config/hosts/demo.somosblink.com.conf': '[options]\nlog_handler = :INFO,odoo.sql_db:debug\n' }),
    expect: () => `BLINK235 config/hosts/demo.somosblink.com.conf:2:15`,
    hint: /odoo\.sql_db:DEBUG/,
  },
  {
    name: 'newline injected through a client name',
    tree: () => editClients('name: Demo showcase', 'name: "Demo\\n[Service]\\nExecStart=/bin/sh"'),
    expect: (t) => `BLINK015 ${Y}:${clientsLine('ExecStart')(t)}:11`,
  },
  {
    name: 'directive characters in a path',
    tree: () => editClients('  backup_dir: /var/backups/odoo', '  backup_dir: "/var/backups/odoo; rm -rf /"'),
    expect: (t) => `BLINK012 ${Y}:${clientsLine('rm -rf')(t)}:15`,
  },
  {
    name: 'newline in an upload command',
    tree: () => editClients('backup: { keep_days: 3 }', 'backup: { keep_days: 3, upload: "rclone copy\\nrm -rf /" }'),
    expect: (t) => `BLINK015 ${Y}:${clientsLine('rclone')(t)}:*`,
  },
  {
    name: 'secret reference in an upload command',
    tree: () => editClients('backup: { keep_days: 3 }', 'backup: { keep_days: 3, upload: "rclone copy --password ${RCLONE_PASS}" }'),
    expect: (t) => `BLINK015 ${Y}:${clientsLine('rclone')(t)}:*`,
  },
  {
    name: 'production policy: list_db',
    tree: () => patchedTree({ 'config/hosts/corteperfecto.somosblink.com.conf': '[options]\nextends = ../templates/production.template.conf\nlist_db = True\n' }),
    expect: () => `BLINK304 config/hosts/corteperfecto.somosblink.com.conf:3:1`,
  },
  {
    name: 'production policy: literal admin_passwd',
    tree: () => patchedTree({ 'config/hosts/corteperfecto.somosblink.com.conf': '[options]\nextends = ../templates/production.template.conf\nadmin_passwd = fake-not-a-secret\n' }),
    expect: () => `BLINK305 config/hosts/corteperfecto.somosblink.com.conf:3:1`,
  },
  {
    name: 'port overridden in a host file',
    tree: () => patchedTree({ 'config/hosts/demo.somosblink.com.conf': '[options]\nhttp_port = 9999\n' }),
    expect: () => `BLINK213 config/hosts/demo.somosblink.com.conf:2:1`,
  },
  {
    name: 'unsupported version',
    tree: () => editClients('version: 1', 'version: 2'),
    expect: (t) => `BLINK005 ${Y}:${clientsLine('version: 2')(t)}:10`,
  },
  {
    name: 'empty clients.yaml',
    tree: () => patchedTree({ [Y]: '' }),
    expect: () => `BLINK002 ${Y}:1:1`,
  },
  {
    name: 'binary base.conf',
    tree: () => patchedTree({ 'config/base.conf': '\u0000\u0001\u0002PK' }),
    expect: () => `BLINK002 config/base.conf:1:1`,
  },
  {
    name: 'invalid cron schedule',
    tree: () => editClients('backup_schedule: "30 3 * * *"', 'backup_schedule: "30 25 * * *"'),
    expect: (t) => `BLINK016 ${Y}:${clientsLine('30 25')(t)}:22`,
  },
  {
    name: 'cron schedule with six fields',
    tree: () => editClients('backup: { keep_days: 3 }', 'backup: { schedule: "0 0 * * * *" }'),
    expect: (t) => `BLINK016 ${Y}:${clientsLine('0 0 * * * *')(t)}:*`,
  },
  {
    name: 'missing required key',
    tree: () => editClients('    cpus: 2\n    memory_mb: 8192', '    cpus: 2'),
    expect: (t) => `BLINK013 ${Y}:${clientsLine('  lab:')(t)}:3`,
  },
];

for (const c of cases) {
  bad(c.name, () => {
    const tree = c.tree();
    const r = buildTree(tree);
    const errors = errorsOf(r);
    const want = c.expect(tree);
    const [code, where] = want.split(' ');
    const match = errors.find((d) => {
      const [wc, wfile] = [code, where!.split(':')[0]];
      const [, wline, wcol] = where!.split(':');
      return d.code === wc && d.file === wfile && String(d.line) === wline && (wcol === '*' || String(d.column) === wcol);
    });
    assert.ok(match, `expected ${want}, got:\n  ${errors.map(brief).join('\n  ') || '(no errors)'}`);
    if (c.hint) assert.match(match!.hint ?? '', c.hint);
    if (c.single) assert.is(errors.length, 1, errors.map(brief).join('\n'));
    if (c.message) assert.match(match!.message, c.message);
    assert.is(r.artifacts.length, 0, 'no artifacts when there are errors');
  });
}

bad('a host file whose extends is broken gets that error only, not a "matches no instance" warning too', () => {
  const H = 'config/hosts/corteperfecto.somosblink.com.conf';
  const text = sampleTree()[H]!;
  const r = buildTree(patchedTree({ [H]: text.replace(/^extends = .*$/m, 'extends = nope.conf') }));
  assert.equal(r.diagnostics.map(brief), [`BLINK208 ${H}:${text.split('\n').findIndex((l) => l.startsWith('extends')) + 1}:11`]);
});

bad('the sample fleet itself has no errors and no warnings', () => {
  const r = buildTree(sampleTree());
  assert.equal(r.diagnostics.map(brief), []);
});

bad.run();
