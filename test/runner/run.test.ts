/**
 * test/run.ts itself, run as a child process on test/fixtures/runner/, a folder of suites
 * that fail on purpose (the main run ignores test/fixtures/). Every failure must say why:
 * file, suite, hook, and the error with a frame in the fixture that threw it.
 */
import { spawnSync } from 'node:child_process';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';

const repo = new URL('../../', import.meta.url).pathname;

function runner(cwd: string, ...filters: string[]) {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  delete env.FORCE_COLOR;
  const r = spawnSync(process.execPath, ['--import', import.meta.resolve('tsx'), `${repo}test/run.ts`, ...filters], { cwd, env, encoding: 'utf8' });
  return { status: r.status, out: r.stdout, err: r.stderr, summary: r.stdout.trimEnd().split('\n').at(-1) };
}

/** The block the runner prints for a failing hook: its header line, then the error. */
function failureBlock(out: string, header: string): string {
  const start = out.indexOf(`  FAIL  ${header}\n`);
  assert.ok(start >= 0, `no failure block "${header}" in:\n${out}`);
  return out.slice(start).split('\n\n')[0]!;
}

const s = suite('test runner');

s('prints why each hook failed, counts it, and runs the suites after it', () => {
  const r = runner(`${repo}test/fixtures/runner`);
  assert.is(r.status, 1, r.err);
  // passed: the next suite, the test before a failing after, 2 before after.each, 1 after a throw;
  // failed: 2 tests not run + their before, after, 1 test of before.each, 2 after.each, 1 throw
  assert.is(r.summary, '5 passed, 8 failed, 0 skipped');

  const before = failureBlock(r.out, 'test/before.test.ts › setup fails › before hook failed; its 2 tests did not run');
  assert.match(before, 'Error: marker-before: the tool is not installed');
  assert.match(before, /at .*test\/fixtures\/runner\/test\/before\.test\.ts:\d+:\d+/);

  const after = failureBlock(r.out, 'test/after.test.ts › cleanup fails › after hook failed');
  assert.match(after, 'Error: marker-after: could not stop the server');
  assert.match(after, /at .*test\/fixtures\/runner\/test\/after\.test\.ts:\d+:\d+/);

  for (const test of ['first', 'second']) {
    const each = failureBlock(r.out, `test/each.test.ts › after.each fails › after.each hook (after "${test}") failed`);
    assert.match(each, 'Error: marker-after-each: scratch folder busy');
    assert.match(each, /at .*test\/fixtures\/runner\/test\/each\.test\.ts:\d+:\d+/);
  }

  // uvu reports these under the test; the runner makes the message say what failed
  assert.match(r.out, /FAIL {2}before\.each fails {2}"does not run"\n\s+before\.each hook failed: marker-before-each: no scratch folder\n/);
  assert.match(r.out, /at .*test\/fixtures\/runner\/test\/each\.test\.ts:\d+:\d+/);
  assert.match(r.out, /FAIL {2}throws a string {2}"throws"\n\s+threw 'marker-string'\n/);
});

s('the main run does not pick up the fixture suites', () => {
  const r = runner(repo, 'fixtures/runner');
  assert.is(r.status, 1);
  assert.match(r.err, 'no test files matched');
  assert.is(r.summary, '0 passed, 0 failed, 0 skipped');
});

s.run();
