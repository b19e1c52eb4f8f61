import type { Fleet, Server } from '../model/Fleet.js';
import type { FileSpec } from './fileSpecs.js';
import { CONFIG_LABEL, TEMPLATES_LABEL } from './header.js';

export const POSTGRES_TEMPLATE = 'postgresql.conf.hbs';

/**
 * The server's PostgreSQL conf.d file. Its path depends on the server's
 * PostgreSQL version, so it is not one of the fixed SERVER_PATHS. Readable by
 * all, as Debian's own postgresql.conf is: it holds no secret.
 */
export function postgresFileSpec(_fleet: Fleet, server: Server): FileSpec {
  const clientsYaml = `${CONFIG_LABEL}/clients.yaml`;
  const templateLabel = `${TEMPLATES_LABEL}/${POSTGRES_TEMPLATE}`;
  return {
    path: server.postgres.confPath,
    kind: 'postgres-conf',
    mode: 0o644,
    owner: 'root:root',
    role: 'managed',
    template: POSTGRES_TEMPLATE,
    sources: [clientsYaml, templateLabel],
    edit: `${clientsYaml} (servers.${server.name}.postgres) or ${templateLabel}`,
  };
}
