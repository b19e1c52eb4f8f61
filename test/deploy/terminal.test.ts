/**
 * blink-deploy on a real pseudo-terminal (util-linux `script`): without
 * --yes it shows the plan, asks, and deploys only on yes; the progress
 * lines are drawn on the terminal and cleared before each result.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { GIT_ENV, deployWorld, type DeployWorld } from './fixture.js';
import { requireTool } from '../support/tools.js';

const s = suite('blink-deploy on a terminal');
let w: DeployWorld;

s.before(async () => {
  w = await deployWorld();
});
s.after(async () => {
  await w?.stop();
});

/** Runs blink-deploy under `script`, typing `answer` once the question is on the screen. */
function onTerminal(args: string[], answer: string): Promise<{ code: number | null; screen: string }> {
  const script = requireTool('script');
  const cmd = [process.execPath, '--import', import.meta.resolve('tsx'), join(process.cwd(), 'src/cli/blink-deploy.ts'), ...args, '--health-interval', '50'].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  const child = spawn(script, ['-q', '-e', '-c', cmd, '/dev/null'], { cwd: w.repo, env: { ...process.env, ...GIT_ENV, BLINK_CACHE_DIR: 'off', TERM: 'xterm' }, stdio: ['pipe', 'pipe', 'pipe'] });
  let screen = '';
  let typed = false;
  const onData = (c: Buffer): void => {
    screen += c.toString();
    if (!typed && screen.includes('[y/N]')) {
      typed = true;
      child.stdin.write(answer + '\n');
    }
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  return new Promise((r) => child.on('close', (code) => (clearTimeout(timer), child.stdin.end(), r({ code, screen }))));
}

s('asks before deploying; "n" deploys nothing', async () => {
  const r = await onTerminal(['--host', 'acme-test.example.test'], 'n');
  assert.match(r.screen, 'acme-test (acme-test.example.test on s1)');
  assert.match(r.screen, 'Deploy to 1 instance? [y/N]');
  assert.match(r.screen, 'nothing deployed');
  assert.is(r.code, 1);
  assert.is(w.current('acme-test'), undefined);
});

s('"y" deploys, with progress drawn on the terminal', async () => {
  const r = await onTerminal(['--host', 'acme-test.example.test'], 'y');
  assert.is(r.code, 0, r.screen);
  assert.match(r.screen, /acme-test: deployed [0-9a-f]{12} \(test\)/);
  assert.match(r.screen, '\x1b[K', 'progress lines are drawn and redrawn in place');
  assert.ok(w.current('acme-test'));
});

s.run();
