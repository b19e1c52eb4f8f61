# What blink-apply needs to know about a server, in one round trip: the
# managed files (type, mode, owner, link target, and a hash of the regular
# ones), the manifest and journal blink wrote last, and the staging folders
# of runs that never finished. Everything printed is data that blink
# validates; nothing here follows a link inside the root, reads anything
# but regular files, or reads for longer than HASH_SECONDS.
# stdin: root, nonce, the folders blink writes in (one a line, ended by
# "."), then the paths to look at (one a line).
set -u
HASH_SECONDS=120
IFS= read -r root || missing root
IFS= read -r nonce || missing nonce
if ! cd -- "${root:-/}" 2>/dev/null; then
  # A root that does not exist yet (a new lab folder) holds nothing yet.
  for s in unsafe odd badpaths sha stat manifest journal phase staging end; do echo "@@$s $nonce"; done
  exit 0
fi
LC_ALL=C
export LC_ALL
t=$(mktemp) || exit 1
trap 'rm -f -- "$t" "$t.bad" "$t.stat"' EXIT
B=./var/lib/blink

# A link (or a file) in place of a folder on the way would send what blink
# writes elsewhere: named here, and the whole state is refused.
echo "@@unsafe $nonce"
while IFS= read -r dir && [ "$dir" != . ]; do
  not_a_folder . "$dir"
  [ -z "$nf_bad" ] || printf '%s\n' "$nf_bad"
done

echo "@@odd $nonce"
for f in manifest.json manifest.paths journal.json journal.phase; do
  if [ -h "$B/$f" ] || { [ -e "$B/$f" ] && [ ! -f "$B/$f" ]; }; then
    printf '%s\n' "/var/lib/blink/$f"
  fi
done

# The paths asked about (the rest of stdin) and what blink wrote last, so
# orphans are found in the same trip; a line of manifest.paths that is not
# a plain absolute path is named, never looked at. (Few processes: this runs
# on every server of every diff.)
SHAPE='^(/[A-Za-z0-9_+-][A-Za-z0-9._+-]*)+$'
cat_regular "$B/manifest.paths" > "$t"
: > "$t.bad"
set -f
IFS='
'
# One awk for both lists, each path once (stdin's as blink sent them).
# shellcheck disable=SC2046
set -- $(awk -v shape="$SHAPE" -v bad="$t.bad" '
  from == "stdin" { if (!seen[$0]++) print "." $0; next }
  $0 ~ shape { if (!seen[$0]++) print "." $0; next }
  $0 != "" { print > bad }' from=stdin - from=manifest "$t")
set +f
unset IFS
echo "@@badpaths $nonce"
[ ! -s "$t.bad" ] || cat -- "$t.bad"

# One find for every path (it never follows a link it is given); only
# regular files are hashed, by sha256sum runs find starts itself, and
# nothing runs longer than HASH_SECONDS.
: > "$t.stat"
echo "@@sha $nonce"
if [ $# -gt 0 ]; then
  timeout "$HASH_SECONDS" find "$@" -maxdepth 0 -fprintf "$t.stat" '%y %m %u:%g %p\0%l\0' -type f -exec sha256sum -- {} + 2>/dev/null
  [ $? -ne 124 ] || printf '\n@@timeout %s\n' "$nonce"
fi
echo "@@stat $nonce"
cat -- "$t.stat"
echo

echo "@@manifest $nonce"
cat_regular "$B/manifest.json"
echo
echo "@@journal $nonce"
cat_regular "$B/journal.json"
echo
echo "@@phase $nonce"
cat_regular "$B/journal.phase"
echo
echo "@@staging $nonce"
if [ -d "$B/staging" ] && [ ! -h "$B/staging" ]; then
  for d in "$B"/staging/* "$B"/staging/.[!.]*; do
    if [ -e "$d" ] || [ -h "$d" ]; then printf '%s\0' "${d##*/}"; fi
  done
  echo
fi
echo "@@end $nonce"
