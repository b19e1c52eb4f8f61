/**
 * blink-deploy on a real pseudo-terminal (util-linux `script`): without
 * --yes it shows the plan, asks, and deploys only on yes; the progress
 * lines are drawn on the terminal and cleared before each result.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { GIT_ENV, deployWorld, type DeployWorld } from './fixture.js';
import { onTerminal } from '../support/onTerminal.js';

const s = suite('blink-deploy on a terminal');
let w: DeployWorld;

s.before(async () => {
  w = await deployWorld();
});
s.after(async () => {
  await w?.stop();
});

const onDeployTerminal = (args: string[], answer: string) =>
  onTerminal('blink-deploy.ts', [...args, '--health-interval', '50'], { cwd: w.repo, env: { ...process.env, ...GIT_ENV, BLINK_CACHE_DIR: 'off' }, answer });

s('asks before deploying; "n" deploys nothing', async () => {
  const r = await onDeployTerminal(['--host', 'acme-test.example.test'], 'n');
  assert.match(r.screen, 'acme-test (acme-test.example.test on s1)');
  assert.match(r.screen, 'Deploy to 1 instance? [y/N]');
  assert.match(r.screen, 'nothing deployed');
  assert.is(r.code, 1);
  assert.is(w.current('acme-test'), undefined);
});

s('"y" deploys, with progress drawn on the terminal', async () => {
  const r = await onDeployTerminal(['--host', 'acme-test.example.test'], 'y');
  assert.is(r.code, 0, r.screen);
  assert.match(r.screen, /acme-test: deployed [0-9a-f]{12} \(test\)/);
  assert.match(r.screen, '\x1b[K', 'progress lines are drawn and redrawn in place');
  assert.ok(w.current('acme-test'));
});

s.run();
