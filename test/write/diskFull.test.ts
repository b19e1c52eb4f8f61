/**
 * A disk that fills up during a render, for real: blink-render runs with a
 * file size limit (`ulimit -f`, SIGXFSZ ignored), so writing any file over
 * 4 KiB fails part-way with EFBIG, as a full disk fails with ENOSPC. Nothing
 * half-written may stay in or beside out/.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { cpSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../support/tmp.js';

const repo = process.cwd();
const s = suite('blink-render on a disk that fills up');

function render(cwd: string, limitKb?: number): { code: number | null; out: string } {
  const cmd = `${limitKb ? `trap '' XFSZ; ulimit -f ${limitKb * 2}; ` : ''}exec "$0" --import "$1" "$2" --no-color`;
  const r = spawnSync('sh', ['-c', cmd, process.execPath, import.meta.resolve('tsx'), join(repo, 'src/cli/blink-render.ts')], { cwd, encoding: 'utf8', env: { ...process.env, BLINK_CACHE_DIR: 'off' } });
  return { code: r.status, out: r.stdout + r.stderr };
}

/** Every entry below dir, with its bytes for files: equal snapshots mean an untouched tree. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    const p = join(e.parentPath, e.name);
    out[p.slice(dir.length)] = e.isFile() ? readFileSync(p, 'latin1') : e.isDirectory() ? '(dir)' : '(other)';
  }
  return out;
}

s('a fresh render that cannot write a file leaves no out/ and no temp folder beside it', () => {
  const tmp = tempDir('blink-disk-full-');
  try {
    cpSync(join(repo, 'config'), join(tmp.dir, 'config'), { recursive: true, filter: (p) => !p.includes('.lab-server') });
    cpSync(join(repo, 'custom-addons'), join(tmp.dir, 'custom-addons'), { recursive: true });
    const r = render(tmp.dir, 4);
    assert.is(r.code, 1, r.out);
    assert.match(r.out, /BLINK402: could not write .*fleet\.json: EFBIG/);
    assert.equal(readdirSync(tmp.dir).sort(), ['config', 'custom-addons'], 'neither out/ nor out.tmp-*');
  } finally {
    tmp.cleanup();
  }
});

s('a re-render that cannot write a changed file leaves out/ byte for byte as it was, with no temp files', () => {
  const tmp = tempDir('blink-disk-full-');
  try {
    cpSync(join(repo, 'config'), join(tmp.dir, 'config'), { recursive: true, filter: (p) => !p.includes('.lab-server') });
    cpSync(join(repo, 'custom-addons'), join(tmp.dir, 'custom-addons'), { recursive: true });
    assert.is(render(tmp.dir).code, 0);
    const before = snapshot(join(tmp.dir, 'out'));
    // A new client changes fleet.json (over 4 KiB) and adds files.
    const clients = join(tmp.dir, 'config', 'clients.yaml');
    writeFileSync(clients, readFileSync(clients, 'utf8') + '  diskfull:\n    environments:\n      test: { host: diskfull.example.test, server: aws-1, branch: test, kind: test, port: 8189 }\n');
    const r = render(tmp.dir, 4);
    assert.is(r.code, 1, r.out);
    assert.match(r.out, /BLINK402/);
    assert.equal(snapshot(join(tmp.dir, 'out')), before);
    assert.equal(readdirSync(tmp.dir).sort(), ['config', 'custom-addons', 'out'], 'no out.tmp-* beside it');
  } finally {
    tmp.cleanup();
  }
});

s.run();
