import { randomBytes } from 'node:crypto';

/**
 * One text for `sh -s`: the script as a function, and its input inline as a
 * base64 here-document. Scripts travel on stdin rather than argv, where
 * Linux caps one argument at 128 KiB (a swap of a few hundred files is more),
 * and the input needs no second channel. Without input the script reads
 * /dev/null, so a configured command can never swallow the script text.
 */
export function scriptWithInput(script: string, input?: Uint8Array | string): string {
  const head = `blink_main() {\n${script}\n}\n`;
  if (input === undefined || input.length === 0) return head + 'blink_main </dev/null\n';
  const end = `BLINK_INPUT_${randomBytes(8).toString('hex')}`;
  const b64 = Buffer.from(input).toString('base64').replace(/.{1,76}/g, '$&\n');
  return `${head}base64 -d <<'${end}' | blink_main\n${b64}${end}\n`;
}
