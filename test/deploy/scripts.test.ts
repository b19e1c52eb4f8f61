/**
 * The server-side scripts of blink-deploy as they are sent (the shared
 * library in front of each) are POSIX sh and shellcheck-clean.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deployScript, type DeployScriptName } from '../../src/remote/deployScripts.js';
import { requireTool } from '../support/tools.js';
import { tempDir } from '../support/tmp.js';

const s = suite('deploy scripts');
const NAMES: DeployScriptName[] = ['read', 'upload', 'journal', 'switch', 'update', 'backup', 'finish'];

s('every script is shellcheck-clean as POSIX sh, and parses with dash', () => {
  const shellcheck = requireTool('shellcheck');
  const tmp = tempDir('blink-deploy-sh-');
  try {
    for (const name of NAMES) {
      const file = join(tmp.dir, `deploy-${name}.sh`);
      writeFileSync(file, '#!/bin/sh\n' + deployScript(name));
      const r = spawnSync(shellcheck, ['--shell=sh', '--severity=style', file], { encoding: 'utf8' });
      assert.is(r.stdout + r.stderr, '', `shellcheck deploy-${name}.sh`);
      const n = spawnSync('sh', ['-n', file], { encoding: 'utf8' });
      assert.is(n.status, 0, n.stderr);
    }
  } finally {
    tmp.cleanup();
  }
});

s.run();
