import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { build } from '../../src/build.js';
import { loadTemplates } from '../../src/load/loadTemplates.js';
import { renderFleet } from '../../src/render/renderFleet.js';
import { createTemplateEngine } from '../../src/render/TemplateEngine.js';
import { precompiledFor } from '../../src/render/precompiledTemplates.js';
import { precompiledTemplatesSource } from '../../src/render/writePrecompiledTemplates.js';
import { tempDir } from '../support/tmp.js';

const repo = new URL('../../', import.meta.url).pathname.replace(/\/$/, '');
const pre = suite('templates compiled by the build');

/** The build's file, written where the test can hand it to precompiledFor. */
function shippedFile(dir: string): string {
  const file = join(dir, 'templates.precompiled.cjs');
  writeFileSync(file, precompiledTemplatesSource(join(repo, 'templates')));
  return file;
}

pre('render the sample fleet byte for byte as the run-time compiler does', () => {
  const t = tempDir();
  try {
    const { templates } = loadTemplates(join(repo, 'templates'));
    const specs = precompiledFor(templates, shippedFile(t.dir));
    assert.ok(specs, 'every shipped template has its compiled form');
    assert.equal([...specs!.keys()].sort(), [...templates.files.keys()].sort());
    const fleet = build({ configDir: join(repo, 'config'), addonsDir: join(repo, 'custom-addons'), templatesDir: join(repo, 'templates') }).fleet!;
    const compiled = renderFleet(fleet, templates, { engine: createTemplateEngine(templates, { precompiled: false }) });
    const shipped = renderFleet(fleet, templates, { engine: createTemplateEngine(templates, { precompiled: specs! }) });
    assert.ok(compiled.artifacts.length > 20);
    assert.equal(shipped, compiled);
  } finally {
    t.cleanup();
  }
});

pre('a template that differs from the shipped one by a byte is compiled at run time, and so is the whole set', () => {
  const t = tempDir();
  try {
    const file = shippedFile(t.dir);
    const { templates } = loadTemplates(join(repo, 'templates'));
    const edited = new Map(templates.files);
    edited.set('logrotate.hbs', edited.get('logrotate.hbs')! + ' ');
    assert.is(precompiledFor({ ...templates, files: edited }, file), undefined);
    const extra = new Map(templates.files).set('mine.hbs', '{{header}}\n');
    assert.is(precompiledFor({ ...templates, files: extra }, file), undefined, 'a template the build never saw');
    assert.is(precompiledFor(templates, join(t.dir, 'missing.cjs')), undefined, 'no build output');
  } finally {
    t.cleanup();
  }
});

pre.run();
