# End a deploy: the instance's state (stdin, when given), an audit line, the
# journal removed, and releases beyond the newest KEEP dropped (never the
# running one nor the one before it).
# stdin: root, release folder, keep, current, previous, audit line,
# "state" or "-", then the state JSON.
set -eu
IFS= read -r root || missing root
IFS= read -r rd || missing rd
IFS= read -r keep || missing keep
IFS= read -r cur || missing cur
IFS= read -r prev || missing prev
IFS= read -r audit || missing audit
IFS= read -r what || missing what
no_links_below "$root" "$rd"
d=$root$rd
mkdir -p -- "$d" "$root/var/lib/blink"
[ "$what" != state ] || write_atomic "$d/state.json"
printf '%s\n' "$audit" >> "$root/var/lib/blink/audit.log"
rm -f -- "$d/journal.json"
# Partial uploads of killed runs (we hold the lock: nobody is uploading).
rm -rf -- "$d"/.incoming-*
n=0
# Newest first by the record's time: the record is written when a release completes.
for c in $(find "$d" -mindepth 1 -maxdepth 1 -type f -name '*.json' -printf '%T@ %f\n' | sort -rn | sed -n 's/^[0-9.]* \([0-9a-f]\{40\}\)\.json$/\1/p'); do
  n=$((n + 1))
  if [ "$n" -le "$keep" ] || [ "$c" = "$cur" ] || [ "$c" = "$prev" ]; then continue; fi
  rm -f -- "$d/$c.json"
  rm -rf -- "${d:?}/$c" "$d/$c.files"
done
if [ -d "$d/logs" ]; then
  find "$d/logs" -mindepth 1 -maxdepth 1 -type f -name '*.log' -printf '%T@ %f\n' | sort -rn | tail -n +21 | sed 's/^[0-9.]* //' |
    while IFS= read -r l; do rm -f -- "$d/logs/$l"; done
fi
sync
