# Assemble one release on the server from the running one: every file of
# the previous release is hard-linked into the new tree in one `cp -al`,
# files the new commit no longer has are removed, files that moved are
# linked from their old path, and the rest come in a tar on stdin, each
# unlinked before it is written (so the previous release is never written
# through a link). The tree is then listed and hashed here; the digest of
# that list must equal the one the operator's git gave, and the list becomes
# <commit>.files. The record is written last: its presence means complete.
# stdin: root, release folder, journal (or -), commit, run, previous commit
# (or -), digest, removed paths ended by ".", moved "NEW<TAB>OLD" lines ended
# by ".", then the tar (tree/… and meta/record.json).
set -eu
umask 022
IFS= read -r root || missing root
IFS= read -r rd || missing rd
IFS= read -r journal || missing journal
IFS= read -r commit || missing commit
IFS= read -r run || missing run
IFS= read -r prev || missing prev
IFS= read -r digest || missing digest
is_commit "$commit" || { echo "blink-deploy: bad commit" >&2; exit 2; }
case $run in *[!A-Za-z0-9._-]* | '') echo "blink-deploy: bad run id" >&2; exit 2 ;; esac
case $digest in *[!0-9a-f]* | '') echo "blink-deploy: bad digest" >&2; exit 2 ;; esac
no_links_below "$root" "$rd"
d=$root$rd
put_journal "$d" "$journal"
mkdir -p -- "$d"
# We hold the server's lock: any incoming folder is left by a killed run.
rm -rf -- "$d"/.incoming-*
# A tree without its record was renamed by a run killed just after: redo it.
if [ -d "$d/$commit" ] && [ ! -f "$d/$commit.json" ]; then rm -rf -- "${d:?}/$commit"; fi
in=$d/.incoming-$run
mkdir -m 700 -- "$in"
if [ "$prev" = - ]; then
  mkdir -- "$in/tree"
else
  is_commit "$prev" || { echo "blink-deploy: bad previous commit" >&2; exit 2; }
  if [ ! -d "$d/$prev" ] || [ -h "$d/$prev" ]; then
    echo "blink-deploy: the running release $prev is not on the server" >&2
    exit 1
  fi
  cp -al -- "$d/$prev" "$in/tree"
fi
while IFS= read -r p; do
  [ "$p" = . ] && break
  rm -f -- "$in/tree/$p"
done
tab=$(printf '\t')
while IFS= read -r line; do
  [ "$line" = . ] && break
  new=${line%%"$tab"*}
  old=${line#*"$tab"}
  case $new in */*) mkdir -p -- "$in/tree/${new%/*}" ;; esac
  ln -f -- "$d/$prev/$old" "$in/tree/$new"
done
# -m: a record's time is when it was written (finish keeps the newest releases by it), not the archive's.
tar -x -U -m -f - -C "$in" --no-same-owner
if [ ! -f "$in/meta/record.json" ]; then
  echo "blink-deploy: upload incomplete" >&2
  exit 1
fi
# Folders emptied by removals: git has no empty folders, so neither does a release.
find "$in/tree" -mindepth 1 -type d -empty -delete
bad=$(find "$in/tree" ! -type f ! -type d | head -n 3)
[ -z "$bad" ] || { echo "blink-deploy: not a regular file in the release: $bad" >&2; exit 1; }
(
  cd "$in/tree"
  find . -type f -printf '%P\t%m\n' | LC_ALL=C sort > ../modes
  # Hashing is most of this script's time: the sorted list is cut into one
  # run of consecutive paths per processor, hashed side by side, and the
  # sums put back together in list order. OpenSSL's sha256 uses the CPU's
  # SHA instructions where coreutils' does not; either prints the hash
  # first, one line per file in the order given.
  if command -v openssl > /dev/null 2>&1; then hash='openssl sha256 -r'; else hash=sha256sum; fi
  n=$(nproc 2>/dev/null || echo 1)
  [ "$n" -le 8 ] || n=8
  lines=$(wc -l < ../modes)
  # "./": no name reaches the hash command as an option.
  cut -f1 < ../modes | sed 's|^|./|' | split -l "$(((lines + n - 1) / n + 1))" - ../part.
  pids=
  for p in ../part.*; do
    if [ -f "$p" ]; then
      # shellcheck disable=SC2086 # $hash is a command and its options
      tr '\n' '\0' < "$p" | xargs -0 -r $hash > "$p.sums" &
      pids="$pids $!"
    fi
  done
  for p in $pids; do wait "$p"; done
  for p in ../part.*.sums; do
    if [ -f "$p" ]; then cat -- "$p"; fi
  done > ../sums
  # sha256sum puts a backslash before the hash of a name it escapes.
  awk 'NR == FNR { m[FNR] = $0; next } { sub(/^\\/, ""); split(m[FNR], a, "\t"); print substr($0, 1, 64) " " a[2] " " a[1] }' ../modes ../sums > ../files
)
got=$(sha256sum < "$in/files" | cut -c1-64)
if [ "$got" != "$digest" ]; then
  echo "blink-deploy: the assembled release does not match commit $commit" >&2
  exit 1
fi
find "$in/tree" -type d -exec chmod 755 {} +
mv -T -- "$in/tree" "$d/$commit"
mv -f -- "$in/files" "$d/$commit.files"
sync
mv -f -- "$in/meta/record.json" "$d/$commit.json"
rm -rf -- "$in"
