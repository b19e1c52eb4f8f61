import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

/** How peak memory of a child is measured: GNU time's %M, or polling /proc/<pid>/status VmHWM. */
export type RssMethod = { kind: 'gnu-time'; path: string } | { kind: 'proc-poll' };

export interface Measurement {
  /** From process.hrtime around the spawn: finer than time's %e (10 ms). */
  wallMs: number;
  peakRssKb: number | undefined;
  /** user + sys CPU seconds × 1000, from GNU time; less disturbed by other load on the machine than wall time. */
  cpuMs: number | undefined;
  status: number;
  stdout: string;
  stderr: string;
}

const TIME_LINE = /^(\d+(?:\.\d+)?) (\d+) (\d+(?:\.\d+)?) (\d+(?:\.\d+)?)$/;
const FORMAT = '%e %M %U %S';

/** GNU time if /usr/bin/time understands `-f '%e %M'`, else polling /proc. */
export function detectRssMethod(): RssMethod {
  const path = '/usr/bin/time';
  if (existsSync(path)) {
    const r = spawnSync(path, ['-f', FORMAT, 'true'], { encoding: 'utf8' });
    if (r.status === 0 && TIME_LINE.test(r.stderr.trim().split('\n').pop() ?? '')) return { kind: 'gnu-time', path };
  }
  return { kind: 'proc-poll' };
}

export function describe(method: RssMethod): string {
  return method.kind === 'gnu-time'
    ? `peak RSS and CPU from ${method.path} -f '${FORMAT}' (GNU time: max resident set in KB, user + sys seconds); wall time from process.hrtime around the spawn`
    : 'peak RSS by polling VmHWM in /proc/<pid>/status every 2 ms (GNU time not available; may miss a short final peak); wall time from process.hrtime';
}

export async function measure(method: RssMethod, cmd: string, args: string[], cwd?: string): Promise<Measurement> {
  return method.kind === 'gnu-time' ? withGnuTime(method.path, cmd, args, cwd) : withProcPoll(cmd, args, cwd);
}

function withGnuTime(time: string, cmd: string, args: string[], cwd: string | undefined): Measurement {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(time, ['-f', FORMAT, cmd, ...args], { encoding: 'utf8', cwd, maxBuffer: 256 * 1024 * 1024 });
  const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const lines = r.stderr.trimEnd().split('\n');
  const m = TIME_LINE.exec(lines[lines.length - 1] ?? '');
  const stderr = (m ? lines.slice(0, -1) : lines).filter((l) => !l.startsWith('Command exited with non-zero status')).join('\n');
  const cpuMs = m ? (Number(m[3]) + Number(m[4])) * 1000 : undefined;
  return { wallMs, peakRssKb: m ? Number(m[2]) : undefined, cpuMs, status: r.status ?? 1, stdout: r.stdout, stderr };
}

function withProcPoll(cmd: string, args: string[], cwd: string | undefined): Promise<Measurement> {
  return new Promise((resolve) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(cmd, args, { cwd });
    let stdout = '';
    let stderr = '';
    let peak: number | undefined;
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const poll = setInterval(() => {
      try {
        const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (m) peak = Math.max(peak ?? 0, Number(m[1]));
      } catch {
        // Gone between two polls.
      }
    }, 2);
    child.on('close', (code) => {
      clearInterval(poll);
      resolve({ wallMs: Number(process.hrtime.bigint() - t0) / 1e6, peakRssKb: peak, cpuMs: undefined, status: code ?? 1, stdout, stderr });
    });
  });
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}
