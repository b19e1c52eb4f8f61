import { cpSync, readdirSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { build } from '../../src/build.js';
import { cachedBuild, cachedCompile, cachedRender, type RenderShared } from '../../src/cli/cachedBuild.js';
import { tempDir } from '../support/tmp.js';

const repo = new URL('../../', import.meta.url).pathname.replace(/\/$/, '');
const cached = suite('compiled-fleet cache');

/** Cache files are written while the caller goes on: wait for them as a diff's reads would. */
const settle = () => new Promise((r) => setTimeout(r, 200));
/** The per-server rendered files in a cache folder (not the index). */
const renderedFiles = (cacheFolder: string) => readdirSync(cacheFolder).filter((f) => /^rendered-[0-9a-f]{32}\.json$/.test(f));

/** The sample fleet's inputs copied into `dir`, with a node_modules for the cache folder to go in. */
function copyOfRepo(dir: string) {
  for (const d of ['config', 'custom-addons', 'templates']) cpSync(join(repo, d), join(dir, d), { recursive: true });
  mkdirSync(join(dir, 'node_modules'));
  return { configDir: join(dir, 'config'), addonsDir: join(dir, 'custom-addons'), templatesDir: join(dir, 'templates'), cwd: dir };
}

cached('a compiled-fleet cache for other inputs is dropped unread, whatever follows its key', async () => {
  const t = tempDir();
  try {
    const opts = copyOfRepo(t.dir);
    const fresh = build(opts);
    await cachedCompile(opts, repo);
    await settle();
    const folder = join(t.dir, 'node_modules/.cache/blink-fleet');
    const [file] = readdirSync(folder).filter((f) => f.startsWith('fleet-'));
    const text = readFileSync(join(folder, file!), 'utf8');
    assert.ok(text.startsWith('{"key":"'), text.slice(0, 80));
    // Another key and no JSON after it, then a file shorter than a key: each is compiled again, as if there were none.
    for (const stale of ['{"key":"' + '0'.repeat(64) + '",not json', '{"key":']) {
      writeFileSync(join(folder, file!), stale);
      const again = await cachedCompile(opts, repo);
      assert.equal(again.fleet, fresh.fleet);
      await settle();
      assert.is(readFileSync(join(folder, file!), 'utf8'), text, 'written again, as before');
    }
  } finally {
    t.cleanup();
  }
});

cached('a cached build gives exactly what a fresh one gives; a config change is a miss', async () => {
  const t = tempDir();
  try {
    const opts = copyOfRepo(t.dir);
    const fresh = build(opts);
    const first = (await cachedBuild(opts, repo));
    // Written once the caller waits for something: here, for a moment.
    await settle();
    assert.is(readdirSync(join(t.dir, 'node_modules/.cache/blink-fleet')).filter((f) => f.startsWith('fleet-')).length, 1);
    const second = (await cachedBuild(opts, repo));
    assert.equal(second, fresh);
    assert.equal(first, fresh);
    const yaml = join(t.dir, 'config/clients.yaml');
    writeFileSync(yaml, readFileSync(yaml, 'utf8').replace('port: 8069, workers: 2', 'port: 8069, workers: 3'));
    const changed = (await cachedBuild(opts, repo));
    assert.is(changed.fleet!.instances.find((i) => i.id === 'corteperfecto-prod')!.workers, 3);
    // A fleet with errors is never cached.
    writeFileSync(yaml, readFileSync(yaml, 'utf8').replace('kind: test, port: 8079', 'kind: tset, port: 8079'));
    assert.ok((await cachedBuild(opts, repo)).diagnostics.some((d) => d.code === 'BLINK021'));
    assert.ok((await cachedBuild(opts, repo)).diagnostics.some((d) => d.code === 'BLINK021'));
  } finally {
    t.cleanup();
  }
});

cached('the deploy settings and release folders come back from the cache as compiled', async () => {
  const t = tempDir();
  try {
    for (const d of ['config', 'custom-addons', 'templates']) cpSync(join(repo, d), join(t.dir, d), { recursive: true });
    mkdirSync(join(t.dir, 'node_modules'));
    const yaml = join(t.dir, 'config/clients.yaml');
    writeFileSync(yaml, `${readFileSync(yaml, 'utf8')}deploy:\n  repository: ../addons-repo\n  releases_dir: /srv/releases\n  keep: 3\n  notify: https://hooks.example.com/deploy\n`);
    const opts = { configDir: join(t.dir, 'config'), addonsDir: join(t.dir, 'custom-addons'), templatesDir: join(t.dir, 'templates'), cwd: t.dir };
    const fresh = build(opts);
    assert.equal(fresh.diagnostics, []);
    await cachedBuild(opts, repo);
    const hit = await cachedBuild(opts, repo);
    assert.equal(hit, fresh);
    assert.equal(hit.fleet!.deploy, { repository: join(t.dir, 'addons-repo'), addonsDir: 'custom-addons', keep: 3, notify: 'https://hooks.example.com/deploy' });
    assert.is(hit.fleet!.instances.find((i) => i.id === 'blink-internal')!.releaseDir, '/srv/releases/blink-internal');
  } finally {
    t.cleanup();
  }
});

cached('per-server renders come back from the cache as rendered; another input or server list is a miss', async () => {
  const t = tempDir();
  try {
    const opts = copyOfRepo(t.dir);
    const fresh = build(opts);
    const servers = [...new Set(fresh.artifacts.map((a) => a.server))];
    assert.ok(servers.length > 1);
    const compiled = await cachedCompile(opts, repo);
    const shared: RenderShared = {};
    const rendered = (s: string) => cachedRender(compiled, [s], opts, shared);
    for (const s of servers) assert.equal((await rendered(s)).artifacts, fresh.artifacts.filter((a) => a.server === s));
    await settle();
    const folder = join(t.dir, 'node_modules/.cache/blink-fleet');
    assert.is(renderedFiles(folder).length, servers.length, 'one file per server list');
    // Written in ASCII alone (the rendered headers' em dash escaped), so V8 parses them as one-byte text.
    assert.ok(fresh.artifacts.some((a) => /[^\x00-\x7f]/.test(a.content)), 'the sample fleet renders text beyond ASCII');
    for (const f of [...renderedFiles(folder), ...readdirSync(folder).filter((x) => x.startsWith('fleet-'))]) {
      assert.not.match(readFileSync(join(folder, f), 'latin1'), /[^\x00-\x7f]/, f);
    }
    for (const s of servers) {
      const again = await cachedRender(compiled, [s], opts);
      assert.equal(again.artifacts, fresh.artifacts.filter((a) => a.server === s));
    }
    // A changed template changes the fingerprint: the next render is made again, not read back.
    const tpl = join(t.dir, 'templates/logrotate.hbs');
    writeFileSync(tpl, readFileSync(tpl, 'utf8') + '# changed\n');
    const recompiled = await cachedCompile(opts, repo);
    const logrotate = (await cachedRender(recompiled, [servers[0]!], opts)).artifacts.find((a) => a.kind === 'logrotate' && a.instance !== undefined);
    assert.match(logrotate?.content ?? '', '# changed');
  } finally {
    t.cleanup();
  }
});

cached('an edit of one client renders its server again and reads the others back; the old files go', async () => {
  const t = tempDir();
  try {
    const opts = copyOfRepo(t.dir);
    const cacheFolder = join(t.dir, 'node_modules/.cache/blink-fleet');
    const renderAll = async () => {
      const compiled = await cachedCompile(opts, repo);
      const shared: RenderShared = {};
      const out = new Map<string, Awaited<ReturnType<typeof cachedRender>>>();
      for (const s of compiled.fleet!.servers) out.set(s.name, await cachedRender(compiled, [s.name], opts, shared));
      await settle();
      return out;
    };
    const files = () => new Map(renderedFiles(cacheFolder).map((f) => [f, statSync(join(cacheFolder, f)).ino]));
    // A file of the format before per-server keys, as an upgrade finds it: removed with the first index.
    mkdirSync(cacheFolder, { recursive: true });
    writeFileSync(join(cacheFolder, 'rendered-0317854893b3-1f095551cd7736a3.json'), '{}');
    await renderAll();
    assert.not.ok(readdirSync(cacheFolder).includes('rendered-0317854893b3-1f095551cd7736a3.json'));
    const before = files();
    const yaml = join(t.dir, 'config/clients.yaml');
    writeFileSync(yaml, readFileSync(yaml, 'utf8').replace('port: 8069, workers: 2', 'port: 8069, workers: 3'));
    const edited = await renderAll();
    const after = files();
    assert.is(after.size, before.size, "the edited server's old files are removed");
    const rewritten = [...after.keys()].filter((f) => before.get(f) !== after.get(f));
    assert.is(rewritten.length, 1, 'one server rendered again, the others read back');
    // What comes back is what a fresh render of the edited inputs gives.
    const fresh = build(opts);
    for (const [s, r] of edited) assert.equal(r.artifacts, fresh.artifacts.filter((a) => a.server === s));
    const corte = fresh.artifacts.find((a) => a.kind === 'odoo-conf' && a.instance === 'corteperfecto-prod')!;
    assert.match(corte.content, /^workers = 3$/m);
    // Unchanged inputs: every server's key comes from the index, every file is read back.
    await renderAll();
    assert.equal(files(), after);
  } finally {
    t.cleanup();
  }
});


cached('the key follows what compile reads of the addons: manifests and file names, not code', async () => {
  const { fingerprint } = await import('../../src/write/renderCache.js');
  const t = tempDir();
  try {
    for (const d of ['config', 'custom-addons', 'templates']) cpSync(join(repo, d), join(t.dir, d), { recursive: true });
    const key = () => fingerprint({ configDir: join(t.dir, 'config'), addonsDir: join(t.dir, 'custom-addons'), templatesDir: join(t.dir, 'templates'), cwd: t.dir, packageDir: repo });
    const before = key();
    const init = join(t.dir, 'custom-addons/blink_ar_fixes/__init__.py');
    writeFileSync(init, readFileSync(init, 'utf8') + '# a code change\n');
    assert.is(key(), before, 'a code change is what a deploy ships; the compiled fleet stays valid');
    const manifest = join(t.dir, 'custom-addons/blink_ar_fixes/__manifest__.py');
    writeFileSync(manifest, readFileSync(manifest, 'utf8') + '\n');
    const afterManifest = key();
    assert.is.not(afterManifest, before, 'a manifest is read');
    writeFileSync(join(t.dir, 'custom-addons/blink_ar_fixes/data/new.xml'), '<odoo/>\n');
    assert.is.not(key(), afterManifest, 'a new file can be a data file a manifest lists');
  } finally {
    t.cleanup();
  }
});

cached.run();
