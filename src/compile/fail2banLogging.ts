import { warning, type Diagnostic } from '../diagnostics/Diagnostic.js';
import type { Instance, ResolvedOption, Server } from '../model/Fleet.js';

/**
 * The logger of Odoo 18's login lines: odoo/addons/base/models/res_users.py
 * `_login` logs "Login failed for db:%s login:%s from %s" at INFO.
 */
export const LOGIN_LOGGER = 'odoo.addons.base.models.res_users';

/** The log_handler entry that keeps those lines at any log_level. */
export const LOGIN_LOG_HANDLER = `${LOGIN_LOGGER}:INFO`;

/**
 * Instances on a server with fail2ban, with the login lines kept in their log.
 *
 * `log_level = warn` (the production template) makes Odoo set the `odoo`
 * logger to WARNING, which drops the failed-login lines the jail reads. Odoo
 * applies DEFAULT_LOG_CONFIGURATION, then log_level's pseudo-config, then
 * log_handler in order (odoo/netsvc.py `init_logger`), so an entry appended
 * to log_handler wins over both. The instance's own entries stay in front,
 * and the chain gains a link naming `servers.<name>.fail2ban`, so
 * `blink-render --explain HOST log_handler` shows where each part comes from.
 */
export function withFail2banLogging(instances: readonly Instance[], servers: readonly Server[]): { instances: Instance[]; diagnostics: Diagnostic[] } {
  const byName = new Map(servers.map((s) => [s.name, s]));
  const diagnostics: Diagnostic[] = [];
  const out = instances.map((i) => {
    const server = byName.get(i.server);
    if (!server?.fail2ban) return i;
    const syslog = i.options.find((o) => o.key === 'syslog');
    if (syslog && /^(true|1|yes|on|t|y)$/i.test(syslog.value.trim())) {
      const at = syslog.chain[syslog.chain.length - 1]!.pos;
      diagnostics.push(warning('BLINK270', `${i.id}: syslog = ${syslog.value} sends Odoo's log to syslog, not to ${i.logfile}, which the fail2ban jail of server ${i.server} reads: failed logins on ${i.host} are never banned`, at, `remove syslog, or set servers.${i.server}.fail2ban.enabled: false if another jail reads syslog`));
    }
    return { ...i, options: appendLoginHandler(i.options, server.name, server.fail2ban.source) };
  });
  return { instances: out, diagnostics };
}

function appendLoginHandler(options: ResolvedOption[], server: string, pos: Instance['source']): ResolvedOption[] {
  const current = options.find((o) => o.key === 'log_handler');
  // Odoo strips each comma-separated entry; an empty one would make it fail to start, so none is added.
  const entries = current ? current.value.split(',').filter((e) => e.trim() !== '') : [];
  if (entries.some((e) => e.trim() === LOGIN_LOG_HANDLER)) return options;
  const value = [...entries, LOGIN_LOG_HANDLER].join(',');
  const link = { value, layer: 'derived' as const, pos, path: `servers.${server}.fail2ban` };
  const next: ResolvedOption = { key: 'log_handler', value, chain: [...(current?.chain ?? []), link] };
  const rest = options.filter((o) => o.key !== 'log_handler');
  return [...rest, next].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}
