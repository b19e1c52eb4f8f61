import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import type { ExecResult, Held, HttpResult, Transport } from './Transport.js';
import { httpOverStream } from './httpOverStream.js';
import { scriptWithInput } from './scriptWithInput.js';
import { childEnv } from './childEnv.js';

/**
 * The same scripts as over ssh, run by `sh` on this machine, in `cwd`: the
 * config folder for a fleet's server (its commands may name scripts kept
 * beside clients.yaml), `/` otherwise. Blink's own scripts use absolute paths.
 */
export function localTransport(server: string, cwd = '/'): Transport {
  return {
    server,
    target: 'local',
    open: async () => undefined,
    exec: (script, stdin) => runChild('sh', ['-s'], scriptWithInput(script, stdin), cwd),
    hold: (script, input) => holdChild('sh', ['-c', script], input, cwd),
    httpGet: (url, timeoutMs) => localHttpGet(url, timeoutMs),
    close: async () => undefined,
  };
}

export function runChild(cmd: string, args: string[], stdin?: Uint8Array | string, cwd = '/'): Promise<ExecResult> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'], cwd, env: childEnv() });
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.on('error', (e) => resolve({ code: 127, stdout: Buffer.alloc(0), stderr: e.message }));
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 128 : 1), stdout: Buffer.concat(out), stderr: err }));
    // The script may exit without reading everything it was given.
    child.stdin.on('error', () => undefined);
    child.stdin.end(stdin ?? '');
  });
}

/** Keep a child whose stdin is our pipe (after `input`): when we exit, even by SIGKILL, it sees EOF. */
export function holdChild(cmd: string, args: string[], input?: Uint8Array, cwd = '/'): Promise<Held> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'], cwd, env: childEnv() });
    let buf = '';
    let err = '';
    let settled = false;
    const closed = new Promise<void>((r) => child.on('close', () => r()));
    const release = async (): Promise<void> => {
      child.stdin.end();
      await closed;
    };
    const settle = (line: string): void => {
      if (settled) return;
      settled = true;
      resolve({ firstLine: line, release });
    };
    child.stdin.on('error', () => undefined);
    if (input?.length) child.stdin.write(input);
    child.stdout.on('data', (c: Buffer) => {
      buf += c.toString();
      const nl = buf.indexOf('\n');
      if (nl >= 0) settle(buf.slice(0, nl));
    });
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.on('error', (e) => settle(`ERROR ${e.message}`));
    child.on('close', () => settle(`ERROR ${err.trim() || buf.trim() || `${cmd} exited before answering`}`));
  });
}

function localHttpGet(url: string, timeoutMs: number): Promise<HttpResult> {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return Promise.resolve({ error: `invalid URL ${url}` });
  }
  const socket = connect({ host: u.hostname, port: Number(u.port || 80) });
  return httpOverStream(socket, socket, u, timeoutMs, () => socket.destroy());
}
