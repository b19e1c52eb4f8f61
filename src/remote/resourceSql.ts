import type { ResourceOps } from './Remote.js';

/**
 * The SQL that makes `ops`' roles and databases, for psql on stdin. Every
 * statement is built by PostgreSQL itself with format() (%I quotes a name as
 * an identifier, %L as a literal) from names given as string literals, and
 * runs through \gexec only when its role or database is missing: running it
 * twice creates nothing twice. CREATE DATABASE cannot run in a transaction,
 * so each statement stands alone; ON_ERROR_STOP makes the first failure psql's
 * exit status.
 */
export function resourceSql(ops: Pick<ResourceOps, 'roles' | 'databases'>): string {
  const out = ['\\set ON_ERROR_STOP on'];
  for (const r of ops.roles) {
    out.push(`SELECT format('CREATE ROLE %I LOGIN CREATEDB', ${lit(r.name)}) WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = ${lit(r.name)})\\gexec`);
    if (r.grant) out.push(`SELECT format('ALTER ROLE %I LOGIN CREATEDB', ${lit(r.name)})\\gexec`);
  }
  for (const d of ops.databases) {
    out.push(
      `SELECT format('CREATE DATABASE %I OWNER %I TEMPLATE template0 ENCODING %L LC_COLLATE %L LC_CTYPE %L', ${[d.name, d.owner, d.encoding, d.collation, d.locale].map(lit).join(', ')}) WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = ${lit(d.name)})\\gexec`,
    );
    if (d.setOwner) out.push(`SELECT format('ALTER DATABASE %I OWNER TO %I', ${lit(d.name)}, ${lit(d.owner)})\\gexec`);
  }
  return out.join('\n') + '\n';
}

/** A string literal: standard_conforming_strings (on since PostgreSQL 9.1) leaves backslashes alone, a quote is doubled. */
function lit(s: string): string {
  if (/[\u0000-\u001f]/.test(s)) throw new Error(`resourceSql: a control character in ${JSON.stringify(s)}`);
  return `'${s.replace(/'/g, "''")}'`;
}
