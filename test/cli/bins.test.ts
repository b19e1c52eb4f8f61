import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';

const repo = new URL('../../', import.meta.url).pathname;
const s = suite('the bin files');

for (const bin of ['blink-render', 'blink-apply', 'blink-deploy']) {
  s(`${bin}: tierUpLater is its first import, and the flag it sets is one this Node takes`, () => {
    const imports = readFileSync(`${repo}src/cli/${bin}.ts`, 'utf8').split('\n').filter((l) => l.startsWith('import '));
    assert.is(imports[0], "import './tierUpLater.js';", 'the flag must be set before the code it tunes has run');
    // A flag V8 does not know is ignored silently by setFlagsFromString; on the command line it is an error.
    const r = spawnSync(process.execPath, ['--interrupt-budget=1000000', '--import', import.meta.resolve('tsx'), `${repo}src/cli/${bin}.ts`, '--help'], { cwd: repo, encoding: 'utf8' });
    assert.is(r.status, 0, r.stderr);
    assert.match(r.stdout, `Usage: ${bin}`);
    assert.match(readFileSync(`${repo}src/cli/tierUpLater.ts`, 'utf8'), "setFlagsFromString('--interrupt-budget=1000000')");
  });
}

s.run();
