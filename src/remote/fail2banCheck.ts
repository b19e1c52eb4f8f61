import type { Check } from './Remote.js';
import { fillCommand, shellQuote as q } from './shellQuote.js';

/**
 * The shell that checks the candidate fail2ban configuration: the server's
 * /etc/fail2ban as it is (`live`), blink's staged jail and filter over it
 * (`T` is the staging tree), the files this run deletes taken out, and every
 * /etc/fail2ban/ in it pointing at the copy (the jail names its own filter as
 * its first log file). `fail2ban_test` then reads exactly what a reload would
 * load, the distribution's jails included, with `{dir}` the copy.
 */
export function fail2banCheck(c: Check, T: string, live: string, machine = '/etc/fail2ban'): string {
  const V = T.replace(/\/tree$/, '') + '/fail2ban';
  const S = T + '/etc/fail2ban';
  const gone = (c.remove ?? []).filter((p) => p.startsWith('/etc/fail2ban/')).map((p) => q(V + p.slice('/etc/fail2ban'.length)));
  // A server whose root is relocated (a lab) may have no fail2ban of its own: the machine's is the one that would run.
  return `V=${q(V)}; rm -rf "$V"; mkdir -p "$V" || exit 1
L=${q(live)}; [ -f "$L/jail.conf" ] || L=${q(machine)}
if [ ! -f "$L/jail.conf" ]; then
  [ -d ${q(S)} ] || exit 0
  echo "fail2ban is not installed (no $L/jail.conf): apt-get install fail2ban, or set fail2ban.enabled: false for this server in clients.yaml"; exit 1
fi
cp -a "$L"/. "$V"/ || exit 1
if [ -d ${q(S)} ]; then cp -a --remove-destination ${q(S)}/. "$V"/ || exit 1; fi
${gone.length ? `rm -f ${gone.join(' ')} || exit 1` : ':'}
find "$V" -type f -name '*.conf' -exec sed -i "s#/etc/fail2ban/#$V/#g" {} + || exit 1
${fillCommand(c.command, { dir: V })}`;
}
