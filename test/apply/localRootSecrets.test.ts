/**
 * An apply writes resolved secrets under a local server's root: inside a git
 * checkout, that root must be ignored by git (issue: a lab root inside
 * config/ receiving secrets). Real git, the local transport.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { applyInProcess } from './cliRun.js';
import { testWorld } from './fixture.js';
import { secretEnv } from './harness.js';
import { writeConfig } from './writeConfig.js';
import { tempDir } from '../support/tmp.js';

const s = suite('a local root inside a git checkout');

s('is refused until git ignores it, before anything is written; a --diff is not held to it', async () => {
  const tmp = tempDir('blink-root-in-git-');
  const world = await testWorld(tmp.dir, [{ name: 'c1', transport: 'local' }]);
  try {
    spawnSync('git', ['init', '-q', tmp.dir]);
    const config = writeConfig(tmp.dir, world.fleet);
    const env = { ...secretEnv(world.fleet), PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: process.env['HOME'] ?? '/root', BLINK_CACHE_DIR: 'off' };
    const r = await applyInProcess(['--config', config, '--yes', '--no-color'], env, tmp.dir);
    assert.is(r.code, 1, r.out + r.err);
    assert.match(r.err, /BLINK541: server c1: its root .*roots\/c1 is inside the git checkout .* and git does not ignore it/);
    assert.not.ok(existsSync(join(world.rootOf('c1'), 'var/lib/blink')), 'nothing written');
    const diff = await applyInProcess(['--config', config, '--diff', '--no-color'], env, tmp.dir);
    assert.not.match(diff.err, 'BLINK541');
    writeFileSync(join(tmp.dir, '.gitignore'), 'roots/\n');
    const ok = await applyInProcess(['--config', config, '--yes', '--no-color'], env, tmp.dir);
    assert.not.match(ok.err, 'BLINK541');
    assert.is(ok.code, 0, ok.out + ok.err);
  } finally {
    await world.stop();
    tmp.cleanup();
  }
});

s.run();
