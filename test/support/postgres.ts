/**
 * A throwaway PostgreSQL server for tests: its own data folder, socket folder
 * and port, no TCP listener, trust authentication on the socket. Started with
 * the distribution's binaries (as the `postgres` OS user when the tests run as
 * root, since PostgreSQL refuses to run as root) and stopped by its PID.
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { appendFileSync, chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

export interface Postgres {
  /** The socket folder: use as PGHOST. */
  host: string;
  port: number;
  /** PID of the postmaster, read from postmaster.pid. */
  pid: number;
  /** The bootstrap superuser. */
  superuser: string;
  /** The OS user the server runs as (`postgres` under root, else the current user). */
  osUser: string;
  /** The folder holding data, socket and log; removed by stop(). */
  base: string;
  binDir: string;
  /** libpq variables for a connection as `user` (default: the superuser). */
  env(user?: string): Record<string, string>;
  /** Runs SQL with psql (ON_ERROR_STOP, unaligned, tuples only) and returns stdout; throws with psql's stderr. */
  sql(sql: string, opts?: { db?: string; user?: string }): string;
  /** Stops the server by its PID and removes `base`. Safe to call twice. */
  stop(): Promise<void>;
}

/** The newest installed PostgreSQL's bin folder (Debian layout), else the folder of `pg_ctl` on PATH. */
export function findPgBin(): string {
  const root = '/usr/lib/postgresql';
  if (existsSync(root)) {
    const versions = readdirSync(root)
      .filter((v) => /^\d+$/.test(v) && existsSync(join(root, v, 'bin', 'pg_ctl')))
      .sort((a, b) => Number(b) - Number(a));
    if (versions[0]) return join(root, versions[0], 'bin');
  }
  const r = spawnSync('sh', ['-c', 'command -v pg_ctl'], { encoding: 'utf8' });
  const p = r.stdout.trim();
  if (r.status === 0 && p) return p.slice(0, p.lastIndexOf('/'));
  throw new Error('PostgreSQL server binaries not found: apt-get install postgresql');
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function check(r: SpawnSyncReturns<string>, what: string): string {
  if (r.error) throw new Error(`${what}: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`${what} exited ${r.status}: ${r.stderr || r.stdout}`);
  return r.stdout;
}

/**
 * `include`: a configuration file the server's own postgresql.conf includes
 * last, as Debian's include_dir 'conf.d' does; its listen_addresses then
 * counts (no `-c listen_addresses=''` on the command line, which would win).
 */
export async function startPostgres(opts: { prefix?: string; include?: string } = {}): Promise<Postgres> {
  const binDir = findPgBin();
  const asRoot = process.getuid?.() === 0;
  const osUser = asRoot ? 'postgres' : userInfo().username;
  const base = mkdtempSync(join(tmpdir(), opts.prefix ?? 'blink-pg-'));
  const data = join(base, 'data');
  const sock = join(base, 'sock');
  const log = join(base, 'postgres.log');
  mkdirSync(sock);
  if (asRoot) {
    const ids = spawnSync('id', ['-u', osUser], { encoding: 'utf8' });
    const gids = spawnSync('id', ['-g', osUser], { encoding: 'utf8' });
    const uid = Number(check(ids, `id -u ${osUser}`).trim());
    const gid = Number(check(gids, `id -g ${osUser}`).trim());
    chmodSync(base, 0o755);
    chownSync(base, uid, gid);
    chownSync(sock, uid, gid);
  }
  const runAs = (cmd: string, args: string[]) =>
    asRoot
      ? spawnSync('runuser', ['-u', osUser, '--', cmd, ...args], { encoding: 'utf8', cwd: base })
      : spawnSync(cmd, args, { encoding: 'utf8', cwd: base });

  const superuser = 'postgres';
  check(
    runAs(join(binDir, 'initdb'), ['-D', data, '-U', superuser, '--auth=trust', '-E', 'UTF8', '--locale=C', '--no-sync']),
    'initdb',
  );
  if (opts.include !== undefined) appendFileSync(join(data, 'postgresql.conf'), `\ninclude '${opts.include.replace(/'/g, "''")}'\n`);
  const port = await freePort();
  const serverOpts = [
    `-k ${sock}`,
    `-p ${port}`,
    ...(opts.include === undefined ? ["-c listen_addresses=''"] : []),
    '-c fsync=off',
    '-c synchronous_commit=off',
    '-c full_page_writes=off',
  ].join(' ');
  check(runAs(join(binDir, 'pg_ctl'), ['-D', data, '-o', serverOpts, '-l', log, '-w', '-t', '30', 'start']), 'pg_ctl start');
  const pid = Number(readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0 || !alive(pid)) throw new Error(`postgres did not start: see ${log}`);

  // If the test process dies without calling stop(), do not leave a server behind.
  const onExit = () => {
    if (alive(pid)) process.kill(pid, 'SIGQUIT');
  };
  process.once('exit', onExit);

  const env = (user = superuser): Record<string, string> => ({ PGHOST: sock, PGPORT: String(port), PGUSER: user });
  let stopped = false;
  return {
    host: sock,
    port,
    pid,
    superuser,
    osUser,
    base,
    binDir,
    env,
    sql(sql, o = {}) {
      const r = spawnSync('psql', ['-X', '-q', '-At', '-v', 'ON_ERROR_STOP=1', '-d', o.db ?? 'postgres', '-c', sql], {
        encoding: 'utf8',
        env: { ...process.env, ...env(o.user) },
      });
      return check(r, `psql ${JSON.stringify(sql.slice(0, 60))}`);
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      process.removeListener('exit', onExit);
      // SIGINT is PostgreSQL's "fast" shutdown; escalate to immediate, then kill.
      for (const [signal, waitMs] of [['SIGINT', 10_000], ['SIGQUIT', 5_000], ['SIGKILL', 5_000]] as const) {
        if (!alive(pid)) break;
        try {
          process.kill(pid, signal);
        } catch {
          break;
        }
        for (let t = 0; t < waitMs && alive(pid); t += 50) await sleep(50);
      }
      if (alive(pid)) throw new Error(`postgres (pid ${pid}) is still running`);
      rmSync(base, { recursive: true, force: true });
    },
  };
}
