/**
 * A script's input travels inside its text: as a plain quoted here-document
 * when the shell gives those bytes back exactly (every step's values), else
 * base64-encoded (binary payloads). Both forms, run by a real `sh -s` and
 * through the session loop, hand the script its input byte for byte.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { randomBytes } from 'node:crypto';
import { plainInput, scriptWithInput } from '../../src/remote/scriptWithInput.js';
import { localTransport } from '../../src/remote/localTransport.js';
import { shellSession } from '../../src/remote/shellSession.js';

const s = suite('scriptWithInput');
const local = localTransport('t');
const isPlain = (text: string): boolean => /^blink_main <<'BLINK_INPUT_[0-9a-f]{16}'$/m.test(text) && !text.includes('base64 -d');
const isBase64 = (text: string): boolean => /^base64 -d <<'BLINK_INPUT_[0-9a-f]{16}' \| blink_main$/m.test(text);

/** Text the shell must not touch: expansions, quotes, escapes, and lines that look like a terminator. */
const TRICKY = [
  '/srv/r',
  '$HOME ${HOME} $(echo no) `echo no` $((1+1))',
  'back\\slash \\n \\',
  `'single' "double" \\'`,
  'BLINK_INPUT_0123456789abcdef',
  'BLINK_INPUT_',
  ' BLINK_INPUT_0123456789abcdef',
  'tab\there, ünïcødé ✓',
  '',
  '.',
].join('\n') + '\n';

s('text input goes as a plain here-document and reaches the script byte for byte', async () => {
  const text = scriptWithInput('cat', TRICKY);
  assert.ok(isPlain(text), text.slice(-400));
  const r = await local.exec('cat', TRICKY);
  assert.is(r.code, 0, r.stderr);
  assert.is(r.stdout.toString('utf8'), TRICKY);
  // The same bytes given as a buffer take the same form.
  assert.ok(isPlain(scriptWithInput('cat', Buffer.from(TRICKY))));
  const lines = await local.exec('n=0; while IFS= read -r l; do n=$((n+1)); done; echo "$n"', TRICKY);
  assert.is(lines.stdout.toString().trim(), String(TRICKY.split('\n').length - 1));
});

s('anything a quoted here-document cannot carry exactly goes base64-encoded, and arrives exactly', async () => {
  const cases: [string, Buffer][] = [
    ['no final line break', Buffer.from('a\nb')],
    ['a NUL', Buffer.from('a\0b\n')],
    ['a CR', Buffer.from('a\r\nb\r\n')],
    ['bytes that are not UTF-8', Buffer.from([0x61, 0xff, 0xfe, 0x0a])],
    ['binary', randomBytes(4096)],
  ];
  for (const [what, input] of cases) {
    assert.ok(isBase64(scriptWithInput('cat', input)), what);
    const r = await local.exec('cat', input);
    assert.ok(r.stdout.equals(input), what);
  }
  // A string that is not well-formed UTF-16 would not survive the trip as UTF-8.
  assert.ok(isBase64(scriptWithInput('cat', 'a\ud800b\n')));
});

s('a line that is the terminator itself is never sent plain', () => {
  const end = 'BLINK_INPUT_00112233445566ff';
  assert.is(plainInput(`a\n${end}\nb\n`, end), undefined);
  assert.is(plainInput(`${end}\nb\n`, end), undefined);
  // …but the same name with more or less around it is just text.
  assert.is(plainInput(`${end}x\n x${end}\n`, end), `${end}x\n x${end}\n`);
});

s('no input: the script reads /dev/null, never the text after it', async () => {
  assert.match(scriptWithInput('cat'), /^blink_main <\/dev\/null$/m);
  assert.match(scriptWithInput('cat', ''), /^blink_main <\/dev\/null$/m);
  const r = await local.exec('cat; echo end');
  assert.is(r.stdout.toString(), 'end\n');
});

s('both forms through the session loop', async () => {
  const sh = shellSession('sh', ['-c'], (loop) => loop);
  try {
    const bin = randomBytes(70_000);
    const [plain, b64] = await Promise.all([sh.run(scriptWithInput('cat', TRICKY)), sh.run(scriptWithInput('cat', bin))]);
    assert.is(plain.stdout.toString('utf8'), TRICKY);
    assert.ok(b64.stdout.equals(bin));
  } finally {
    await sh.close();
  }
});

s.run();
