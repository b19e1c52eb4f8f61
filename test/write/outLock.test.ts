/**
 * One writer per out/: the lock beside it, with real processes as holders,
 * and two real renders of different configs racing into one out/.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { lockOut } from '../../src/write/outLock.js';
import { tempDir } from '../support/tmp.js';

const repo = process.cwd();
const s = suite('the lock on out/');

s('a live holder is waited for, then named; a dead one is taken over; release removes the lock', async () => {
  const tmp = tempDir('blink-out-lock-');
  const holder = spawn('sleep', ['30'], { stdio: 'ignore' });
  try {
    const out = join(tmp.dir, 'out');
    writeFileSync(`${out}.lock`, `${holder.pid}\n`);
    const busy = lockOut(out, { waitMs: 200 });
    assert.ok('code' in busy);
    assert.is((busy as { code: string }).code, 'BLINK404');
    assert.match((busy as { message: string }).message, `pid ${holder.pid}`);
    holder.kill('SIGKILL');
    await new Promise((r) => holder.once('exit', r));
    const mine = lockOut(out, { waitMs: 200 });
    assert.ok(!('code' in mine), 'a lock whose process is gone is taken over');
    assert.is(readFileSync(`${out}.lock`, 'utf8'), `${process.pid}\n`);
    (mine as { release(): void }).release();
    assert.not.ok(existsSync(`${out}.lock`));
  } finally {
    holder.kill('SIGKILL');
    tmp.cleanup();
  }
});

s('a render waits while another holds out/, then writes its whole tree: never two writers at once', async () => {
  const tmp = tempDir('blink-out-race-');
  const holder = spawn('sleep', ['30'], { stdio: 'ignore' });
  try {
    cpSync(join(repo, 'config'), join(tmp.dir, 'config'), { recursive: true, filter: (p) => !p.includes('.lab-server') });
    cpSync(join(repo, 'custom-addons'), join(tmp.dir, 'custom-addons'), { recursive: true });
    const out = join(tmp.dir, 'out');
    const args = ['--import', import.meta.resolve('tsx'), join(repo, 'src/cli/blink-render.ts'), '--no-color'];
    const env = { ...process.env, BLINK_CACHE_DIR: 'off' };
    // Another render is writing out/ (a live process holds the lock).
    writeFileSync(`${out}.lock`, `${holder.pid}\n`);
    const render = spawn(process.execPath, args, { cwd: tmp.dir, env, stdio: 'ignore' });
    const done = new Promise<number | null>((r) => render.on('close', r));
    // Long enough for an unlocked render to have written out/ (it takes well under this here).
    await new Promise((r) => setTimeout(r, 4000));
    assert.not.ok(existsSync(out), 'nothing written while the other writer holds out/');
    holder.kill('SIGKILL');
    assert.is(await done, 0);
    assert.is(spawnSync(process.execPath, [...args, '--check'], { cwd: tmp.dir, env }).status, 0, 'out/ is the complete render');
    assert.not.ok(existsSync(`${out}.lock`));
  } finally {
    holder.kill('SIGKILL');
    tmp.cleanup();
  }
});

s.run();
