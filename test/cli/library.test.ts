/** The README's library example, run as written against the package entry point. */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { build, explain, formatDiagnostic, outFiles, writeOut, loadFleetSource, compileFleet, renderFleet } from '../../src/index.js';
import { tempDir } from '../support/tmp.js';
import { snapshot } from '../support/treeSnapshot.js';

const repo = new URL('../../', import.meta.url).pathname;
const lib = suite('library');

lib('README example: build, write, explain', () => {
  const t = tempDir();
  try {
    const result = build({ configDir: join(repo, 'config'), addonsDir: join(repo, 'custom-addons'), templatesDir: join(repo, 'templates'), cwd: repo });
    assert.equal(result.diagnostics.map((d) => formatDiagnostic(d, { color: false })), []);
    assert.is(result.fleet!.instances.length, 4);
    const w = writeOut(join(t.dir, 'out'), outFiles(result.fleet!, result.artifacts));
    assert.equal(w.diagnostics, []);
    assert.ok(Object.keys(snapshot(join(t.dir, 'out'))).includes('fleet.json'));
    assert.is(explain(result.fleet!, 'corteperfecto.somosblink.com', 'workers').explanation?.value, '2');
  } finally {
    t.cleanup();
  }
});

lib('the stages one by one give what build gives', () => {
  const opts = { configDir: join(repo, 'config'), addonsDir: join(repo, 'custom-addons'), templatesDir: join(repo, 'templates'), cwd: repo };
  const loaded = loadFleetSource(opts);
  const compiled = compileFleet(loaded.source);
  const rendered = renderFleet(compiled.fleet!, loaded.source.templates);
  assert.equal(rendered.artifacts, build(opts).artifacts);
});

lib.run();
