/**
 * The server-side scripts of blink-apply and blink-deploy as they are sent
 * (each family's shared library in front of each) are POSIX sh and
 * shellcheck-clean.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ApplyScriptName } from '../../src/remote/applyScripts.js';
import type { DeployScriptName } from '../../src/remote/deployScripts.js';
import { serverScript } from '../../src/remote/serverScript.js';
import { requireTool } from '../support/tools.js';
import { tempDir } from '../support/tmp.js';

const APPLY: ApplyScriptName[] = ['read', 'fetch', 'lock', 'stage', 'swap', 'rollback', 'commit', 'resources'];
const DEPLOY: DeployScriptName[] = ['read', 'upload', 'journal', 'switch', 'update', 'backup', 'finish'];

for (const [family, names] of [['apply', APPLY], ['deploy', DEPLOY]] as const) {
  const s = suite(`${family} scripts`);
  s('every script is shellcheck-clean as POSIX sh, and parses with dash', () => {
    const shellcheck = requireTool('shellcheck');
    const tmp = tempDir(`blink-${family}-sh-`);
    try {
      for (const name of names) {
        const file = join(tmp.dir, `${family}-${name}.sh`);
        writeFileSync(file, '#!/bin/sh\n' + serverScript(family, name));
        const r = spawnSync(shellcheck, ['--shell=sh', '--severity=style', file], { encoding: 'utf8' });
        assert.is(r.stdout + r.stderr, '', `shellcheck ${family}-${name}.sh`);
        const n = spawnSync('sh', ['-n', file], { encoding: 'utf8' });
        assert.is(n.status, 0, n.stderr);
      }
    } finally {
      tmp.cleanup();
    }
  });
  s.run();
}
