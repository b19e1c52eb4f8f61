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
      text = v instanceof JsonText ? v.text : JSON.stringify(v);
    } catch {
      return;
    }
    writeFile(part, text)
      .then(() => rename(part, file))
      .then(then)
      .catch(() => undefined);
  });
}
