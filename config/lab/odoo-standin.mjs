#!/usr/bin/env node
// A STAND-IN, NOT ODOO. standin.sh starts one per "service" of the sample
// fleet's lab server so that blink-apply's health check, in a local trial
// (README.md, "Try it locally"), asks a real HTTP server. It answers only
// Odoo 18's health routes, the way Odoo 18 answers them
// (odoo/addons/web/controllers/home.py, odoo/addons/bus/controllers/websocket.py):
//
//   GET /web/health                      200 {"status": "pass"}
//   GET /web/health?db_server_status=1   200 {"status": "pass", "db_server_status": true}
//                                        (as an Odoo whose database answers would: there is
//                                        no database behind a stand-in, it plays one that works,
//                                        so the default health check can pass in a trial)
//   GET /websocket/health (gevent port)  200 {"status": "pass"}
//
// and 404 to anything else. It serves no Odoo, no database and no page.
//
//   node odoo-standin.mjs --service NAME --port N [--gevent-port N] --pidfile FILE --errorfile FILE
//
// Once every port listens it writes its pid to --pidfile; if one cannot be
// bound it writes why to --errorfile and exits 1. SIGTERM stops it.
import { createServer } from 'node:http';
import { renameSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    service: { type: 'string' },
    port: { type: 'string' },
    'gevent-port': { type: 'string' },
    pidfile: { type: 'string' },
    errorfile: { type: 'string' },
  },
});
const { service, port, pidfile, errorfile } = values;
if (!service || !port || !pidfile || !errorfile) {
  process.stderr.write('usage: odoo-standin.mjs --service NAME --port N [--gevent-port N] --pidfile FILE --errorfile FILE\n');
  process.exit(2);
}

const json = (res, status, body) => {
  res.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
  res.end(JSON.stringify(body));
};
const log = (line) => process.stdout.write(`${new Date().toISOString()} ${service} (odoo-standin, not Odoo): ${line}\n`);

const handler = (which) => (req, res) => {
  const url = new URL(req.url ?? '/', 'http://stand-in');
  log(`${req.method} ${req.url} on the ${which} port`);
  if (which === 'http' && url.pathname === '/web/health') {
    if (url.searchParams.get('db_server_status')) return json(res, 200, { status: 'pass', db_server_status: true });
    return json(res, 200, { status: 'pass' });
  }
  if (which === 'gevent' && url.pathname === '/websocket/health') return json(res, 200, { status: 'pass' });
  res.writeHead(404, { 'Content-Type': 'text/plain' });
  res.end(`${service}: a stand-in for Odoo's health routes (config/lab/odoo-standin.mjs), not Odoo\n`);
};

const ports = [['http', Number(port)]];
if (values['gevent-port']) ports.push(['gevent', Number(values['gevent-port'])]);
const servers = [];
let listening = 0;
for (const [which, p] of ports) {
  const server = createServer(handler(which));
  servers.push(server);
  server.on('error', (err) => {
    const why = err.code === 'EADDRINUSE' ? `port ${p} on 127.0.0.1 is taken by another program (an Odoo of yours?): give the instance another port in config/clients.yaml` : `cannot listen on 127.0.0.1:${p}: ${err.message}`;
    writeFileSync(errorfile, why + '\n');
    log(why);
    process.exit(1);
  });
  server.listen(p, '127.0.0.1', () => {
    if (++listening < ports.length) return;
    log(`listening on ${ports.map(([w, n]) => `${w} 127.0.0.1:${n}`).join(', ')}`);
    writeFileSync(`${pidfile}.tmp`, `${process.pid}\n`);
    renameSync(`${pidfile}.tmp`, pidfile);
  });
}

process.on('SIGTERM', () => {
  log('stopping');
  for (const s of servers) s.close();
  process.exit(0);
});
