import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { visible } from '../../src/diagnostics/visible.js';
import { formatDiagnostic } from '../../src/diagnostics/formatDiagnostic.js';
import { error } from '../../src/diagnostics/Diagnostic.js';

const s = suite('visible');

s('control characters are shown as \\xNN; tab, line breaks and other text are kept', () => {
  assert.is(visible('plain = text, ünïcödé ✓'), 'plain = text, ünïcödé ✓');
  assert.is(visible('a\tb\nc'), 'a\tb\nc');
  assert.is(visible('x\x1b[2Ky\rz\x07'), 'x\\x1b[2Ky\\x0dz\\x07');
  assert.is(visible('\x00\x7f\u009b1A'), '\\x00\\x7f\\x9b1A');
});

s('a diagnostic quoting a server shows its escapes instead of sending them', () => {
  const d = error('BLINK511', 'b1: validating failed (exit 1): nginx: [emerg] "\x1b]0;owned\x07" in /etc/nginx/x.conf', { file: 'b1:/etc/nginx/x.conf' }, 'look at \x1b[8mhidden');
  const text = formatDiagnostic(d, { color: true });
  assert.not.match(text, /\x1b\]|\x07|\x1b\[8m/);
  assert.match(text, '\\x1b]0;owned\\x07');
  assert.match(text, 'look at \\x1b[8mhidden');
  // The formatter's own colours are still there.
  assert.match(text, '\x1b[31merror\x1b[0m');
});

s.run();
