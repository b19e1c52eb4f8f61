# Odoo's module update for one instance, as its service user, with the new
# release on the addons path; output appended to a log that is kept.
# stdin: root, release folder, journal (or -), user, python, odoo-bin,
# config file, database, addons path, log file, then one odoo-bin argument
# per line.
set -u
IFS= read -r root || missing root
IFS= read -r rd || missing rd
IFS= read -r journal || missing journal
IFS= read -r user || missing user
IFS= read -r python || missing python
IFS= read -r odoo_bin || missing odoo_bin
IFS= read -r conf || missing conf
IFS= read -r db || missing db
IFS= read -r addons || missing addons
IFS= read -r log || missing log
set --
while IFS= read -r a; do set -- "$@" "$a"; done
no_links_below "$root" "$rd"
put_journal "$root$rd" "$journal" || exit 1
mkdir -p -- "$(dirname -- "$root$log")"
log=$root$log
printf '%s blink-deploy: %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "odoo-bin -d $db $*" >> "$log"
if [ "$(id -un)" = "$user" ]; then
  "$python" "$odoo_bin" -c "$root$conf" -d "$db" --addons-path="$addons" "$@" --stop-after-init < /dev/null >> "$log" 2>&1
else
  runuser -u "$user" -- "$python" "$odoo_bin" -c "$root$conf" -d "$db" --addons-path="$addons" "$@" --stop-after-init < /dev/null >> "$log" 2>&1
fi
c=$?
printf '%s blink-deploy: exit %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$c" >> "$log"
[ "$c" -eq 0 ] || tail -n 15 -- "$log" >&2
exit "$c"
