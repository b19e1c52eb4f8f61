/**
 * The server-side scripts of blink-apply as they are sent (the shared
 * library in front of each) are POSIX sh and shellcheck-clean.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { applyScript, type ApplyScriptName } from '../../src/remote/applyScripts.js';
import { requireTool } from '../support/tools.js';
import { tempDir } from '../support/tmp.js';

const s = suite('apply scripts');
const NAMES: ApplyScriptName[] = ['read', 'fetch', 'lock', 'stage', 'swap', 'rollback', 'commit'];

s('every script is shellcheck-clean as POSIX sh, and parses with dash', () => {
  const shellcheck = requireTool('shellcheck');
  const tmp = tempDir('blink-apply-sh-');
  try {
    for (const name of NAMES) {
      const file = join(tmp.dir, `apply-${name}.sh`);
      writeFileSync(file, '#!/bin/sh\n' + applyScript(name));
      const r = spawnSync(shellcheck, ['--shell=sh', '--severity=style', file], { encoding: 'utf8' });
      assert.is(r.stdout + r.stderr, '', `shellcheck apply-${name}.sh`);
      const n = spawnSync('sh', ['-n', file], { encoding: 'utf8' });
      assert.is(n.status, 0, n.stderr);
    }
  } finally {
    tmp.cleanup();
  }
});

s.run();
