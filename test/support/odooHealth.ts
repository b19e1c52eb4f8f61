/**
 * Stand-in for Odoo 18's health routes (Odoo cannot run here), answering as
 * odoo/addons/web/controllers/home.py and bus/controllers/websocket.py do:
 * `{"status": "pass"}` as JSON, plus `"db_server_status": true` when
 * /web/health is asked for it, or HTTP 500 `{"status": "fail",
 * "db_server_status": false}` when the database server does not answer.
 * `route` is the port's role: the HTTP port or the gevent process's port.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface OdooHealthState {
  /** The instance does not serve: 503 with an empty body, as a failed service behind a proxy. */
  down?: boolean;
  /** Odoo runs but its database server does not answer. */
  databaseDown?: boolean;
  /** The gevent process is not up yet: this many more requests to its port get their connection dropped. */
  geventLate?: number;
}

export function answerOdooHealth(route: 'web' | 'websocket', state: OdooHealthState, req: IncomingMessage, res: ServerResponse): void {
  if (route === 'websocket' && state.geventLate) {
    state.geventLate--;
    req.socket.destroy();
    return;
  }
  const url = new URL(req.url ?? '/', 'http://stand-in');
  const path = route === 'web' ? '/web/health' : '/websocket/health';
  if (url.pathname !== path) return void res.writeHead(404).end();
  if (state.down) return void res.writeHead(503).end();
  const body: Record<string, unknown> = { status: 'pass' };
  let status = 200;
  // home.py: `if db_server_status:` — any non-empty value asks.
  if (route === 'web' && url.searchParams.get('db_server_status')) {
    body['db_server_status'] = !state.databaseDown;
    if (state.databaseDown) {
      body['status'] = 'fail';
      status = 500;
    }
  }
  res.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' }).end(JSON.stringify(body));
}
