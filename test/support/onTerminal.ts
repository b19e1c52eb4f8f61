/**
 * Run one of the CLIs on a real pseudo-terminal (util-linux `script`), the
 * way an operator does, and type an answer once the y/N question shows.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { requireTool } from './tools.js';

export function onTerminal(bin: string, args: string[], o: { cwd: string; env: Record<string, string | undefined>; answer: string; timeoutMs?: number }): Promise<{ code: number | null; screen: string }> {
  const script = requireTool('script');
  const cmd = [process.execPath, '--import', import.meta.resolve('tsx'), join(process.cwd(), 'src/cli', bin), ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  const child = spawn(script, ['-q', '-e', '-c', cmd, '/dev/null'], { cwd: o.cwd, env: { ...o.env, TERM: 'xterm' }, stdio: ['pipe', 'pipe', 'pipe'] });
  let screen = '';
  let typed = false;
  const onData = (c: Buffer): void => {
    screen += c.toString();
    if (!typed && screen.includes('[y/N]')) {
      typed = true;
      child.stdin.write(o.answer + '\n');
    }
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const timer = setTimeout(() => child.kill('SIGKILL'), o.timeoutMs ?? 60_000);
  return new Promise((r) => child.on('close', (code) => (clearTimeout(timer), child.stdin.end(), r({ code, screen }))));
}
