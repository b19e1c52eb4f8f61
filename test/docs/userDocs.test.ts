/**
 * README.md and docs/ are all a user has: every relative link must lead to a file (and a
 * heading, when it names one), and every flag written after blink-render, blink-apply,
 * blink-deploy, blink-backup or blink-restore must be one that tool takes.
 */
import fg from 'fast-glob';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { applyHelp } from '../../src/cli/apply.js';
import { deployHelp } from '../../src/cli/deploy.js';
import { renderHelp } from '../../src/cli/render.js';

const repo = new URL('../../', import.meta.url).pathname;
const pages = ['README.md', ...fg.sync('docs/**/*.md', { cwd: repo })].sort();
const text = (page: string): string => readFileSync(join(repo, page), 'utf8');

/** Lines outside fenced code blocks. */
function prose(page: string): string[] {
  let fenced = false;
  return text(page)
    .split('\n')
    .filter((l) => {
      if (/^\s*```/.test(l)) fenced = !fenced;
      return !fenced && !/^\s*```/.test(l);
    });
}

/** The anchors GitHub gives a page's headings: lower case, punctuation dropped, spaces as dashes, repeats numbered. */
function anchors(page: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const l of prose(page)) {
    const m = /^#{1,6}\s+(.*)$/.exec(l);
    if (!m) continue;
    const base = m[1]!.trim().toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n ? `${base}-${n}` : base);
  }
  return out;
}

/** Flags a tool takes, as its help text or its argument parser lists them. */
const cliFlags = (help: string): Set<string> => new Set(help.match(/(?<![\w-])--?[a-z][a-z-]*/g));
const scriptFlags = (template: string): Set<string> => {
  const flags = new Set<string>();
  // The case arms of the script's option loop: `    --at | --to)`, `-v | --verbose)`.
  for (const m of text(`templates/${template}`).matchAll(/^\s+(-{1,2}[a-z][a-z-]*(?:\s*\|\s*-{1,2}[a-z][a-z-]*)*)\)/gm)) {
    for (const f of m[1]!.split('|')) flags.add(f.trim());
  }
  return flags;
};
const TOOLS: Record<string, Set<string>> = {
  'blink-render': cliFlags(renderHelp),
  'blink-apply': cliFlags(applyHelp),
  'blink-deploy': cliFlags(deployHelp),
  'blink-backup': scriptFlags('blink-backup.sh.hbs'),
  'blink-restore': scriptFlags('blink-restore.sh.hbs'),
};

/** `tool flag` for each flag written after a tool's name on the same line, up to a comment, the end of inline code or the next tool. */
function flagsIn(line: string): { tool: string; flag: string }[] {
  const out: { tool: string; flag: string }[] = [];
  for (const m of line.matchAll(/(?<![\w/-])(blink-(?:render|apply|deploy|backup|restore))(?![\w-])((?:(?!blink-)[^`#\n])*)/g)) {
    for (const token of m[2]!.split(/\s+/)) {
      const flag = /^[[(]?(-{1,2}[a-z][a-z-]*)/.exec(token)?.[1];
      if (flag) out.push({ tool: m[1]!, flag });
    }
  }
  return out;
}

const s = suite('user documentation');

s('the flag check reads commands as written', () => {
  assert.equal(flagsIn('npx blink-deploy --host x --yes   # --not-this'), [{ tool: 'blink-deploy', flag: '--host' }, { tool: 'blink-deploy', flag: '--yes' }]);
  assert.equal(flagsIn('run `blink-restore --list x` or `odoo-bin -u`'), [{ tool: 'blink-restore', flag: '--list' }]);
  assert.equal(flagsIn('blink-deploy runs it, blink-restore --neutralize too'), [{ tool: 'blink-restore', flag: '--neutralize' }]);
  assert.ok(TOOLS['blink-restore']!.has('--passphrase-file') && TOOLS['blink-backup']!.has('--prune') && TOOLS['blink-deploy']!.has('--update-modules'));
  assert.not.ok(TOOLS['blink-apply']!.has('--branch'));
});

s('every blink command in README.md and docs/ uses flags its tool takes', () => {
  const wrong: string[] = [];
  for (const page of pages) {
    for (const [n, line] of text(page).split('\n').entries()) {
      for (const { tool, flag } of flagsIn(line)) if (!TOOLS[tool]!.has(flag)) wrong.push(`${page}:${n + 1}: ${tool} ${flag}`);
    }
  }
  assert.equal(wrong, []);
});

s('every relative link in README.md and docs/ leads to a file, and to a heading it names', () => {
  const broken: string[] = [];
  for (const page of pages) {
    for (const line of prose(page)) {
      for (const m of line.replace(/`[^`]*`/g, '').matchAll(/\]\(([^)\s]+)\)/g)) {
        const target = m[1]!;
        if (/^[a-z]+:/.test(target)) continue;
        const [path, anchor] = target.split('#') as [string, string | undefined];
        const file = path ? relative(repo, join(dirname(join(repo, page)), path)) : page;
        if (!existsSync(join(repo, file))) broken.push(`${page}: ${target} (no ${file})`);
        else if (anchor !== undefined && file.endsWith('.md') && !anchors(file).has(anchor)) broken.push(`${page}: ${target} (no heading #${anchor} in ${file})`);
      }
    }
  }
  assert.equal(broken, []);
});

s.run();
