# Put back the files of an interrupted or failed run from its backups; safe
# to repeat. No backup of an old file means the run never got to its
# renames: what is live is old. Nothing is touched unless every path is
# safe (no link on the way, nothing but a file or a link in place).
# stdin: root, run, then one line per file as for apply-swap.sh.
set -u
umask 077
IFS= read -r root || missing root
IFS= read -r run || missing run
check_run "$run"
ops=$(mktemp) || exit 1
trap 'rm -f -- "$ops"' EXIT
cat > "$ops"
B=$root/var/lib/blink
K=$B/backups/$run/tree
folders_only "$root" /var/lib/blink/backups
ops_safe "$root" "$ops" 0
set_phase "$B" rolling-back
ok=0
while read -r op old _ _ path _; do
  [ -n "$path" ] || continue
  live=$root$path
  tmp=$root${path%/*}/.blink-tmp.${path##*/}.$run
  bak=$K$path
  if [ "$old" = 1 ]; then
    if [ -e "$bak" ] || [ -h "$bak" ]; then
      rm -f -- "$tmp"
      { cp -a -- "$bak" "$tmp" && mv -fT -- "$tmp" "$live"; } || ok=1
    fi
  elif [ "$op" = write ]; then
    rm -f -- "$live" || ok=1
  fi
  rm -f -- "$tmp"
done < "$ops"
sync
exit $ok
