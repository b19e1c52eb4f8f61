/** One entry of an upload; paths are relative, `/`-separated. */
export interface TarEntry {
  path: string;
  mode: number;
  content?: Uint8Array;
  /** Makes the entry a symlink. */
  linkTarget?: string;
}

/**
 * A plain ustar archive, enough for `tar -x` on any server: the staging
 * upload is one stream instead of one command per file.
 */
export function tar(entries: readonly TarEntry[]): Buffer {
  const blocks: Buffer[] = [];
  const mtime = Math.floor(Date.now() / 1000);
  for (const e of entries) {
    const body = e.linkTarget === undefined ? Buffer.from(e.content ?? new Uint8Array()) : Buffer.alloc(0);
    blocks.push(header(e, body.length, mtime));
    if (body.length) {
      blocks.push(body);
      const pad = (512 - (body.length % 512)) % 512;
      if (pad) blocks.push(Buffer.alloc(pad));
    }
  }
  blocks.push(Buffer.alloc(1024));
  return Buffer.concat(blocks);
}

function header(e: TarEntry, size: number, mtime: number): Buffer {
  const h = Buffer.alloc(512);
  const [prefix, name] = splitName(e.path);
  if (e.linkTarget !== undefined && Buffer.byteLength(e.linkTarget) > 100) throw new Error(`link target too long for tar: ${e.linkTarget}`);
  h.write(name, 0, 100, 'utf8');
  octal(h, 100, 8, e.mode & 0o7777);
  octal(h, 108, 8, 0);
  octal(h, 116, 8, 0);
  octal(h, 124, 12, size);
  octal(h, 136, 12, mtime);
  h.fill(' ', 148, 156);
  h.write(e.linkTarget === undefined ? '0' : '2', 156, 1, 'ascii');
  if (e.linkTarget !== undefined) h.write(e.linkTarget, 157, 100, 'utf8');
  h.write('ustar\u000000', 257, 8, 'latin1');
  h.write(prefix, 345, 155, 'utf8');
  let sum = 0;
  for (const b of h) sum += b;
  h.write(sum.toString(8).padStart(6, '0') + '\u0000 ', 148, 8, 'latin1');
  return h;
}

function splitName(path: string): [string, string] {
  if (Buffer.byteLength(path) <= 100) return ['', path];
  for (let i = path.indexOf('/'); i >= 0; i = path.indexOf('/', i + 1)) {
    const prefix = path.slice(0, i);
    const name = path.slice(i + 1);
    if (Buffer.byteLength(prefix) <= 155 && Buffer.byteLength(name) <= 100) return [prefix, name];
  }
  throw new Error(`path too long for tar: ${path}`);
}

function octal(h: Buffer, offset: number, length: number, value: number): void {
  h.write(value.toString(8).padStart(length - 1, '0') + '\u0000', offset, length, 'ascii');
}
