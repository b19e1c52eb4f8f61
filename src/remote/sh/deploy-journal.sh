# Write (stdin: the JSON) or remove the instance's deploy journal.
# stdin: root, release folder, "write" or "remove", then the journal.
set -eu
IFS= read -r root || missing root
IFS= read -r rd || missing rd
IFS= read -r what || missing what
no_links_below "$root" "$rd"
d=$root$rd
mkdir -p -- "$d"
if [ "$what" = write ]; then write_atomic "$d/journal.json"; else rm -f -- "$d/journal.json"; fi
sync
