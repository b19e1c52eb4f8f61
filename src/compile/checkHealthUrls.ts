import { error, warning, type Diagnostic, type SourcePos } from '../diagnostics/Diagnostic.js';
import { asksDatabase, fillHealthUrl, type HealthCommands } from './healthUrls.js';

const PLACEHOLDERS = ['{port}', '{gevent_port}', '{instance}', '{service}'];
const SAMPLE = { instance: 'acme-prod', service: 'odoo-acme-prod', port: 8069, geventPort: 8072 };

/**
 * A server's configured health URLs, checked before any server is reached:
 * they must be plain http:// URLs (blink speaks HTTP/1.0 to them through the
 * ssh connection) with known placeholders. A `/web/health` that does not ask
 * for `db_server_status` is kept as written, with a warning: Odoo then answers
 * pass while its database server is down.
 */
export function checkHealthUrls(server: string, commands: Partial<HealthCommands>, pos: (key: string) => SourcePos): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const key of ['health', 'websocket_health'] as const) {
    const template = commands[key];
    if (template === undefined) continue;
    const filled = fillHealthUrl(template, SAMPLE);
    const unknown = /\{[a-z_]+\}/.exec(filled);
    if (unknown) {
      out.push(error('BLINK517', `server ${server}: commands.${key} has an unknown placeholder ${unknown[0]}`, pos(key), `use ${PLACEHOLDERS.join(', ')}`));
      continue;
    }
    let url: URL | undefined;
    try {
      url = new URL(filled);
    } catch {
      url = undefined;
    }
    if (url?.protocol !== 'http:') {
      out.push(error('BLINK517', `server ${server}: commands.${key} is not an http:// URL`, pos(key), `blink GETs it over plain HTTP from the server itself; the default is ${key === 'health' ? 'http://127.0.0.1:{port}/web/health?db_server_status=1' : 'http://127.0.0.1:{gevent_port}/websocket/health'}`));
      continue;
    }
    if (key === 'health' && url.pathname === '/web/health' && !asksDatabase(url.href)) {
      out.push(warning('BLINK516', `server ${server}: commands.health does not ask Odoo about its database, so an instance whose database server is down passes`, pos(key), 'add ?db_server_status=1, or remove the line: the default asks for it'));
    }
  }
  return out;
}
