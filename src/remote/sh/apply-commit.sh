# End a run: the manifest (when given) and the list of its paths, an audit
# line, the journal removed, the run's staging folder removed, and backups
# beyond the ten newest runs dropped.
# stdin: root, run, audit line, "manifest" or "-", then the manifest (one
# line of JSON), its paths (one a line), a "." line, and the folders it
# records (one a line): manifest.paths and manifest.folders, what the next
# read looks at besides what it is asked about.
set -eu
umask 077
IFS= read -r root || missing root
IFS= read -r run || missing run
IFS= read -r audit || missing audit
IFS= read -r what || missing what
check_run "$run"
folders_only "$root" /var/lib/blink/backups
folders_only "$root" /var/lib/blink/staging
B=$root/var/lib/blink
mkdir -p -- "$B"
# The manifest hashes files that hold secrets: root's alone, like the backups.
chmod 700 -- "$B"
if [ "$what" = manifest ]; then
  cat > "$B/manifest.in.$$"
  head -n 1 -- "$B/manifest.in.$$" | write_atomic "$B/manifest.json"
  tail -n +2 -- "$B/manifest.in.$$" | sed '/^\.$/,$d' | write_atomic "$B/manifest.paths"
  tail -n +2 -- "$B/manifest.in.$$" | sed -n '/^\.$/,$p' | tail -n +2 | write_atomic "$B/manifest.folders"
  rm -f -- "$B/manifest.in.$$"
fi
printf '%s\n' "$audit" >> "$B/audit.log"
rm -f -- "$B/journal.json" "$B/journal.phase"
rm -rf -- "$B/staging/$run"
# Keep the ten newest runs' backups (run ids sort by time).
if [ -d "$B/backups" ]; then
  LC_ALL=C
  export LC_ALL
  set -- "$B"/backups/*
  [ -e "$1" ] || set --
  n=$#
  for d; do
    [ "$n" -gt 10 ] || break
    rm -rf -- "$d"
    n=$((n - 1))
  done
fi
