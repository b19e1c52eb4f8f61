/**
 * blink-apply on a real pseudo-terminal (util-linux `script`): without --yes
 * it shows the diff and asks; "y" applies. Before, the prompt handed the
 * CLI's writer to readline as if it were a stream and crashed with
 * "output.on is not a function".
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { tempDir } from '../support/tmp.js';
import { onTerminal } from '../support/onTerminal.js';
import { testWorld, type TestWorld } from './fixture.js';
import { secretEnv } from './harness.js';
import { writeConfig } from './writeConfig.js';

const s = suite('blink-apply on a terminal');
const ctx: { tmp?: { dir: string; cleanup: () => void }; world?: TestWorld; config?: string } = {};

s.before(async () => {
  ctx.tmp = tempDir('blink-apply-tty-');
  ctx.world = await testWorld(ctx.tmp.dir, [{ name: 't1', transport: 'local' }], 1);
  ctx.config = writeConfig(ctx.tmp.dir, ctx.world.fleet);
});
s.after(async () => {
  await ctx.world?.stop();
  ctx.tmp?.cleanup();
});

const apply = (answer: string) =>
  onTerminal('blink-apply.ts', ['--config', ctx.config!, '--addons', join(process.cwd(), 'custom-addons'), '--health-interval', '50', '--health-retries', '3'], {
    cwd: ctx.tmp!.dir,
    env: { ...process.env, ...secretEnv(ctx.world!.fleet), BLINK_CACHE_DIR: 'off' },
    answer,
  });

s('"n" applies nothing', async () => {
  const r = await apply('n');
  assert.match(r.screen, 'Apply these changes to 1 server? [y/N]');
  assert.not.match(r.screen, 'TypeError');
  assert.match(r.screen, 'nothing applied');
  assert.is(r.code, 1);
});

s('"y" applies', async () => {
  const r = await apply('y');
  assert.not.match(r.screen, 'TypeError');
  assert.match(r.screen, 't1: applied');
  assert.is(r.code, 0, r.screen);
});

s.run();
