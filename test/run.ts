/**
 * Runs every `test/**\/*.test.ts` as uvu suites in one process and ends with
 * the line CI reads: `N passed, N failed, N skipped`.
 * `npm test -- apply` runs only the files whose path contains `apply`.
 */
import fg from 'fast-glob';
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';

type Result = [errors: string | true, passed: number, skipped: number, total: number];
type Runner = () => Promise<Result>;

const g = globalThis as unknown as { UVU_DEFER: number; UVU_QUEUE: unknown[][]; UVU_INDEX: number };
g.UVU_DEFER = 1;
g.UVU_QUEUE = [];

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

let passed = 0;
let failed = 0;
let skipped = 0;
for (const group of g.UVU_QUEUE) {
  for (let i = 1; i < group.length; i++) {
    const run = group[i] as Runner;
    group[i] = async (): Promise<Result> => {
      const r = await run();
      passed += r[1];
      skipped += r[2];
      failed += Math.max(0, r[3] - r[1] - r[2]);
      return r;
    };
  }
}

const { exec } = await import('uvu');
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
