/**
 * A real OpenSSH server for integration tests: its own host key, an
 * authorised key it generates, a free port on 127.0.0.1, foreground (-D -e)
 * so the test holds its PID and stops it, even when a test fails.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { join } from 'node:path';
import { requireTool } from './tools.js';

export interface Sshd {
  port: number;
  pid: number;
  /** Client private key authorised on this server. */
  identity: string;
  /** `[127.0.0.1]:port key`, for a known_hosts file. */
  knownHostsLine: string;
  /** The sessions' TMPDIR: the server's temporary folder, this server's own so a test can see what is left in it. */
  tmpDir: string;
  stop(): Promise<void>;
}

export interface SshdOptions {
  /** Start again from the keys and config a previous run left in `dir` (same port and settings). */
  reuse?: boolean;
  /** The sessions' XDG_RUNTIME_DIR, as pam_systemd sets it for an ssh login (/run/user/UID); none by default. */
  runtimeDir?: string;
}

export async function startSshd(dir: string, options: SshdOptions = {}): Promise<Sshd> {
  const sshd = requireTool('/usr/sbin/sshd', ['sshd']);
  mkdirSync(dir, { recursive: true });
  // sshd refuses to start without its privilege separation folder.
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const hostKey = join(dir, 'host_ed25519');
  const identity = join(dir, 'id_ed25519');
  const config = join(dir, 'sshd_config');
  const reuse = options.reuse === true && existsSync(config);
  if (!reuse) {
    keygen(hostKey);
    keygen(identity);
    writeFileSync(join(dir, 'authorized_keys'), readFileSync(identity + '.pub'));
  }
  const tmpDir = join(dir, 'tmp');
  mkdirSync(tmpDir, { recursive: true, mode: 0o700 });
  const port = reuse ? Number(/^Port (\d+)$/m.exec(readFileSync(config, 'utf8'))![1]) : await freePort();
  if (!reuse) writeFileSync(
    config,
    [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${hostKey}`,
      `PidFile ${join(dir, 'sshd.pid')}`,
      `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
      'StrictModes no',
      'UsePAM no',
      'PermitRootLogin yes',
      'PubkeyAuthentication yes',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      // Every multiplexed channel counts as a session.
      'MaxSessions 64',
      'MaxStartups 64:30:128',
      'LogLevel ERROR',
      // bash run by sshd sources ~/.bashrc unless it is a nested shell; this
      // machine's root .bashrc runs `pyenv init` (~150 ms a command), which a
      // server's root does not. SHLVL=1 makes the login shell skip it.
      // Each session's TMPDIR: this server's own temporary folder.
      `SetEnv SHLVL=1 TMPDIR=${tmpDir}${options.runtimeDir ? ` XDG_RUNTIME_DIR=${options.runtimeDir}` : ''}`,
      '',
    ].join('\n'),
  );
  const child = spawn(sshd, ['-D', '-e', '-f', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  await waitForPort(port, child, () => stderr);
  const hostPub = readFileSync(hostKey + '.pub', 'utf8').trim().split(' ').slice(0, 2).join(' ');
  return {
    port,
    pid: child.pid!,
    identity,
    knownHostsLine: `[127.0.0.1]:${port} ${hostPub}`,
    tmpDir,
    stop: () => stopChild(child),
  };
}

export interface SshAlias {
  alias: string;
  sshd: Pick<Sshd, 'port' | 'identity'>;
}

/** An ssh_config for `--ssh-config`: one Host block per alias, strict host keys from our own known_hosts. */
export function writeSshConfig(path: string, knownHosts: string, aliases: SshAlias[]): void {
  writeFileSync(
    path,
    aliases
      .map(({ alias, sshd }) =>
        [
          `Host ${alias}`,
          '  HostName 127.0.0.1',
          `  Port ${sshd.port}`,
          '  User root',
          `  IdentityFile ${sshd.identity}`,
          '  IdentitiesOnly yes',
          `  UserKnownHostsFile ${knownHosts}`,
          '  StrictHostKeyChecking yes',
          '  LogLevel ERROR',
          '',
        ].join('\n'),
      )
      .join('\n'),
  );
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

function keygen(path: string): void {
  const r = spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'blink-test', '-f', path], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ssh-keygen failed: ${r.stderr}`);
}

async function waitForPort(port: number, child: ChildProcess, stderr: () => string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) throw new Error(`sshd exited: ${stderr()}`);
    const ok = await new Promise<boolean>((r) => {
      const c = connect({ host: '127.0.0.1', port }, () => (c.destroy(), r(true)));
      c.on('error', () => r(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  await stopChild(child);
  throw new Error(`sshd did not listen on ${port}: ${stderr()}`);
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((r) => {
    child.once('exit', () => r());
    child.kill('SIGTERM');
  });
}
