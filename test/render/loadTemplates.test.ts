import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { loadTemplates } from '../../src/load/loadTemplates.js';
import { memoryFs } from '../../src/load/SourceFs.js';

const load = suite('loadTemplates');

load('reads the *.hbs files of the folder, nothing else', () => {
  const fs = memoryFs({
    'tpl/a.hbs': '{{header}}a\n',
    'tpl/b.conf.hbs': '{{header}}b\n',
    'tpl/README.md': 'not a template',
    'tpl/sub/c.hbs': 'not read: no recursion',
  });
  const { templates, diagnostics } = loadTemplates('tpl', fs);
  assert.equal(diagnostics, []);
  assert.is(templates.dir, 'tpl');
  assert.equal([...templates.files.entries()], [['a.hbs', '{{header}}a\n'], ['b.conf.hbs', '{{header}}b\n']]);
});

load('turns CRLF into LF and drops a BOM, so no CR or BOM reaches a rendered file', () => {
  const fs = memoryFs({ 'tpl/s.sh.hbs': new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode('#!/bin/sh\r\n{{header}}\r\necho\r\n')]) });
  assert.is(loadTemplates('tpl', fs).templates.files.get('s.sh.hbs'), '#!/bin/sh\n{{header}}\necho\n');
});

load('a missing folder is BLINK001', () => {
  const { templates, diagnostics } = loadTemplates('nope', memoryFs({ 'tpl/a.hbs': 'x' }));
  assert.equal(diagnostics.map((d) => [d.code, d.file]), [['BLINK001', 'nope']]);
  assert.is(templates.files.size, 0);
});

load('binary, invalid UTF-8 or empty templates are BLINK002 and left out', () => {
  const fs = memoryFs({
    'tpl/bin.hbs': new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 0x00]),
    'tpl/latin1.hbs': new Uint8Array([0x63, 0x61, 0x66, 0xe9]),
    'tpl/empty.hbs': '  \n',
    'tpl/ok.hbs': '{{header}}',
  });
  const { templates, diagnostics } = loadTemplates('tpl', fs);
  assert.equal(diagnostics.map((d) => [d.code, d.file]), [['BLINK002', 'tpl/bin.hbs'], ['BLINK002', 'tpl/empty.hbs'], ['BLINK002', 'tpl/latin1.hbs']]);
  assert.equal([...templates.files.keys()], ['ok.hbs']);
});

load.run();
