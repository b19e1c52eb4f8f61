import type { Fleet, Server } from '../model/Fleet.js';
import { buildInstanceView } from './buildInstanceContext.js';
import { CONFIG_BACKUP_NAME, SERVER_PATHS } from './serverPaths.js';
import type { ServerTemplateContext, ServerView } from './TemplateContext.js';

/** Everything a per-server template sees: the server and its instances, sorted by id. */
export function buildServerContext(fleet: Fleet, server: Server, extra: { header: string; root: string }): ServerTemplateContext {
  return {
    header: extra.header,
    root: extra.root,
    server: buildServerView(server),
    instances: fleet.instances
      .filter((i) => i.server === server.name)
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
      .map(buildInstanceView),
  };
}

export function buildServerView(server: Server): ServerView {
  const postgres = { version: server.postgres.version, settings: server.postgres.settings.map((s) => ({ name: s.name, ...s.setting })) };
  const f = server.fail2ban;
  const fail2ban = { enabled: f !== undefined, bantime: f?.bantime ?? 0, maxretry: f?.maxretry ?? 0, findtime: f?.findtime ?? 0, filterPath: SERVER_PATHS.fail2banFilter };
  const b = server.configBackup;
  const configBackup = {
    enabled: b !== undefined,
    schedule: b?.schedule ?? '',
    keep: b?.keep ?? 0,
    dir: b?.dir ?? '',
    name: CONFIG_BACKUP_NAME,
    encryptMethod: b?.encrypt?.method ?? '',
    encryptFile: b?.encrypt?.file ?? '',
    upload: b?.upload ?? '',
    authKey: b?.authKey ?? '',
  };
  return { name: server.name, cpus: server.cpus, memoryMb: server.memoryMb, relocated: server.root !== '/', fail2ban, postgres, configBackup };
}
