/**
 * The tar that `git archive` writes: ustar headers, a pax global header
 * carrying the commit id, and pax extended headers for paths longer than
 * ustar holds. Entries come back as data; deciding what is acceptable is the
 * caller's job.
 */
export interface TarItem {
  path: string;
  /** The ustar type flag: '0' file, '1' hard link, '2' symlink, '5' directory, … */
  type: string;
  mode: number;
  content: Buffer;
  linkTarget: string;
}

export interface TarRead {
  items: TarItem[];
  /** The pax global header's `comment`: git archive puts the commit id there. */
  comment?: string;
  /** Why the archive could not be read to its end. */
  broken?: string;
}

const BLOCK = 512;

export function readTar(buf: Buffer): TarRead {
  const items: TarItem[] = [];
  const out: TarRead = { items };
  let next: Record<string, string> = {};
  let global: Record<string, string> = {};
  for (let at = 0; ; ) {
    if (at + BLOCK > buf.length) {
      out.broken = 'archive ends without its end-of-archive blocks';
      return out;
    }
    const h = buf.subarray(at, at + BLOCK);
    if (h.every((b) => b === 0)) return out;
    if (!checksumOk(h)) {
      out.broken = `bad header checksum at byte ${at}`;
      return out;
    }
    const type = String.fromCharCode(h[156]!) === '\0' ? '0' : String.fromCharCode(h[156]!);
    const ext: Record<string, string> = type === 'g' || type === 'x' ? {} : { ...global, ...next };
    const size = ext['size'] !== undefined ? Number(ext['size']) : number(h.subarray(124, 136));
    const bodyStart = at + BLOCK;
    const bodyEnd = bodyStart + size;
    if (!Number.isSafeInteger(size) || size < 0 || bodyEnd > buf.length) {
      out.broken = `entry at byte ${at} runs past the end of the archive`;
      return out;
    }
    const body = buf.subarray(bodyStart, bodyEnd);
    at = bodyStart + Math.ceil(size / BLOCK) * BLOCK;
    if (type === 'g') {
      global = { ...global, ...paxRecords(body) };
      if (global['comment'] !== undefined) out.comment = global['comment'];
      continue;
    }
    if (type === 'x') {
      next = { ...next, ...paxRecords(body) };
      continue;
    }
    next = {};
    // POSIX ustar ("ustar\0") has a path prefix at 345; old GNU tar ("ustar  ") keeps times there.
    const ustar = h.subarray(257, 263).toString('latin1') === 'ustar\0';
    const prefix = ustar ? cString(h.subarray(345, 500)) : '';
    const name = cString(h.subarray(0, 100));
    items.push({
      path: ext['path'] ?? (prefix ? `${prefix}/${name}` : name),
      type,
      mode: number(h.subarray(100, 108)),
      content: Buffer.from(body),
      linkTarget: ext['linkpath'] ?? cString(h.subarray(157, 257)),
    });
  }
}

function checksumOk(h: Buffer): boolean {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : h[i]!;
  return sum === number(h.subarray(148, 156));
}

function number(field: Buffer): number {
  // GNU base-256 for values octal cannot hold.
  if (field[0]! & 0x80) {
    let v = field[0]! & 0x7f;
    for (let i = 1; i < field.length; i++) v = v * 256 + field[i]!;
    return v;
  }
  const s = field.toString('latin1').replace(/\0.*$/s, '').trim();
  return s === '' ? 0 : /^[0-7]+$/.test(s) ? parseInt(s, 8) : -1;
}

function cString(field: Buffer): string {
  const end = field.indexOf(0);
  return field.subarray(0, end < 0 ? field.length : end).toString('utf8');
}

/** `<length> <key>=<value>\n` records; the length counts the whole record in bytes. */
function paxRecords(body: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  for (let at = 0; at < body.length; ) {
    const space = body.indexOf(0x20, at);
    if (space < 0) break;
    const len = Number(body.subarray(at, space).toString('latin1'));
    if (!Number.isInteger(len) || len <= space - at || at + len > body.length) break;
    const record = body.subarray(space + 1, at + len - 1).toString('utf8');
    const eq = record.indexOf('=');
    if (eq > 0) out[record.slice(0, eq)] = record.slice(eq + 1);
    at += len;
  }
  return out;
}
