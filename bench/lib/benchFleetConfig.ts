import { mkdirSync, writeFileSync } from 'node:fs';

export interface BenchSize {
  clients: number;
  servers: number;
}

export const serverName = (s: number): string => `srv-${String(s + 1).padStart(2, '0')}`;
export const clientName = (c: number): string => `client-${String(c + 1).padStart(4, '0')}`;

/**
 * Where client c lives and on which ports: clients are dealt round-robin over
 * the servers, and each gets a block of ten ports on its server (prod at +0,
 * test at +5, gevent 3 above each), so no two instances on a server collide.
 */
export function placement(c: number, size: BenchSize): { server: string; prodPort: number; testPort: number } {
  const slot = Math.floor(c / size.servers);
  return { server: serverName(c % size.servers), prodPort: 10000 + slot * 10, testPort: 10005 + slot * 10 };
}

/**
 * A config folder in the clients.yaml (version 1) format: `size.clients`
 * clients, each with prod and test, on `size.servers` servers with cpus and
 * memory large enough that no capacity warning fires. No hosts/ overrides.
 */
export function writeBenchConfig(dir: string, size: BenchSize): { configDir: string; addonsDir: string } {
  const configDir = `${dir}/config`;
  const addonsDir = `${dir}/custom-addons`;
  mkdirSync(`${configDir}/templates`, { recursive: true });
  mkdirSync(addonsDir, { recursive: true });

  const lines = ['# yaml-language-server: $schema=../schema/clients.schema.json', 'version: 1', 'servers:'];
  for (let s = 0; s < size.servers; s++) {
    lines.push(`  ${serverName(s)}:`, `    ssh: ubuntu@${serverName(s)}.bench.invalid`, '    cpus: 64', '    memory_mb: 262144', '    postgres: { max_connections: 10000 }');
  }
  lines.push('clients:');
  for (let c = 0; c < size.clients; c++) {
    const name = clientName(c);
    const p = placement(c, size);
    lines.push(
      `  ${name}:`,
      `    name: Client ${c + 1}`,
      '    environments:',
      `      prod: { host: ${name}.bench.example.com, server: ${p.server}, branch: main, kind: production, port: ${p.prodPort} }`,
      `      test: { host: ${name}-test.bench.example.com, server: ${p.server}, branch: test, kind: test, port: ${p.testPort} }`,
    );
  }
  writeFileSync(`${configDir}/clients.yaml`, lines.join('\n') + '\n');

  writeFileSync(
    `${configDir}/base.conf`,
    [
      '[options]',
      'db_host = localhost',
      'db_port = 5432',
      'db_user = odoo',
      'db_password = ${ODOO_DB_PASSWORD}',
      'limit_memory_hard = 2684354560',
      'limit_memory_soft = 2147483648',
      'limit_time_cpu = 600',
      'limit_time_real = 1200',
      'max_cron_threads = 1',
      'log_level = info',
      '',
    ].join('\n'),
  );
  writeFileSync(
    `${configDir}/templates/production.template.conf`,
    ['[options]', 'list_db = False', 'admin_passwd = ${secret:admin_passwd}', 'without_demo = all', ''].join('\n'),
  );
  writeFileSync(`${configDir}/templates/test.template.conf`, ['[options]', 'list_db = False', 'log_level = debug', ''].join('\n'));
  return { configDir, addonsDir };
}
