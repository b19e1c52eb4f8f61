import { randomBytes } from 'node:crypto';

/**
 * One text for `sh -s`: the script as a function, and its input inline as a
 * here-document. Scripts travel on stdin rather than argv, where Linux caps
 * one argument at 128 KiB (a swap of a few hundred files is more), and the
 * input needs no second channel. Without input the script reads /dev/null,
 * so a configured command can never swallow the script text.
 *
 * Text input (paths and values, one a line: nearly every step) goes as it
 * is, in a quoted here-document, which the shell copies byte for byte: no
 * `base64 -d` process on the server for each step. Anything a quoted
 * here-document cannot carry exactly goes base64-encoded, as binary
 * payloads (staged files) always do: see plainInput.
 */
export function scriptWithInput(script: string, input?: Uint8Array | string): string {
  const head = `blink_main() {\n${script}\n}\n`;
  if (input === undefined || input.length === 0) return head + 'blink_main </dev/null\n';
  const end = `BLINK_INPUT_${randomBytes(8).toString('hex')}`;
  const plain = plainInput(input, end);
  if (plain !== undefined) return `${head}blink_main <<'${end}'\n${plain}${end}\n`;
  const b64 = Buffer.from(input).toString('base64').replace(/.{1,76}/g, '$&\n');
  return `${head}base64 -d <<'${end}' | blink_main\n${b64}${end}\n`;
}

/**
 * The input as the text of a quoted here-document ending in `end`, when
 * the shell reads that back as exactly these bytes: no NUL (the shell drops
 * it), a final line break (the here-document would add one), no line that
 * is the terminator, and text that survives the trip through a JavaScript
 * string as UTF-8 (the script is sent as UTF-8). No CR either: dash and
 * bash keep it, but no text input of blink's has one, so the plain form
 * need not rely on every sh doing so. Undefined otherwise.
 */
export function plainInput(input: Uint8Array | string, end: string): string | undefined {
  const bytes = typeof input === 'string' ? Buffer.from(input) : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  // The cheap refusals first: a tar payload ends in NULs.
  if (bytes[bytes.length - 1] !== 0x0a || bytes.includes(0) || bytes.includes(0x0d)) return undefined;
  const text = bytes.toString('utf8');
  // Invalid UTF-8 (or a lone surrogate in a string) would come out as U+FFFD.
  if (typeof input === 'string' ? text !== input : !Buffer.from(text).equals(bytes)) return undefined;
  if (text.startsWith(`${end}\n`) || text.includes(`\n${end}\n`)) return undefined;
  return text;
}
