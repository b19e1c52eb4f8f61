/**
 * Text for a terminal: every control character but tab and line break shown
 * as `\xNN`. What blink prints may come from a server (a managed file's
 * old lines in a diff, a tool's error output): an escape sequence there
 * would otherwise reach the operator's terminal, and one that moves the
 * cursor or rewrites a line (`\r`, `ESC[1A`, `ESC[2K`) can hide a change in
 * the very diff that is meant to show it. C1 controls (U+0080 to U+009F)
 * count too: some terminals obey them as escapes.
 */
export function visible(s: string): string {
  return CONTROL.test(s) ? s.replace(CONTROL_ALL, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`) : s;
}

const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;
const CONTROL_ALL = new RegExp(CONTROL.source, 'g');
