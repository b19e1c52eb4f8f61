/**
 * nginx for tests: a stand-in for the distribution's nginx.conf under a
 * throwaway root (only what loading blink's files needs), self-signed
 * certificates where certbot would put real ones, `nginx -t`, and a real
 * nginx in the foreground that the test holds by PID and stops.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { dirname, join } from 'node:path';
import { requireTool } from './tools.js';

export const NGINX = requireTool('nginx', ['/usr/sbin/nginx']);
const OPENSSL = requireTool('openssl');
/** The mime.types nginx ships (Debian: /etc/nginx/mime.types); only read. */
const NGINX_MIME_TYPES = '/etc/nginx/mime.types';

export interface RunResult {
  status: number | null;
  output: string;
}

export function run(cmd: string, args: string[], env: Record<string, string> = {}): RunResult {
  const r = spawnSync(cmd, args, { encoding: 'utf8', env: { ...process.env, ...env } });
  if (r.error) throw r.error;
  return { status: r.status, output: r.stdout + r.stderr };
}

/** Writes `<root>/etc/nginx/nginx.conf`, including conf.d/*.conf and sites-enabled/* as Debian's does; returns its path. */
export function nginxTree(root: string): string {
  for (const d of ['run', 'var/log/nginx', 'var/www/letsencrypt']) mkdirSync(join(root, d), { recursive: true });
  const conf = join(root, 'etc/nginx/nginx.conf');
  mkdirSync(dirname(conf), { recursive: true });
  writeFileSync(
    conf,
    [
      `pid ${root}/run/nginx.pid;`,
      `error_log ${root}/var/log/nginx/error.log;`,
      'events {}',
      'http {',
      // What Debian's nginx.conf has, and what serving files from disk needs.
      `    include ${NGINX_MIME_TYPES};`,
      '    default_type application/octet-stream;',
      `    access_log ${root}/var/log/nginx/access.log;`,
      `    include ${root}/etc/nginx/conf.d/*.conf;`,
      `    include ${root}/etc/nginx/sites-enabled/*;`,
      '}',
      '',
    ].join('\n'),
  );
  return conf;
}

/** A throwaway self-signed certificate where certbot would put the real one. */
export function fakeCertificate(root: string, host: string): void {
  const dir = join(root, 'etc/letsencrypt/live', host);
  mkdirSync(dir, { recursive: true });
  const r = run(OPENSSL, ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', `/CN=${host}`, '-days', '1', '-keyout', join(dir, 'privkey.pem'), '-out', join(dir, 'fullchain.pem')]);
  if (r.status !== 0) throw new Error(`openssl failed: ${r.output}`);
}

/** `nginx -t` on the tree under `root`. */
export function nginxTest(root: string): RunResult {
  const conf = nginxTree(root);
  // -e: nginx opens its error log before reading the config; keep it off /var/log.
  return run(NGINX, ['-t', '-e', join(root, 'var/log/nginx/error.log'), '-c', conf, '-p', root + '/']);
}

export interface RunningNginx {
  pid: number;
  /** Stops it by its PID and waits until it has exited. */
  stop(): Promise<void>;
}

/**
 * Starts nginx on the tree under `root` in the foreground (`daemon off`), so
 * the test holds the master's PID; resolves once `port` accepts connections.
 */
export async function startNginx(root: string, port: number): Promise<RunningNginx> {
  const conf = nginxTree(root);
  const errorLog = join(root, 'var/log/nginx/error.log');
  const child = spawn(NGINX, ['-e', errorLog, '-c', conf, '-p', root + '/', '-g', 'daemon off;'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      // TERM: fast shutdown of the master and its workers.
      process.kill(child.pid!, 'SIGTERM');
      await exited;
    }
  };
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`nginx exited: ${stderr}${safeRead(errorLog)}`);
    if (await accepts(port)) break;
    if (i >= 200) {
      await stop();
      throw new Error(`nginx never listened on ${port}: ${stderr}${safeRead(errorLog)}`);
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  // nginx may listen a moment before its pid file holds the pid: wait for the number.
  let pidFile = 0;
  for (let i = 0; i < 200 && !(pidFile > 0); i++) {
    pidFile = Number(safeRead(join(root, 'run/nginx.pid')).trim());
    if (!(pidFile > 0)) await new Promise((r) => setTimeout(r, 25));
  }
  if (pidFile !== child.pid) {
    await stop();
    throw new Error(`nginx wrote pid ${pidFile}, but its master is ${child.pid}`);
  }
  return { pid: child.pid!, stop };
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const c = connect({ host: '127.0.0.1', port }, () => (c.destroy(), resolve(true)));
    c.on('error', () => resolve(false));
  });
}

function safeRead(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}
