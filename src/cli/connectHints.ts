import { readFileSync } from 'node:fs';
import type { Server } from '../model/Fleet.js';
import { connectSpec, type ConnectSpec } from '../remote/transportPool.js';
import { cacheDir, cacheFileFor } from '../write/cacheFiles.js';
import { writeLater } from './writeLater.js';
import { SSH_DESTINATION, sshOptionRefusal } from '../compile/sshOptionPolicy.js';

/**
 * Which servers blink-apply connected to last time, and how, kept beside the
 * compiled fleet: the next run starts those ssh handshakes first and
 * compiles while they go on. A handshake is most of what a server costs a
 * diff, and compiling a large clients.yaml after an edit takes as long as
 * one. The hints only decide what to start early: a master is used only for
 * a compiled server with the very same spec (realRemotes), the others are
 * closed unused.
 */
export interface ConnectHints {
  /** The ssh servers to start with, in the fleet's order: a diff reads them in that order. */
  specs: ConnectSpec[];
  /** Record the compiled fleet's servers for the next run (written only when they changed). */
  save(servers: readonly Server[]): void;
}

export function connectHints(cwd: string, env: Record<string, string | undefined>, configDir: string): ConnectHints {
  const dir = cacheDir(cwd, env);
  const file = dir ? cacheFileFor(dir, 'connect', cwd, configDir) : undefined;
  let text = '';
  let specs: ConnectSpec[] = [];
  if (file) {
    try {
      text = readFileSync(file, 'utf8');
      specs = validSpecs(JSON.parse(text));
    } catch {
      // None yet, or unreadable: nothing starts early.
    }
  }
  return {
    specs,
    save(servers) {
      if (!dir || !file) return;
      const next = { specs: servers.map(connectSpec).filter((s) => s !== undefined) };
      // Only the next run's head start is lost if it cannot be written.
      if (JSON.stringify(next) !== text) writeLater(dir, file, () => next);
    },
  };
}

/** The specs of a hints file, or none. It is a cache, but it decides what ssh runs with before anything is compiled: held to clients.yaml's own rules (destination shape, allowed options). */
function validSpecs(data: unknown): ConnectSpec[] {
  const specs = (data as { specs?: unknown } | null)?.specs;
  if (!Array.isArray(specs)) return [];
  const ok = (s: unknown): s is ConnectSpec => {
    const x = s as Partial<ConnectSpec> | null;
    return (
      typeof x?.name === 'string' &&
      typeof x.ssh === 'string' &&
      SSH_DESTINATION.test(x.ssh) &&
      Array.isArray(x.sshOptions) &&
      x.sshOptions.every((o) => typeof o === 'string' && sshOptionRefusal(o) === undefined)
    );
  };
  return specs.every(ok) ? specs.map(({ name, ssh, sshOptions }) => ({ name, ssh, sshOptions })) : [];
}

/** The first `n` hinted servers a run with these `--server` names (all when none) reads; none for a `--host` run, whose servers only compile knows. */
export function earlyServers(specs: readonly ConnectSpec[], servers: readonly string[], hosts: readonly string[], n: number): ConnectSpec[] {
  if (hosts.length) return [];
  return specs.filter((s) => !servers.length || servers.includes(s.name)).slice(0, n);
}
