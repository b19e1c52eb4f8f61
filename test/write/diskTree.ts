import { lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';

/** A folder as sorted lines (`path dir`, `path 644 <content>`, `path -> target`): equal lines, equal trees. */
export function diskTree(dir: string): string[] {
  const lines: string[] = [];
  const walk = (rel: string): void => {
    for (const name of readdirSync(rel ? `${dir}/${rel}` : dir)) {
      const r = rel ? `${rel}/${name}` : name;
      const abs = `${dir}/${r}`;
      const st = lstatSync(abs);
      if (st.isSymbolicLink()) lines.push(`${r} -> ${readlinkSync(abs)}`);
      else if (st.isDirectory()) {
        lines.push(`${r} dir`);
        walk(r);
      } else lines.push(`${r} ${(st.mode & 0o7777).toString(8)} ${readFileSync(abs, 'utf8')}`);
    }
  };
  walk('');
  return lines.sort();
}
