/**
 * Runs every `test/**\/*.test.ts` under the current folder as uvu suites in one process and
 * ends with the line CI reads: `N passed, N failed, N skipped`.
 * `npm test -- apply` runs only the files whose path contains `apply`.
 *
 * A failure always says why. Test files' `import … from 'uvu'` gets runner/uvu.ts (see
 * runner/resolveUvu.ts), which records what uvu itself would lose: a throwing `before`,
 * `after` or `after.each` hook. Each is printed after its suite (file, suite, hook, the error
 * with its stack) and counts as one failure; the tests a failing `before` kept from running
 * count as failed too. A failing `before.each` fails its test, with the hook named.
 */
import fg from 'fast-glob';
import { register } from 'node:module';
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import { inspect } from 'node:util';

type Result = [errors: string | true, passed: number, skipped: number, total: number];
type Runner = () => Promise<Result>;

const g = globalThis as unknown as { UVU_DEFER: number; UVU_QUEUE: unknown[][]; UVU_INDEX: number };
g.UVU_DEFER = 1;
g.UVU_QUEUE = [];
register('./runner/resolveUvu.ts', import.meta.url);
// After UVU_DEFER is set: uvu reads it when it loads, and would otherwise run each suite itself.
const { exec, takeHookFailures } = await import('./runner/uvu.js');

const filters = process.argv.slice(2);
const files = (await fg('test/**/*.test.ts', { ignore: ['**/node_modules/**', 'test/fixtures/**'] }))
  .sort()
  .filter((f) => filters.length === 0 || filters.some((p) => f.includes(p)));

let importFailures = 0;
for (const [i, file] of files.entries()) {
  g.UVU_QUEUE.push([file]);
  g.UVU_INDEX = i;
  try {
    await import(pathToFileURL(resolve(file)).href);
  } catch (err) {
    importFailures++;
    console.error(`\n${file}: failed to load\n`, err);
  }
}

const indent = (text: string) => text.replace(/^/gm, '    ');

let passed = 0;
let failed = 0;
let skipped = 0;
for (const group of g.UVU_QUEUE) {
  const file = group[0] as string;
  for (let i = 1; i < group.length; i++) {
    const run = group[i] as Runner;
    group[i] = async (): Promise<Result> => {
      let r: Result;
      try {
        r = await run();
      } catch (err) {
        // uvu's runner only rejects on a bug of its own; say so and go on with the next suite
        process.stdout.write(`\n  FAIL  ${file}: a suite stopped the runner\n${indent(inspect(err))}\n`);
        r = [true, 0, 0, 0];
        failed++;
      }
      passed += r[1];
      skipped += r[2];
      failed += Math.max(0, r[3] - r[1] - r[2]);
      for (const f of takeHookFailures()) {
        failed++;
        const where = f.hook === 'after.each' && f.test ? `after.each hook (after "${f.test}")` : `${f.hook} hook`;
        const notRun = f.hook === 'before' ? `; its ${r[3]} test${r[3] === 1 ? '' : 's'} did not run` : '';
        process.stdout.write(`\n  FAIL  ${file} › ${f.suite || '(unnamed suite)'} › ${where} failed${notRun}\n${indent(inspect(f.error))}\n`);
      }
      return r;
    };
  }
}

await exec();
failed += importFailures;
if (files.length === 0) console.error('no test files matched');
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exitCode = failed > 0 || passed === 0 ? 1 : 0;
// Every suite stops what it starts; if something still runs (a test that failed half-way),
// say what and end anyway, so CI reports the failures instead of waiting out its time limit.
setTimeout(() => {
  console.error(`test run: still busy 10 s after the last test (${process.getActiveResourcesInfo().join(', ')}); exiting`);
  process.exit(process.exitCode === 0 ? 1 : process.exitCode);
}, 10_000).unref();
