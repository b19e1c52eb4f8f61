# Point `current` at a complete release in one rename (or remove it: "-").
# stdin: root, release folder, journal (or -), commit or -.
set -eu
IFS= read -r root || missing root
IFS= read -r rd || missing rd
IFS= read -r journal || missing journal
IFS= read -r target || missing target
no_links_below "$root" "$rd"
d=$root$rd
put_journal "$d" "$journal"
if [ "$target" = - ]; then
  rm -f -- "$d/current"
else
  is_commit "$target" || { echo "blink-deploy: bad commit" >&2; exit 2; }
  if [ ! -d "$d/$target" ] || [ ! -f "$d/$target.json" ]; then
    echo "blink-deploy: release $target is not complete on this server" >&2
    exit 1
  fi
  rm -f -- "$d/.current.tmp"
  ln -s -- "$target" "$d/.current.tmp"
  mv -fT -- "$d/.current.tmp" "$d/current"
fi
sync
