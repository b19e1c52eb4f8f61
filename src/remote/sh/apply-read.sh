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
t=$(mktemp -d) || exit 1
trap 'rm -rf -- "$t"' EXIT
B=./var/lib/blink

# A link (or a file) in place of a folder on the way would send what blink
# writes elsewhere: named here, and the whole state is refused.
echo "@@unsafe $nonce"
while IFS= read -r dir && [ "$dir" != . ]; do
  not_a_folder . "$dir"
  [ -z "$nf_bad" ] || printf '%s\n' "$nf_bad"
done
cat > "$t/asked"

echo "@@odd $nonce"
for f in manifest.json manifest.paths journal.json journal.phase; do
  if [ -h "$B/$f" ] || { [ -e "$B/$f" ] && [ ! -f "$B/$f" ]; }; then
    printf '%s\n' "/var/lib/blink/$f"
  fi
done

# What blink wrote last is looked at too, so orphans are found in the same
# trip; a line that is not a plain absolute path is named, never looked at.
SHAPE='(/[A-Za-z0-9_+-][A-Za-z0-9._+-]*)+'
cat_regular "$B/manifest.paths" > "$t/listed"
echo "@@badpaths $nonce"
grep -avxE "$SHAPE" "$t/listed"
{
  sed 's#^#.#' "$t/asked"
  grep -axE "$SHAPE" "$t/listed" | sed 's#^#.#'
} | sort -u > "$t/all"

# One find for every path (it never follows a link it is given); only
# regular files are hashed, and never for longer than HASH_SECONDS.
set -f
IFS='
'
# shellcheck disable=SC2046
set -- $(cat "$t/all")
set +f
unset IFS
: > "$t/stat"
: > "$t/sha"
rc=0
if [ $# -gt 0 ]; then
  find "$@" -maxdepth 0 -fprintf "$t/stat" '%y %m %u:%g %p\0%l\0' -type f -print0 2>/dev/null |
    timeout "$HASH_SECONDS" xargs -0 -r sha256sum -- > "$t/sha" 2>/dev/null
  rc=$?
fi
echo "@@sha $nonce"
cat "$t/sha"
[ "$rc" -ne 124 ] || echo "@@timeout $nonce"
echo "@@stat $nonce"
cat "$t/stat"
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
