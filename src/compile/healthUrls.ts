import type { ServerCommands } from '../model/Fleet.js';

export type HealthCommands = Pick<ServerCommands, 'health' | 'websocket_health'>;

/** The instance as its health URLs see it; `geventPort` only when it runs workers (see `healthTarget`). */
export interface HealthUrlValues {
  instance: string;
  service: string;
  port: number;
  geventPort?: number;
}

/**
 * The URLs that prove one instance healthy, in the order they come up: the
 * HTTP port (`commands.health`, by default Odoo's /web/health asking for the
 * database too), then, when the instance runs workers, the gevent process
 * (`commands.websocket_health`, by default /websocket/health on gevent_port).
 */
export function healthUrls(t: HealthUrlValues, commands: HealthCommands): string[] {
  const urls = [fillHealthUrl(commands.health, t)];
  if (t.geventPort !== undefined) urls.push(fillHealthUrl(commands.websocket_health, t));
  return urls;
}

/** `{port}`, `{gevent_port}`, `{instance}` and `{service}` of a health URL; the values are digits and names, safe in a URL. */
export function fillHealthUrl(template: string, t: HealthUrlValues): string {
  const values: Record<string, string> = { port: String(t.port), gevent_port: String(t.geventPort ?? ''), instance: t.instance, service: t.service };
  return template.replace(/\{([a-z_]+)\}/g, (whole, name: string) => (Object.hasOwn(values, name) ? values[name]! : whole));
}

/** Odoo checks its database when the parameter is there and not empty (home.py: `if db_server_status:`). */
export function asksDatabase(url: string): boolean {
  try {
    return !!new URL(url).searchParams.get('db_server_status');
  } catch {
    return false;
  }
}
