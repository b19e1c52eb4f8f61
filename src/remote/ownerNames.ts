import { USER_NAME } from '../plan/DesiredResources.js';

/**
 * The read prints owners as ids (`uid:gid`): asking find for names made it
 * read /etc/passwd and /etc/group once for every file and folder, about a
 * thousand times on a 50-instance server. The names that matter, those of
 * the owners blink compares with, come back from one `getent passwd` and
 * one `getent group` (their lines, as printed); this turns a printed owner
 * into `user:group` by them. An id that is none of theirs stays a number:
 * it matches no owner blink sets, and is shown as it is. Lines are data:
 * only a plain name with a numeric id counts; where two names share an id
 * (an alias), the first printed wins.
 */
export function ownerNames(passwd: string, group: string): (printed: string) => string {
  const users = ids(passwd);
  const groups = ids(group);
  return (printed) => {
    const m = /^(\d+):(\d+)$/.exec(printed);
    return m ? `${users.get(m[1]!) ?? m[1]}:${groups.get(m[2]!) ?? m[2]}` : printed;
  };
}

/** id → name from `name:password:id:…` lines. */
function ids(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    const [name, , id] = line.split(':');
    if (name !== undefined && id !== undefined && USER_NAME.test(name) && /^\d{1,10}$/.test(id) && !out.has(id)) out.set(id, name);
  }
  return out;
}
