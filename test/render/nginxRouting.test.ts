/**
 * The rendered vhosts served by a real nginx on 127.0.0.1, in front of two
 * stand-ins for Odoo's ports (node http servers answering with their own
 * name): where `/websocket` and `/web/health` land for a threaded and a
 * prefork instance, and which static files come from disk. The vhosts are
 * the ones rendered for aws-1 under a throwaway root (certificates, logs and
 * addons folders under it, like the nginx -t test); the only change made to
 * them is their `listen` lines, moved to free ports on 127.0.0.1.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { chmodSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { request } from 'node:https';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadTemplates } from '../../src/load/loadTemplates.js';
import { renderFleet } from '../../src/render/renderFleet.js';
import { fakeCertificate, startNginx, type RunningNginx } from '../support/nginx.js';
import { sampleFleet } from '../support/sampleFleet.js';
import { freePort } from '../support/sshd.js';
import { tempDir } from '../support/tmp.js';

const { templates } = loadTemplates(fileURLToPath(new URL('../../templates', import.meta.url)));

const THREADED = 'corteperfecto-test.somosblink.com';
const PREFORK = 'corteperfecto.somosblink.com';
const HELLO = 'hello from the release on disk\n';
const SECRET = 'not a static file\n';

let tmp: { dir: string; cleanup: () => void };
let nginx: RunningNginx | undefined;
const standIns: Server[] = [];
let httpsPort = 0;

/** One of Odoo's ports: answers every request and every upgrade with its name, and sets a session cookie like Odoo does. */
async function standIn(name: string, port: number): Promise<Server> {
  const server = createServer((req, res) => {
    res.writeHead(200, {
      'Content-Type': 'text/plain',
      'X-Stand-In': name,
      'X-Seen-Forwarded-Host': req.headers['x-forwarded-host'] ?? '',
      'X-Seen-Forwarded-Proto': req.headers['x-forwarded-proto'] ?? '',
      'Set-Cookie': 'session_id=fake-session-id; Path=/; HttpOnly',
    });
    res.end(`${name} ${req.url}`);
  });
  server.on('upgrade', (req, socket) => {
    socket.end(['HTTP/1.1 101 Switching Protocols', 'Upgrade: websocket', 'Connection: Upgrade', `X-Stand-In: ${name}`, `X-Seen-Upgrade: ${req.headers['upgrade'] ?? ''}`, '', ''].join('\r\n'));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return server;
}

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A request to nginx's TLS port for `host`, the path sent byte for byte. */
function get(host: string, path: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: httpsPort, path, servername: host, headers: { Host: host }, rejectUnauthorized: false, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** A websocket handshake through nginx: who switched protocols. */
function upgrade(host: string, path: string): Promise<{ status: number; headers: IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const req = request({
      host: '127.0.0.1',
      port: httpsPort,
      path,
      servername: host,
      rejectUnauthorized: false,
      agent: false,
      headers: { Host: host, Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Version': '13', 'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==' },
    });
    req.on('upgrade', (res, socket) => {
      socket.destroy();
      resolve({ status: res.statusCode!, headers: res.headers });
    });
    req.on('response', (res) => {
      res.resume();
      resolve({ status: res.statusCode!, headers: res.headers });
    });
    req.on('error', reject);
    req.end();
  });
}

function write(file: string, content: string): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, content);
}

const s = suite('render + a real nginx: /websocket routing and static files');

s.before(async () => {
  tmp = tempDir('blink-nginx-routing-');
  // nginx's workers drop root for `nobody`; they must reach the files under the temp root.
  chmodSync(tmp.dir, 0o755);
  const root = join(tmp.dir, 'root');
  const [httpPort, geventPort, plainPort] = [await freePort(), await freePort(), await freePort()];
  httpsPort = await freePort();
  standIns.push(await standIn('http', httpPort), await standIn('gevent', geventPort));

  // Both instances point at the same two stand-ins: which one answers tells the route.
  const fleet = sampleFleet({ port: httpPort, geventPort });
  const { artifacts, diagnostics } = renderFleet(fleet, templates, { root });
  assert.equal(diagnostics, []);
  for (const a of artifacts.filter((x) => x.server === 'aws-1')) {
    const target = join(root, a.path);
    mkdirSync(dirname(target), { recursive: true });
    if (a.kind === 'vhost-link') symlinkSync(join(root, a.linkTarget!), target);
    else if (a.kind === 'vhost' && a.role === 'managed') {
      const moved = a.content.replace(/\n    listen 80;\n/g, `\n    listen 127.0.0.1:${plainPort};\n`).replace(/\n    listen 443 ssl http2;\n/g, `\n    listen 127.0.0.1:${httpsPort} ssl http2;\n`);
      assert.is.not(moved, a.content, a.path);
      writeFileSync(target, moved);
    } else writeFileSync(target, a.content);
  }
  for (const host of artifacts.filter((a) => a.role === 'bootstrap' && a.server === 'aws-1').map((a) => a.host!)) fakeCertificate(root, host);

  // The threaded instance's addons_path: Odoo's addons, then its release (a
  // `current` link to one release folder, as blink-deploy leaves it).
  const odooAddons = join(root, 'opt/odoo/odoo/addons');
  const release = join(root, 'opt/odoo/releases/corteperfecto-test/0123abc');
  write(join(release, 'blink_mod/static/src/hello.txt'), HELLO);
  write(join(release, 'blink_mod/static/img/dot.png'), 'not really a png\n');
  write(join(release, 'blink_mod/__manifest__.py'), `{'name': 'blink_mod'}  # ${SECRET}`);
  write(join(release, 'blink_mod/secret.txt'), SECRET);
  write(join(release, 'both_mod/static/which.txt'), 'the release\n');
  write(join(odooAddons, 'both_mod/static/which.txt'), 'odoo/addons\n');
  symlinkSync('0123abc', join(dirname(release), 'current'), 'dir');
  assert.equal(readdirSync(join(root, 'opt/odoo/releases/corteperfecto-test/current')).sort(), ['blink_mod', 'both_mod']);

  nginx = await startNginx(root, httpsPort);
});

s.after(async () => {
  await nginx?.stop();
  await Promise.all(standIns.map((x) => new Promise((r) => x.close(r))));
  tmp.cleanup();
});

s('threaded instance (no workers): /websocket and /web/health both go to the HTTP port', async () => {
  const ws = await get(THREADED, '/websocket');
  assert.is(ws.status, 200);
  assert.is(ws.headers['x-stand-in'], 'http');
  assert.is((await get(THREADED, '/web/health')).headers['x-stand-in'], 'http');
  const handshake = await upgrade(THREADED, '/websocket?version=18.0-3');
  assert.is(handshake.status, 101);
  assert.is(handshake.headers['x-stand-in'], 'http');
  assert.is(handshake.headers['x-seen-upgrade'], 'websocket', 'nginx passes the Upgrade header on');
});

s('prefork instance (workers = 2): /websocket goes to the gevent port, /web/health to the HTTP port', async () => {
  assert.is((await get(PREFORK, '/websocket')).headers['x-stand-in'], 'gevent');
  assert.is((await get(PREFORK, '/websocket/health')).headers['x-stand-in'], 'gevent');
  assert.is((await get(PREFORK, '/web/health')).headers['x-stand-in'], 'http');
  const handshake = await upgrade(PREFORK, '/websocket?version=18.0-3');
  assert.is(handshake.status, 101);
  assert.is(handshake.headers['x-stand-in'], 'gevent');
});

s('the session cookie gets Secure and SameSite=Lax on /websocket as on /, with the forwarded headers', async () => {
  for (const [host, path] of [[THREADED, '/websocket'], [PREFORK, '/websocket'], [THREADED, '/web/login']] as const) {
    const a = await get(host, path);
    const cookie = String(a.headers['set-cookie']);
    assert.match(cookie, /session_id=fake-session-id/, path);
    assert.match(cookie, /;\s*secure/i, `${host}${path}: ${cookie}`);
    assert.match(cookie, /;\s*samesite=lax/i, `${host}${path}: ${cookie}`);
    assert.is(a.headers['x-seen-forwarded-host'], host);
    assert.is(a.headers['x-seen-forwarded-proto'], 'https');
  }
});

s('a static file of a module in the release is served from disk, cached 24h, with the server\'s headers', async () => {
  const a = await get(THREADED, '/blink_mod/static/src/hello.txt');
  assert.is(a.status, 200);
  assert.is(a.body, HELLO);
  assert.is(a.headers['x-stand-in'], undefined, 'not from Odoo');
  assert.is(a.headers['cache-control'], 'max-age=86400');
  assert.is(a.headers['strict-transport-security'], 'max-age=31536000; includeSubDomains');
  assert.is(a.headers['x-robots-tag'], 'noindex, nofollow');
  assert.is(a.headers['content-security-policy'], undefined, 'only images get the CSP');
  const png = await get(THREADED, '/blink_mod/static/img/dot.png');
  assert.is(png.headers['x-stand-in'], undefined);
  assert.is(png.headers['content-type'], 'image/png');
  assert.is(png.headers['content-security-policy'], "default-src 'none'");
});

s('addons_path order decides, as in Odoo: Odoo\'s addons folder comes before the release', async () => {
  assert.is((await get(THREADED, '/both_mod/static/which.txt')).body, 'odoo/addons\n');
});

s('what is not on disk falls back to Odoo through @odoo, with the forwarded headers and cookie flags', async () => {
  for (const path of ['/missing_mod/static/src/app.js', '/blink_mod/static/src/missing.js', '/blink_mod/static/src/', '/web/static/lib/owl.js']) {
    const a = await get(THREADED, path);
    assert.is(a.status, 200, path);
    assert.is(a.headers['x-stand-in'], 'http', path);
    assert.is(a.body, `http ${path}`, 'Odoo gets the path as asked');
    assert.is(a.headers['x-seen-forwarded-host'], THREADED, path);
    assert.match(String(a.headers['set-cookie']), /;\s*secure/i, path);
  }
  // Another instance's release is not on this one's addons path.
  assert.is((await get(PREFORK, '/blink_mod/static/src/hello.txt')).headers['x-stand-in'], 'http');
});

s('only files under <module>/static/ come from disk: no manifest, no Python, no way out of static/', async () => {
  for (const path of [
    '/blink_mod/__manifest__.py',
    '/blink_mod/secret.txt',
    '/blink_mod/static/../secret.txt',
    '/blink_mod/static/src/../../secret.txt',
    '/blink_mod/static/%2e%2e/secret.txt',
    '/blink_mod/static/%2E%2E/__manifest__.py',
    '/blink_mod/static/..%2fsecret.txt',
    '/blink_mod/static/src/..%2F..%2F..%2F..%2F..%2F0123abc/blink_mod/secret.txt',
    '/blink_mod/STATIC/../secret.txt',
  ]) {
    const a = await get(THREADED, path);
    assert.not.match(a.body, SECRET.trim(), `${path} read a file outside static/`);
    // nginx either refuses the path outright or, once normalised, hands it to Odoo.
    assert.ok(a.status === 400 || a.headers['x-stand-in'] === 'http', `${path}: ${a.status} ${a.body}`);
  }
});

s('nginx logged no failure to read the folders (a permission problem would show as [crit])', () => {
  const log = readFileSync(join(tmp.dir, 'root/var/log/nginx/error.log'), 'utf8');
  assert.not.match(log, /\[(crit|alert|emerg)\]/, log);
});

s.run();
