import { spawn } from 'node:child_process';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';

const repo = new URL('../../', import.meta.url).pathname;
const s = suite('output to a closed pipe');

for (const bin of ['blink-render', 'blink-apply']) {
  s(`${bin} | head: a reader that went away is not a crash`, async () => {
    const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), `${repo}src/cli/${bin}.ts`, '--help'], { cwd: repo, stdio: ['ignore', 'pipe', 'pipe'] });
    // Closed before the CLI has even started: its first write gets EPIPE.
    child.stdout.destroy();
    let err = '';
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const code = await new Promise<number | null>((r) => child.on('close', (c) => r(c)));
    assert.is(err, '');
    assert.is(code, 0);
  });
}

s.run();
