/**
 * A STAND-IN FOR UFW, NOT UFW. ufw drives netfilter (iptables) as root and
 * cannot run in this container, so the tests give blink-apply this script as
 * `commands.ufw`. It records every call, keeps the firewall's state in files,
 * and answers `status verbose` in ufw's exact layout (ufw/backend.py,
 * get_status: `Status:`, `Logging:`, `Default: … (incoming), … (outgoing),
 * … (routed)`, `New profiles:`, then a blank line, the `To / Action / From`
 * header padded `%-26s %-12s%s` and one `%-26s %-12s%-26s` line per rule,
 * the v4 rules, then the v6 ones; only `Status: inactive` when inactive).
 * It understands what blink sends: `allow PORT[/PROTO]`, `delete allow
 * PORT[/PROTO]`, `default POLICY incoming|outgoing`, `[--force] enable`.
 */
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface UfwStandin {
  /** The command to give as `commands.ufw`. */
  command: string;
  /** Every call, arguments joined by spaces, in order. */
  calls(): string[];
  clearCalls(): void;
  /** Set the state: inactive or active, default policies, rules (`22/tcp`; a line starting with `!` is printed as it is, a rule blink does not manage). */
  set(state: { active: boolean; incoming?: string; outgoing?: string; rules?: string[] }): void;
  rules(): string[];
  active(): boolean;
}

export function ufwStandin(dir: string): UfwStandin {
  mkdirSync(dir, { recursive: true });
  const script = join(dir, 'ufw-standin.sh');
  writeFileSync(
    script,
    `#!/bin/sh
# A STAND-IN FOR UFW, NOT UFW (test/support/ufwStandin.ts).
S=${dir}
printf '%s\\n' "$*" >> "$S/calls.log"
[ "\${1:-}" = --force ] && shift
row() { printf '%-26s %-12s%-26s\\n' "$1" "$2" "$3"; }
case "$*" in
  'status verbose')
    if [ "$(cat "$S/status")" != active ]; then echo 'Status: inactive'; exit 0; fi
    echo 'Status: active'
    echo 'Logging: on (low)'
    printf 'Default: %s (incoming), %s (outgoing), disabled (routed)\\n' "$(cat "$S/incoming")" "$(cat "$S/outgoing")"
    printf 'New profiles: skip'
    if [ -s "$S/rules" ]; then
      printf '\\n\\n%-26s %-12s%s\\n' To Action From
      printf '%-26s %-12s%s\\n' -- ------ ----
      while IFS= read -r r; do case $r in '!'*) printf '%s\\n' "\${r#!}" ;; *) row "$r" 'ALLOW IN' Anywhere ;; esac; done < "$S/rules"
      while IFS= read -r r; do case $r in '!'*) ;; *) row "$r (v6)" 'ALLOW IN' 'Anywhere (v6)' ;; esac; done < "$S/rules"
    fi
    echo
    ;;
  'allow '*)
    if grep -qxF -- "$2" "$S/rules"; then printf 'Skipping adding existing rule\\nSkipping adding existing rule (v6)\\n'
    else printf '%s\\n' "$2" >> "$S/rules"; printf 'Rule added\\nRule added (v6)\\n'; fi
    ;;
  'delete allow '*)
    if grep -qxF -- "$3" "$S/rules"; then grep -vxF -- "$3" "$S/rules" > "$S/rules.new"; mv "$S/rules.new" "$S/rules"; printf 'Rule deleted\\nRule deleted (v6)\\n'
    else echo 'Could not delete non-existent rule'; fi
    ;;
  'default '*' incoming' | 'default '*' outgoing')
    printf '%s\\n' "$2" > "$S/$3"
    printf "Default %s policy changed to '%s'\\n(be sure to update your rules accordingly)\\n" "$3" "$2"
    ;;
  enable)
    echo active > "$S/status"
    echo 'Firewall is active and enabled on system startup'
    ;;
  *)
    echo 'ERROR: Invalid syntax' >&2
    exit 1
    ;;
esac
`,
  );
  chmodSync(script, 0o755);
  const file = (name: string): string => join(dir, name);
  const set: UfwStandin['set'] = (s) => {
    writeFileSync(file('status'), s.active ? 'active\n' : 'inactive\n');
    writeFileSync(file('incoming'), `${s.incoming ?? 'deny'}\n`);
    writeFileSync(file('outgoing'), `${s.outgoing ?? 'allow'}\n`);
    writeFileSync(file('rules'), (s.rules ?? []).map((r) => r + '\n').join(''));
  };
  set({ active: false, incoming: 'deny', outgoing: 'allow' });
  writeFileSync(file('calls.log'), '');
  const read = (name: string): string[] => readFileSync(file(name), 'utf8').split('\n').filter(Boolean);
  return {
    command: script,
    calls: () => read('calls.log'),
    clearCalls: () => writeFileSync(file('calls.log'), ''),
    set,
    rules: () => read('rules'),
    active: () => read('status')[0] === 'active',
  };
}
