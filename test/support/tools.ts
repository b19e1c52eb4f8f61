import { spawnSync } from 'node:child_process';

/**
 * Tests use the real tools. A missing one is a failure with the fix named,
 * never a silent skip: CI installs them all (see .ci/run).
 */
export function requireTool(name: string, paths: string[] = []): string {
  const candidates = [name, ...paths];
  for (const c of candidates) {
    const r = spawnSync('sh', ['-c', `command -v ${c}`], { encoding: 'utf8' });
    if (r.status === 0 && r.stdout.trim()) return r.stdout.trim();
  }
  throw new Error(`${name} is not installed: run \`bash .ci/run\` once, or apt-get install the package that provides it`);
}
