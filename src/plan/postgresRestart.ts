import { POSTGRES_RESTART_SETTINGS } from '../compile/postgresSettings.js';

/** `name = value` lines of a postgresql.conf-style file, comments and blanks left out; the last one of a name wins, as in PostgreSQL. */
function settingsOf(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const raw of text.split('\n')) {
    const m = /^\s*([A-Za-z_][A-Za-z0-9_.]*)\s*=?\s*(.*?)\s*$/.exec(raw.replace(/(^|\s)#.*$/, ''));
    if (m && m[2] !== '') out.set(m[1]!.toLowerCase(), m[2]!);
  }
  return out;
}

/**
 * Settings of a changed PostgreSQL conf.d file that a reload leaves as they
 * were: those PostgreSQL reads only at start, whose value differs between the
 * live file and the new one. Without the live text (a new file, or a plan
 * made without fetching it) every such setting the new file sets counts:
 * what the server runs with is unknown.
 */
export function postgresRestartSettings(oldText: string | undefined, newText: string): string[] {
  const next = settingsOf(newText);
  const prev = oldText === undefined ? undefined : settingsOf(oldText);
  return [...POSTGRES_RESTART_SETTINGS].filter((name) => (prev === undefined ? next.has(name) : prev.get(name) !== next.get(name)) && (next.has(name) || prev?.has(name))).sort();
}
