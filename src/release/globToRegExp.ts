/**
 * A manifest `assets` path as Odoo 18 expands it: Python's
 * `glob.glob(path, recursive=True)`. `*` and `?` stay within one path
 * segment, `[…]` is a character class (`[!…]` negated), and a `**` segment
 * spans any number of folders, none included.
 */
export function globToRegExp(pattern: string): RegExp {
  const segments = pattern.split('/');
  let re = '';
  segments.forEach((seg, i) => {
    const last = i === segments.length - 1;
    if (seg === '**') {
      re += last ? '.*' : '(?:[^/]+/)*';
      return;
    }
    re += segment(seg) + (last ? '' : '/');
  });
  return new RegExp(`^${re}$`, 's');
}

function segment(seg: string): string {
  let out = '';
  for (let i = 0; i < seg.length; i++) {
    const c = seg[i]!;
    if (c === '*') out += '[^/]*';
    else if (c === '?') out += '[^/]';
    else if (c === '[') {
      const close = seg.indexOf(']', i + 2);
      if (close < 0) {
        out += '\\[';
        continue;
      }
      let body = seg.slice(i + 1, close);
      const negate = body.startsWith('!');
      if (negate) body = body.slice(1);
      out += `[${negate ? '^' : ''}${body.replace(/[\\\]^]/g, '\\$&')}]`;
      i = close;
    } else out += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return out;
}
