# Put a run's files in place: the journal first (so a killed run is finished
# or undone by the next one), then backups of every old file, a temporary
# copy of every new one beside it (mode and owner set), and only then the
# renames and unlinks: each file is old or new, never partial. Nothing is
# touched unless every path is safe: no link on the way, and nothing but a
# regular file or a link where a file is replaced.
# stdin: root, run, the journal (one line of JSON), then one line per file:
# "<write|delete> <1 if it had an old file, else 0> <mode, octal> <owner or -> <path> <link target or ->".
set -eu
umask 077
IFS= read -r root || missing root
IFS= read -r run || missing run
check_run "$run"
in=$(mktemp)
trap 'rm -f -- "$in" "$in.ops"' EXIT
cat > "$in"
tail -n +2 -- "$in" > "$in.ops"
B=$root/var/lib/blink
S=$B/staging/$run/tree
K=$B/backups/$run/tree
folders_only "$root" /var/lib/blink/backups
ops_safe "$root" "$in.ops" 1

mkdir -p -- "$B/backups"
chmod 700 -- "$B" "$B/backups"
set_phase "$B" swapping
head -n 1 -- "$in" | write_atomic "$B/journal.json"
# (mkdir once per folder: a process per file is most of a large first apply.)
last=
while read -r _ old _ _ path _; do
  if [ -z "$path" ] || [ "$old" != 1 ]; then continue; fi
  if [ "${path%/*}" != "$last" ]; then
    last=${path%/*}
    mkdir -p -- "$K$last"
  fi
  cp -a -- "$root$path" "$K$path"
done < "$in.ops"
last=
while read -r op _ mode owner path link; do
  if [ -z "$path" ] || [ "$op" != write ]; then continue; fi
  dir=$root${path%/*}
  tmp=$dir/.blink-tmp.${path##*/}.$run
  if [ "$dir" != "$last" ]; then
    last=$dir
    mkdir -p -- "$dir"
  fi
  if [ "$link" != - ]; then
    rm -f -- "$tmp"
    ln -s -- "$root$link" "$tmp"
  else
    cp -- "$S$path" "$tmp"
    chmod "$mode" -- "$tmp"
  fi
  [ "$owner" = - ] || chown -h -- "$owner" "$tmp"
done < "$in.ops"
sync
# From here on every step is a rename or an unlink.
while read -r op _ _ _ path _; do
  [ -n "$path" ] || continue
  if [ "$op" = write ]; then
    mv -fT -- "$root${path%/*}/.blink-tmp.${path##*/}.$run" "$root$path"
  else
    rm -f -- "$root$path"
  fi
done < "$in.ops"
sync
set_phase "$B" swapped
