import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { fileURLToPath } from 'node:url';
import { loadTemplates } from '../../src/load/loadTemplates.js';
import type { Artifact } from '../../src/model/Artifact.js';
import type { Fleet } from '../../src/model/Fleet.js';
import { renderFleet } from '../../src/render/renderFleet.js';
import type { TemplateSet } from '../../src/render/TemplateSet.js';
import { sampleFleet, sampleInstance } from '../support/sampleFleet.js';

const TEMPLATES_DIR = fileURLToPath(new URL('../../templates', import.meta.url));
const loaded = loadTemplates(TEMPLATES_DIR);
const templates = loaded.templates;

/** The shipped templates with some replaced, for tests that break one on purpose. */
function withTemplates(files: Record<string, string>): TemplateSet {
  return { dir: 'tpl', files: new Map([...templates.files, ...Object.entries(files)]) };
}

function byPath(artifacts: Artifact[], path: string): Artifact {
  const found = artifacts.find((a) => a.path === path);
  if (!found) throw new Error(`no artifact ${path}`);
  return found;
}

const render = (fleet: Fleet = sampleFleet(), options = {}) => renderFleet(fleet, templates, options);

// ---

const layout = suite('render: layout');

layout('the shipped templates load without diagnostics and the sample renders clean', () => {
  assert.equal(loaded.diagnostics, []);
  assert.equal(render().diagnostics, []);
});

layout('every file of the sample fleet, with kind, mode, owner and role', () => {
  const rows = render().artifacts.map((a) => `${a.server} ${a.path} ${a.kind} ${a.mode.toString(8)} ${a.owner} ${a.role}${a.bootstrapFor ? ' for ' + a.bootstrapFor : ''}${a.linkTarget ? ' -> ' + a.linkTarget : ''}`);
  const instanceRows = (id: string, host: string, server: string, tls: boolean) => [
    `${server} /etc/blink/backup-keys/${id}.key backup-key 600 root:root managed`,
    `${server} /etc/blink/instances/${id}.env backup-env 644 root:root managed`,
    `${server} /etc/cron.d/odoo-backup-${id} cron 644 root:root managed`,
    `${server} /etc/logrotate.d/odoo-${id} logrotate 644 root:root managed`,
    `${server} /etc/nginx/sites-available/${host} vhost 644 root:root managed`,
    ...(tls ? [`${server} /etc/nginx/sites-available/${host}.acme vhost 644 root:root bootstrap for /etc/nginx/sites-available/${host}`] : []),
    `${server} /etc/nginx/sites-enabled/${host} vhost-link 777 root:root managed -> /etc/nginx/sites-available/${host}`,
    `${server} /etc/odoo/${host}.conf odoo-conf 640 root:odoo managed`,
    `${server} /etc/systemd/system/odoo-${id}.service unit 644 root:root managed`,
  ];
  const serverRows = (server: string) => [
    // Only where certbot runs: a server with a Let's Encrypt host.
    ...(server === 'aws-1' ? [`${server} /etc/letsencrypt/renewal-hooks/deploy/blink-reload-nginx script 755 root:root managed`] : []),
    `${server} /etc/logrotate.d/blink-backup logrotate 644 root:root managed`,
    `${server} /etc/nginx/conf.d/blink-static-csp-map.conf nginx-map 644 root:root managed`,
    `${server} /etc/nginx/conf.d/blink-websocket-map.conf nginx-map 644 root:root managed`,
    `${server} /etc/postgresql/15/main/conf.d/blink.conf postgres-conf 644 root:root managed`,
    `${server} /usr/local/sbin/blink-backup script 755 root:root managed`,
    `${server} /usr/local/sbin/blink-restore script 755 root:root managed`,
  ];
  const expected = [
    ...serverRows('aws-1'),
    ...instanceRows('blink-internal', 'blink.somosblink.com', 'aws-1', true),
    ...instanceRows('corteperfecto-test', 'corteperfecto-test.somosblink.com', 'aws-1', true),
    ...instanceRows('corteperfecto-prod', 'corteperfecto.somosblink.com', 'aws-1', true),
    ...serverRows('lab'),
    ...instanceRows('demo-showcase', 'demo.lab.somosblink.com', 'lab', false),
  ];
  const sort = (xs: string[]) => [...xs].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  assert.equal(rows, sort(expected), 'sorted by server, then path');
});

layout('instance files carry their instance and host; server files neither', () => {
  for (const a of render().artifacts) {
    if (a.kind === 'nginx-map' || a.kind === 'script' || a.kind === 'postgres-conf' || a.path === '/etc/logrotate.d/blink-backup') {
      assert.is(a.instance, undefined);
      assert.is(a.host, undefined);
    } else {
      assert.ok(a.instance && a.host, a.path);
    }
  }
});

layout('no cron file when backups are off; the cron file name has no dot', () => {
  const off = render(sampleFleet((i) => (i.id === 'blink-internal' ? { backup: { ...i.backup, enabled: false } } : {}))).artifacts;
  assert.not.ok(off.some((a) => a.path === '/etc/cron.d/odoo-backup-blink-internal'));
  for (const a of render().artifacts.filter((x) => x.kind === 'cron')) assert.not.match(a.path.split('/').pop()!, '.');
});

// ---

const content = suite('render: content');

content('every file starts with the header (after a shebang) and ends with exactly one newline', () => {
  for (const a of render().artifacts) {
    if (a.kind === 'vhost-link') {
      assert.is(a.content, '');
      continue;
    }
    const lines = a.content.split('\n');
    const first = a.kind === 'script' ? 1 : 0;
    if (a.kind === 'script') assert.match(lines[0]!, /^#!\//, a.path);
    assert.match(lines[first]!, /^# Generated by blink-fleet from .* — do not edit by hand\.$/, a.path);
    assert.match(lines[first + 1]!, /^# Change .* and run blink-render\.$/, a.path);
    assert.ok(a.content.endsWith('\n') && !a.content.endsWith('\n\n'), a.path);
  }
});

content('headers name the sources, relative, and nothing machine-specific', () => {
  const arts = render().artifacts;
  const conf = byPath(arts, '/etc/odoo/corteperfecto.somosblink.com.conf');
  assert.ok(conf.content.startsWith('# Generated by blink-fleet from config/base.conf, config/templates/production.template.conf, config/clients.yaml — do not edit by hand.\n# Change config/clients.yaml or config/hosts/corteperfecto.somosblink.com.conf and run blink-render.\n'));
  const vhost = byPath(arts, '/etc/nginx/sites-available/corteperfecto.somosblink.com');
  // The vhost reads odoo.conf's layering too (workers, limit_time_real, addons_path).
  assert.ok(vhost.content.startsWith('# Generated by blink-fleet from config/base.conf, config/templates/production.template.conf, config/clients.yaml, templates/vhost.conf.hbs — do not edit by hand.\n# Change config/clients.yaml, config/hosts/corteperfecto.somosblink.com.conf or templates/vhost.conf.hbs and run blink-render.\n'));
  for (const a of arts) assert.not.ok(a.content.includes(TEMPLATES_DIR), `${a.path} names the machine's template folder`);
});

content('odoo.conf: [options] then the resolved options in order, secrets as references', () => {
  const fleet = sampleFleet();
  const prod = fleet.instances.find((i) => i.id === 'corteperfecto-prod')!;
  const conf = byPath(render(fleet).artifacts, '/etc/odoo/corteperfecto.somosblink.com.conf');
  const body = conf.content.slice(conf.content.indexOf('[options]'));
  assert.is(body, '[options]\n' + prod.options.map((o) => `${o.key} = ${o.value}\n`).join(''));
  assert.match(body, 'admin_passwd = ${secret:admin_passwd}\n');
  assert.match(body, 'list_db = False\n');
  assert.match(body, 'proxy_mode = True\n');
  assert.match(body, 'workers = 2\n');
});

content('secretRefs: what config values brought in, not shell syntax of a template', () => {
  const set = withTemplates({ 'blink-backup.sh.hbs': '#!/bin/sh\n{{header}}echo "${HOME}" {{#each instances}}{{backup.upload}} {{/each}}\n' });
  const fleet = sampleFleet((i) => (i.id === 'blink-internal' ? { backup: { ...i.backup, upload: 'rclone copy --s3-key ${RCLONE_KEY}' } } : {}));
  const { artifacts, diagnostics } = renderFleet(fleet, set);
  assert.equal(diagnostics, []);
  for (const a of artifacts) {
    if (a.kind === 'odoo-conf') assert.equal(a.secretRefs, ['${secret:admin_passwd}'], a.path);
    else if (a.server === 'aws-1' && a.path === '/usr/local/sbin/blink-backup') assert.equal(a.secretRefs, ['${RCLONE_KEY}']);
    else if (a.path === '/etc/blink/instances/blink-internal.env') assert.equal(a.secretRefs, ['${RCLONE_KEY}']);
    else if (a.kind === 'backup-key') assert.equal(a.secretRefs, ['${secret:backup_key}'], a.path);
    else assert.equal(a.secretRefs, [], a.path);
  }
});

content('secretRefs are sorted and unique', () => {
  const fleet = sampleFleet((i) => ({
    options: [
      { key: 'admin_passwd', value: '${secret:b}', chain: [] },
      { key: 'db_password', value: '${PGPASS}', chain: [] },
      { key: 'smtp_password', value: '${secret:b}', chain: [] },
      { key: 'smtp_user', value: `${i.id}-\${secret:a}`, chain: [] },
    ],
  }));
  const conf = render(fleet).artifacts.find((a) => a.kind === 'odoo-conf')!;
  assert.equal(conf.secretRefs, ['${PGPASS}', '${secret:a}', '${secret:b}']);
});

content('unit: hardened, stop timeout above limit_time_real, writable paths only data_dir and the log folder', () => {
  const arts = render().artifacts;
  const unit = byPath(arts, '/etc/systemd/system/odoo-corteperfecto-prod.service').content;
  for (const line of [
    '[Unit]',
    'Description=Odoo corteperfecto-prod (corteperfecto.somosblink.com)',
    'After=network.target postgresql.service',
    '[Service]',
    'Type=simple',
    'User=odoo',
    'Group=odoo',
    'ExecStart=/opt/odoo/venv/bin/python3 /opt/odoo/odoo/odoo-bin --config /etc/odoo/corteperfecto.somosblink.com.conf',
    'Restart=on-failure',
    'RestartSec=5',
    'TimeoutStopSec=1230',
    'SyslogIdentifier=odoo-corteperfecto-prod',
    'NoNewPrivileges=yes',
    'PrivateTmp=yes',
    'ProtectSystem=strict',
    'ProtectHome=read-only',
    'ProtectKernelTunables=yes',
    'ProtectControlGroups=yes',
    'RestrictSUIDSGID=yes',
    'ReadWritePaths=/opt/odoo/.local/share/Odoo-corteperfecto-prod /var/log/odoo',
    '[Install]',
    'WantedBy=multi-user.target',
  ]) {
    assert.ok(unit.split('\n').includes(line), `missing: ${line}`);
  }
  // Odoo's default limit_time_real (120) when odoo.conf does not set it.
  assert.match(byPath(arts, '/etc/systemd/system/odoo-blink-internal.service').content, '\nTimeoutStopSec=150\n');
});

content('unit: no ProtectHome when data_dir lives under /home', () => {
  const fleet = sampleFleet((i) => ({ dataDir: `/home/odoo/data/${i.id}` }));
  const unit = byPath(render(fleet).artifacts, '/etc/systemd/system/odoo-blink-internal.service').content;
  assert.not.match(unit, 'ProtectHome');
  assert.match(unit, '\nReadWritePaths=/home/odoo/data/blink-internal /var/log/odoo\n');
});

content('vhost (TLS): upstreams, redirect, TLS settings, proxying, caching, compression, logs', () => {
  const v = byPath(render().artifacts, '/etc/nginx/sites-available/corteperfecto.somosblink.com').content;
  for (const needle of [
    'upstream odoo-corteperfecto-prod {\n    server 127.0.0.1:8069;\n}',
    'upstream odoo-corteperfecto-prod-ws {\n    server 127.0.0.1:8072;\n}',
    'listen 80;',
    'location ^~ /.well-known/acme-challenge/ {\n        root /var/www/letsencrypt;',
    'return 301 https://corteperfecto.somosblink.com$request_uri;',
    'listen 443 ssl http2;',
    'ssl_certificate /etc/letsencrypt/live/corteperfecto.somosblink.com/fullchain.pem;',
    'ssl_certificate_key /etc/letsencrypt/live/corteperfecto.somosblink.com/privkey.pem;',
    'ssl_protocols TLSv1.2 TLSv1.3;',
    'ssl_session_timeout 30m;',
    'add_header Strict-Transport-Security "max-age=31536000; includeSubDomains" always;',
    'proxy_read_timeout 1200s;',
    'proxy_connect_timeout 720s;',
    'proxy_send_timeout 720s;',
    'client_max_body_size 100m;',
    'access_log /var/log/nginx/corteperfecto.somosblink.com.access.log;',
    'error_log /var/log/nginx/corteperfecto.somosblink.com.error.log;',
    'gzip on;',
    'gzip_types text/css text/scss text/plain text/xml application/xml application/json application/javascript;',
    'proxy_pass http://odoo-corteperfecto-prod-ws;\n        proxy_http_version 1.1;\n        proxy_set_header Upgrade $http_upgrade;\n        proxy_set_header Connection $connection_upgrade;',
    'expires 24h;',
    'proxy_redirect off;',
    'proxy_cookie_flags session_id samesite=lax secure;',
    'location ^~ /web/database {\n        return 404;\n    }',
  ]) {
    assert.ok(v.includes(needle), `missing: ${needle}`);
  }
  assert.match(v, /ssl_ciphers ECDHE-[A-Z0-9-]+GCM[A-Z0-9:-]*;/);
  assert.not.match(v, 'X-Robots-Tag', 'production is indexable');
  assert.not.match(v, 'map $http_upgrade', 'the map is per nginx, not per vhost');
});

content('vhost: the forwarded headers sit in every proxied location', () => {
  const v = byPath(render().artifacts, '/etc/nginx/sites-available/corteperfecto.somosblink.com').content;
  const locations = v.split(/\n    location /).slice(1).filter((block) => block.includes('proxy_pass'));
  assert.is(locations.length, 3, '/websocket, @odoo (the static fallback), /');
  for (const block of locations) {
    for (const h of ['X-Forwarded-Host $http_host', 'X-Forwarded-For $proxy_add_x_forwarded_for', 'X-Forwarded-Proto $scheme', 'X-Real-IP $remote_addr']) {
      assert.ok(block.includes(`proxy_set_header ${h};`), `${h} in location ${block.split('\n')[0]}`);
    }
  }
});

content('vhost: non-production is noindex and keeps /web/database reachable', () => {
  const v = byPath(render().artifacts, '/etc/nginx/sites-available/corteperfecto-test.somosblink.com').content;
  assert.match(v, 'add_header X-Robots-Tag "noindex, nofollow" always;');
  assert.not.match(v, '/web/database');
});

content('vhost (tls none): plain HTTP on port 80 with the same proxying, no secure cookie flag', () => {
  const v = byPath(render().artifacts, '/etc/nginx/sites-available/demo.lab.somosblink.com').content;
  assert.not.match(v, '443');
  assert.not.match(v, 'ssl');
  assert.not.match(v, 'return 301');
  assert.not.match(v, 'Strict-Transport-Security');
  assert.match(v, 'listen 80;');
  assert.match(v, 'proxy_pass http://odoo-demo-showcase-ws;');
  assert.match(v, 'proxy_cookie_flags session_id samesite=lax;');
  assert.not.ok(render().artifacts.some((a) => a.path.endsWith('demo.lab.somosblink.com.acme')), 'no bootstrap without letsencrypt');
});

content('bootstrap vhost: only the ACME challenge over HTTP, everything else refused', () => {
  const b = byPath(render().artifacts, '/etc/nginx/sites-available/corteperfecto.somosblink.com.acme');
  assert.is(b.role, 'bootstrap');
  assert.is(b.bootstrapFor, '/etc/nginx/sites-available/corteperfecto.somosblink.com');
  assert.match(b.content, 'location ^~ /.well-known/acme-challenge/ {\n        root /var/www/letsencrypt;');
  assert.match(b.content, 'location / {\n        return 503;\n    }');
  assert.not.match(b.content, 'ssl');
  assert.not.match(b.content, 'proxy_pass');
});

content('root prefixes the paths a vhost names, never the artifact paths', () => {
  const arts = render(sampleFleet(), { root: '/tmp/x/' }).artifacts;
  const v = byPath(arts, '/etc/nginx/sites-available/corteperfecto.somosblink.com').content;
  assert.match(v, 'ssl_certificate /tmp/x/etc/letsencrypt/live/corteperfecto.somosblink.com/fullchain.pem;');
  assert.match(v, 'access_log /tmp/x/var/log/nginx/corteperfecto.somosblink.com.access.log;');
  assert.match(v, 'root /tmp/x/var/www/letsencrypt;');
  assert.not.ok(arts.some((a) => a.path.startsWith('/tmp')));
});

content('logrotate: daily, keeps log_keep_days, compressed, copytruncate as the service user', () => {
  const l = byPath(render().artifacts, '/etc/logrotate.d/odoo-corteperfecto-prod').content;
  const body = l.slice(l.indexOf('/var/log'));
  assert.match(body, /^\/var\/log\/odoo\/odoo-corteperfecto-prod\.log \{\n/);
  for (const d of ['daily', 'rotate 30', 'compress', 'delaycompress', 'missingok', 'notifempty', 'copytruncate', 'su odoo odoo']) {
    assert.ok(body.split('\n').map((x) => x.trim()).includes(d), d);
  }
});

content('cron: shell, path, then the schedule running blink-backup as root', () => {
  const c = byPath(render().artifacts, '/etc/cron.d/odoo-backup-corteperfecto-prod').content;
  assert.ok(c.endsWith('\nSHELL=/bin/sh\nPATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\n0 */6 * * * root /usr/local/sbin/blink-backup corteperfecto-prod\n'), c);
});

content('the websocket map, once per server', () => {
  const arts = render().artifacts.filter((a) => a.path === '/etc/nginx/conf.d/blink-websocket-map.conf');
  assert.equal(arts.map((a) => a.server), ['aws-1', 'lab']);
  assert.match(arts[0]!.content, /map \$http_upgrade \$connection_upgrade \{\n\s+default upgrade;\n\s+''\s+close;\n\}/);
});

content('the static files\' CSP map, once per server, as Odoo\'s deployment guide gives it', () => {
  const arts = render().artifacts.filter((a) => a.path === '/etc/nginx/conf.d/blink-static-csp-map.conf');
  assert.equal(arts.map((a) => `${a.server} ${a.kind}`), ['aws-1 nginx-map', 'lab nginx-map']);
  assert.match(arts[0]!.content, `map $sent_http_content_type $content_type_csp {\n    default "";\n    ~image/ "default-src 'none'";\n}\n`);
});

/** The `/websocket` upstream block of a vhost, with the comment above it. */
function websocketUpstream(v: string, id: string): string {
  const m = new RegExp(`\\n(# [^\\n]*\\n)upstream odoo-${id}-ws \\{\\n    server 127\\.0\\.0\\.1:(\\d+);`).exec(v);
  if (!m) throw new Error(`no websocket upstream for ${id}`);
  return `${m[1]!.trim()} -> ${m[2]}`;
}

const vhostOf = (fleet: Fleet, host: string): string => byPath(render(fleet).artifacts, `/etc/nginx/sites-available/${host}`).content;

/** The sample fleet with one odoo.conf option of one instance set (or removed), as a host INI file would. */
function withOption(id: string, key: string, value: string | undefined): Fleet {
  const fleet = sampleFleet();
  const hostLayer = (host: string) => ({ value: value ?? '', layer: 'host' as const, pos: { file: `config/hosts/${host}.conf`, line: 3, column: 1 } });
  const instances = fleet.instances.map((i) => {
    if (i.id !== id) return i;
    const rest = i.options.filter((o) => o.key !== key);
    const options = value === undefined ? rest : [...rest, { key, value, chain: [hostLayer(i.host)] }].sort((a, b) => (a.key < b.key ? -1 : 1));
    return { ...i, options };
  });
  return { ...fleet, instances };
}
const withWorkers = (id: string, value: string | undefined): Fleet => withOption(id, 'workers', value);

content('vhost: /websocket goes to the HTTP port without workers, to the gevent port with them', () => {
  const v = (host: string) => vhostOf(sampleFleet(), host);
  assert.is(websocketUpstream(v('corteperfecto-test.somosblink.com'), 'corteperfecto-test'), '# workers = 0: threaded server serves /websocket on the HTTP port. -> 8079');
  assert.is(websocketUpstream(v('blink.somosblink.com'), 'blink-internal'), '# workers = 0: threaded server serves /websocket on the HTTP port. -> 8089');
  assert.is(websocketUpstream(v('demo.lab.somosblink.com'), 'demo-showcase'), '# workers = 0: threaded server serves /websocket on the HTTP port. -> 8069');
  assert.is(websocketUpstream(v('corteperfecto.somosblink.com'), 'corteperfecto-prod'), '# workers not 0: prefork server serves /websocket from its gevent process on the gevent port. -> 8072');
  // The HTTP upstream never moves.
  assert.match(v('corteperfecto-test.somosblink.com'), 'upstream odoo-corteperfecto-test {\n    server 127.0.0.1:8079;\n}');
});

content('vhost: the mode follows odoo.conf\'s effective workers, not clients.yaml\'s', () => {
  // clients.yaml says workers: 2, a host file says 0: Odoo runs threaded.
  const down = withWorkers('corteperfecto-prod', '0');
  assert.is(down.instances.find((i) => i.id === 'corteperfecto-prod')!.workers, 2);
  assert.is(websocketUpstream(vhostOf(down, 'corteperfecto.somosblink.com'), 'corteperfecto-prod'), '# workers = 0: threaded server serves /websocket on the HTTP port. -> 8069');
  // clients.yaml says nothing, a host file sets workers: prefork.
  const up = withWorkers('corteperfecto-test', '3');
  assert.is(websocketUpstream(vhostOf(up, 'corteperfecto-test.somosblink.com'), 'corteperfecto-test'), '# workers not 0: prefork server serves /websocket from its gevent process on the gevent port. -> 8082');
  // Odoo tests the int's truth: a negative count still starts the prefork server.
  assert.match(websocketUpstream(vhostOf(withWorkers('corteperfecto-test', '-1'), 'corteperfecto-test.somosblink.com'), 'corteperfecto-test'), /-> 8082$/);
});

content('vhost: a new worker count that keeps the mode leaves the vhost as it is (no nginx reload)', () => {
  const v = vhostOf(sampleFleet(), 'corteperfecto.somosblink.com');
  assert.is(vhostOf(withWorkers('corteperfecto-prod', '4'), 'corteperfecto.somosblink.com'), v);
  assert.is.not(vhostOf(withWorkers('corteperfecto-prod', '0'), 'corteperfecto.somosblink.com'), v);
});

content('vhost: a workers value only apply resolves renders nothing for that instance (BLINK215)', () => {
  const { artifacts, diagnostics } = render(withWorkers('corteperfecto-test', '${WORKERS}'));
  assert.equal(diagnostics.map((d) => `${d.code} ${d.file}:${d.line}`), ['BLINK215 config/hosts/corteperfecto-test.somosblink.com.conf:3']);
  assert.match(diagnostics[0]!.message, 'workers = ${WORKERS}');
  assert.not.ok(artifacts.some((a) => a.instance === 'corteperfecto-test'));
  assert.ok(artifacts.some((a) => a.instance === 'corteperfecto-prod'));
});

content('vhost: the session cookie is secure on /websocket too where TLS is on', () => {
  // The last one: with TLS, port 80 has a `location /` of its own that only redirects.
  const block = (v: string, loc: string) => v.slice(v.lastIndexOf(`location ${loc} {`), v.indexOf('\n    }', v.lastIndexOf(`location ${loc} {`)));
  const tls = vhostOf(sampleFleet(), 'corteperfecto.somosblink.com');
  for (const loc of ['/websocket', '@odoo', '/']) assert.match(block(tls, loc), 'proxy_cookie_flags session_id samesite=lax secure;', loc);
  const plain = vhostOf(sampleFleet(), 'demo.lab.somosblink.com');
  for (const loc of ['/websocket', '@odoo', '/']) {
    assert.match(block(plain, loc), 'proxy_cookie_flags session_id samesite=lax;', loc);
    assert.not.match(block(plain, loc), 'secure;', loc);
  }
});

content('vhost: proxy_read_timeout is the guide\'s 720s, or limit_time_real when that is longer', () => {
  const timeout = (fleet: Fleet, host: string) => /proxy_read_timeout (\d+)s;/.exec(vhostOf(fleet, host))![1];
  assert.is(timeout(sampleFleet(), 'corteperfecto.somosblink.com'), '1200', 'limit_time_real = 1200');
  assert.is(timeout(sampleFleet(), 'corteperfecto-test.somosblink.com'), '720', 'unset: Odoo\'s 120');
  const withLimit = (value: string) => withOption('blink-internal', 'limit_time_real', value);
  assert.is(timeout(withLimit('300'), 'blink.somosblink.com'), '720');
  assert.is(timeout(withLimit('3600'), 'blink.somosblink.com'), '3600');
  // The connect and send timeouts stay the guide's.
  assert.match(vhostOf(sampleFleet(), 'corteperfecto.somosblink.com'), 'proxy_connect_timeout 720s;\n    proxy_send_timeout 720s;');
});

const withAddonsPath = (value: string): Fleet => withOption('blink-internal', 'addons_path', value);

content('vhost: static files from the addons_path folders, in order, then Odoo', () => {
  const v = vhostOf(sampleFleet(), 'corteperfecto.somosblink.com');
  const at = v.indexOf('location ~ ^/[A-Za-z0-9_]+/static/.*[^/]$ {');
  assert.ok(at > 0, 'static location');
  const block = v.slice(at, v.indexOf('\n    }', at) + 1);
  for (const line of [
    'root /;',
    'try_files /opt/odoo/odoo/addons$uri /opt/odoo/releases/corteperfecto-prod/current$uri @odoo;',
    'expires 24h;',
    'add_header Strict-Transport-Security "max-age=31536000; includeSubDomains" always;',
    'add_header Content-Security-Policy $content_type_csp;',
  ]) {
    assert.match(block, `\n        ${line}\n`);
  }
  assert.not.match(block, 'X-Robots-Tag', 'production');
  assert.not.match(block, 'proxy_pass', 'the disk, or @odoo');
  assert.match(v, 'location @odoo {\n        proxy_pass http://odoo-corteperfecto-prod;\n        proxy_redirect off;');
  // Non-production keeps its noindex header on static files (an add_header in a location drops the server's).
  assert.match(vhostOf(sampleFleet(), 'demo.lab.somosblink.com'), 'expires 24h;\n        # An add_header here drops the server\'s: repeat them.\n        add_header X-Robots-Tag "noindex, nofollow" always;\n        add_header Content-Security-Policy $content_type_csp;');
  // Under a test root, the folders are looked up under it.
  assert.match(byPath(render(sampleFleet(), { root: '/tmp/x/' }).artifacts, '/etc/nginx/sites-available/corteperfecto.somosblink.com').content, '        root /tmp/x/;\n        try_files /opt/odoo/odoo/addons$uri');
});

content('vhost: static folders are odoo.conf\'s effective addons_path, as Odoo splits it', () => {
  const v = vhostOf(withAddonsPath(' /opt/odoo/odoo/addons , /opt/odoo/enterprise/,/opt/odoo/odoo/addons,/opt/odoo/releases/blink-internal/current'), 'blink.somosblink.com');
  assert.match(v, 'try_files /opt/odoo/odoo/addons$uri /opt/odoo/enterprise$uri /opt/odoo/releases/blink-internal/current$uri @odoo;');
});

content('vhost: an addons_path nginx cannot take as written leaves every static file to Odoo, and says why', () => {
  for (const [value, why] of [
    ['/opt/odoo/odoo/addons,~/addons', '"~/addons"'],
    ['/opt/odoo/odoo/addons,$HOME/addons', '"$HOME/addons"'],
    ['/opt/odoo/odoo/addons,addons', '"addons"'],
    ['/opt/odoo/odoo/addons,/opt/odoo/../etc', '"/opt/odoo/../etc"'],
    ['/opt/odoo/my addons', '"/opt/odoo/my addons"'],
    ['/opt/odoo/a;b', '"/opt/odoo/a;b"'],
    ['${secret:addons}', '"${secret:addons}"'],
  ]) {
    const v = vhostOf(withAddonsPath(value!), 'blink.somosblink.com');
    assert.not.match(v, '/static/', value);
    assert.not.match(v, 'try_files', value);
    assert.not.match(v, '@odoo', value);
    assert.match(v, `# Static files: all from Odoo (addons_path has ${why}, not a plain absolute path).`, value);
    assert.match(v, 'location / {\n        proxy_pass http://odoo-blink-internal;', value);
  }
  // Empty: Odoo falls back to its own folders, which nginx does not guess.
  assert.match(vhostOf(withAddonsPath(''), 'blink.somosblink.com'), '# Static files: all from Odoo (addons_path is empty).');
});

// ---

const stable = suite('render: determinism and stability');

stable('rendering twice gives identical artifacts, whatever the input order', () => {
  const fleet = sampleFleet();
  const first = render(fleet);
  assert.equal(render(fleet), first);
  assert.equal(render({ ...fleet, instances: [...fleet.instances].reverse(), servers: [...fleet.servers].reverse() }), first);
});

stable('adding an instance changes no other instance\'s files', () => {
  const before = render().artifacts;
  const fleet = sampleFleet();
  fleet.instances.push(sampleInstance({ client: 'acme', clientName: 'ACME', env: 'prod', host: 'acme.somosblink.com', server: 'aws-1', kind: 'production', port: 8099, line: 30 }));
  const after = render(fleet).artifacts;
  const perInstance = (arts: Artifact[]) => arts.filter((a) => a.instance !== undefined && a.instance !== 'acme-prod');
  assert.equal(perInstance(after), perInstance(before));
  assert.ok(after.some((a) => a.instance === 'acme-prod'));
});

// ---

const errors = suite('render: errors');

errors('an unknown variable is BLINK400 at its file, line and column, with a suggestion', () => {
  const set = withTemplates({ 'vhost.conf.hbs': '{{header}}\nserver {\n    server_name {{instance.hots}};\n}\n' });
  const { artifacts, diagnostics } = renderFleet(sampleFleet(), set);
  assert.equal(diagnostics, [
    { code: 'BLINK400', severity: 'error', message: '"instance.hots" is not defined', file: 'tpl/vhost.conf.hbs', line: 3, column: 19, hint: 'did you mean "instance.host"?' },
  ]);
  assert.not.ok(artifacts.some((a) => a.kind === 'vhost' && a.role === 'managed'), 'no vhost rendered with a hole in it');
  assert.ok(artifacts.some((a) => a.kind === 'unit'), 'the other files still render');
});

errors('an unknown name in a block helper is an error too, not a silently false branch', () => {
  const set = withTemplates({ 'odoo.service.hbs': '{{header}}\n[Unit]\n{{#if instance.letsencrpt}}\nx\n{{/if}}\n' });
  const d = renderFleet(sampleFleet(), set).diagnostics;
  assert.is(d.length, 1);
  assert.is(d[0]!.code, 'BLINK400');
  assert.is(d[0]!.file, 'tpl/odoo.service.hbs');
  assert.is(d[0]!.line, 3);
  assert.match(d[0]!.message, '"instance.letsencrpt" is not defined');
  assert.is(d[0]!.hint, 'did you mean "instance.letsencrypt"?');
});

errors('a syntax error is BLINK400 with its line', () => {
  const set = withTemplates({ 'logrotate.hbs': '{{header}}\n{{instance.logfile} {\n}\n' });
  const d = renderFleet(sampleFleet(), set).diagnostics;
  assert.is(d.length, 1);
  assert.is(d[0]!.code, 'BLINK400');
  assert.is(d[0]!.file, 'tpl/logrotate.hbs');
  assert.is(d[0]!.line, 2);
  assert.match(d[0]!.message, /^syntax error: Expecting .*, got 'INVALID'$/);
});

errors('a template that does not start with {{header}} is BLINK400', () => {
  const d = renderFleet(sampleFleet(), withTemplates({ 'logrotate.hbs': '{{instance.logfile}} {\n}\n{{header}}' })).diagnostics;
  assert.equal(d.map((x) => [x.code, x.file, x.line]), [['BLINK400', 'tpl/logrotate.hbs', 1]]);
});

errors('a missing template is BLINK401, reported once', () => {
  const files = new Map(templates.files);
  files.delete('vhost.conf.hbs');
  const { artifacts, diagnostics } = renderFleet(sampleFleet(), { dir: 'tpl', files });
  assert.equal(diagnostics.map((d) => [d.code, d.file]), [['BLINK401', 'tpl/vhost.conf.hbs']]);
  assert.not.ok(artifacts.some((a) => a.kind === 'vhost' && a.role === 'managed'));
});

errors('a control character in a context value is BLINK015 for each file of that instance, without the value', () => {
  const fleet = sampleFleet((i) => (i.id === 'corteperfecto-test' ? { dataDir: '/srv/odoo\nExecStartPre=/bin/evil' } : {}));
  const { artifacts, diagnostics } = render(fleet);
  const own = diagnostics.filter((d) => d.line === 18);
  assert.is(own.length, 9, 'conf, unit, vhost, link, logrotate, env, bootstrap vhost, cron, backup key');
  for (const d of own) {
    assert.is(d.code, 'BLINK015');
    assert.is(d.file, 'config/clients.yaml');
    assert.match(d.message, 'instance.dataDir contains a control character (U+000A)');
  }
  // The per-server scripts see every instance of their server.
  const shared = diagnostics.filter((d) => d.line !== 18);
  assert.equal(shared.map((d) => d.message), [
    'instances[corteperfecto-test].dataDir contains a control character (U+000A); refusing to render /etc/letsencrypt/renewal-hooks/deploy/blink-reload-nginx',
    'instances[corteperfecto-test].dataDir contains a control character (U+000A); refusing to render /etc/logrotate.d/blink-backup',
    'instances[corteperfecto-test].dataDir contains a control character (U+000A); refusing to render /etc/nginx/conf.d/blink-static-csp-map.conf',
    'instances[corteperfecto-test].dataDir contains a control character (U+000A); refusing to render /etc/nginx/conf.d/blink-websocket-map.conf',
    'instances[corteperfecto-test].dataDir contains a control character (U+000A); refusing to render /etc/postgresql/15/main/conf.d/blink.conf',
    'instances[corteperfecto-test].dataDir contains a control character (U+000A); refusing to render /usr/local/sbin/blink-backup',
    'instances[corteperfecto-test].dataDir contains a control character (U+000A); refusing to render /usr/local/sbin/blink-restore',
  ]);
  for (const d of diagnostics) assert.not.match(d.message, 'evil');
  assert.not.ok(artifacts.some((a) => a.instance === 'corteperfecto-test'));
  assert.ok(artifacts.some((a) => a.instance === 'corteperfecto-prod'), 'other instances still render');
});

errors('a control character in an option names the option', () => {
  const fleet = sampleFleet((i) => (i.id === 'blink-internal' ? { options: [{ key: 'db_password', value: 'x\ry', chain: [] }] } : {}));
  const d = render(fleet).diagnostics;
  assert.match(d[0]!.message, 'options[db_password].value contains a control character (U+000D)');
});

layout.run();
content.run();
stable.run();
errors.run();
