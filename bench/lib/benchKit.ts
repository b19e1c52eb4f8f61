/**
 * Helpers of the benches: children timed without blocking this process
 * (the health stand-ins and the byte-counting relay live here and must keep
 * answering), ratio statistics, git with a fixed identity.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { connect, createServer as createTcpServer, type Server as TcpServer, type Socket } from 'node:net';
import { answerOdooHealth } from '../../test/support/odooHealth.js';

/** As test/deploy/fixture.ts sets it (copied, not imported: the fixture pulls in the CLI). */
export const GIT_ENV = {
  GIT_AUTHOR_NAME: 'Blink Bench',
  GIT_AUTHOR_EMAIL: 'bench@example.invalid',
  GIT_COMMITTER_NAME: 'Blink Bench',
  GIT_COMMITTER_EMAIL: 'bench@example.invalid',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
};

export function git(cwd: string, ...args: string[]): string {
  const r = spawnSync('git', args, { cwd, env: { ...process.env, ...GIT_ENV }, encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')} (in ${cwd}): ${r.stderr}`);
  return r.stdout.trim();
}

export interface Timed {
  code: number;
  s: number;
  stdout: string;
  stderr: string;
}

/** One child, wall time from spawn to close (process.hrtime). */
export function timedChild(cmd: string, args: string[], o: { cwd?: string; env?: Record<string, string>; input?: string } = {}): Promise<Timed> {
  const t = process.hrtime.bigint();
  const child = spawn(cmd, args, { cwd: o.cwd, env: o.env ?? (process.env as Record<string, string>), stdio: [o.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  if (o.input !== undefined) child.stdin!.end(o.input);
  return new Promise((r) => {
    child.on('error', (e) => (stderr += String(e)));
    child.on('close', (code) => r({ code: code ?? -1, s: Number(process.hrtime.bigint() - t) / 1e9, stdout, stderr }));
  });
}

export function expectExit(r: Timed, code: number, what: string): Timed {
  if (r.code !== code) throw new Error(`${what}: expected exit ${code}, got ${r.code}\n--- stderr\n${r.stderr.slice(-3000)}\n--- stdout\n${r.stdout.slice(-3000)}`);
  return r;
}

/** Several children at most `limit` at a time; the time of the whole batch. */
export async function timedBatch(jobs: (() => Promise<Timed>)[], limit: number): Promise<{ s: number; results: Timed[] }> {
  const t = process.hrtime.bigint();
  const results: Timed[] = new Array(jobs.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, jobs.length) }, async () => {
      while (next < jobs.length) {
        const k = next++;
        results[k] = await jobs[k]!();
      }
    }),
  );
  return { s: Number(process.hrtime.bigint() - t) / 1e9, results };
}

export interface RatioRun {
  floor: number;
  blink: number;
}

export interface RatioStats {
  median: number;
  min: number;
  max: number;
  floorMedian: number;
  blinkMedian: number;
}

export function ratioStats(runs: readonly RatioRun[]): RatioStats {
  const ratios = runs.map((r) => r.blink / r.floor);
  return {
    median: median(ratios),
    min: Math.min(...ratios),
    max: Math.max(...ratios),
    floorMedian: median(runs.map((r) => r.floor)),
    blinkMedian: median(runs.map((r) => r.blink)),
  };
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** One HTTP server per port answering Odoo's healthy `/web/health` (any query), 404 otherwise. */
export async function healthServers(ports: readonly number[]): Promise<HttpServer[]> {
  const out: HttpServer[] = [];
  try {
    for (const port of ports) {
      const srv = createHttpServer((req, res) => answerOdooHealth('web', {}, req, res));
      out.push(srv);
      await new Promise<void>((r, j) => (srv.once('error', j), srv.listen(port, '127.0.0.1', () => r())));
    }
  } catch (e) {
    await closeAll(out);
    throw e;
  }
  return out;
}

export async function closeAll(servers: readonly (HttpServer | TcpServer)[]): Promise<void> {
  await Promise.all(
    servers.map(
      (s) =>
        new Promise<void>((r) => {
          if (!s.listening) return r();
          if ('closeAllConnections' in s) s.closeAllConnections();
          s.close(() => r());
        }),
    ),
  );
}

/**
 * A TCP relay in front of an sshd that counts the bytes each way: what ssh
 * really puts on the wire (encrypted, framing and all), for comparing the
 * upload's size with the floor's.
 */
export interface CountingRelay {
  port: number;
  /** Bytes client → server and server → client since the last reset. */
  sent: number;
  received: number;
  reset(): void;
  close(): Promise<void>;
}

export async function countingRelay(targetPort: number): Promise<CountingRelay> {
  const sockets = new Set<Socket>();
  const relay: CountingRelay = {
    port: 0,
    sent: 0,
    received: 0,
    reset: () => void ((relay.sent = 0), (relay.received = 0)),
    close: async () => {
      for (const s of sockets) s.destroy();
      await closeAll([server]);
    },
  };
  const server = createTcpServer((client) => {
    const upstream = connect({ host: '127.0.0.1', port: targetPort });
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => (client.destroy(), upstream.destroy()));
    }
    client.on('data', (c: Buffer) => (relay.sent += c.length));
    upstream.on('data', (c: Buffer) => (relay.received += c.length));
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  relay.port = (server.address() as { port: number }).port;
  return relay;
}
