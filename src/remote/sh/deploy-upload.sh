# Assemble one release: files identical to the running release are hard
# links to it, the rest come in a tar on stdin. The whole tree is checked
# against the file list the operator's git produced before it is renamed
# into place; the record is written last, so its presence means complete.
# stdin: root, release folder, commit, run, previous commit (or -), link
# lines "NEW<TAB>OLD" ended by ".", then the tar (tree/…, meta/files,
# meta/record.json).
set -eu
umask 022
IFS= read -r root || missing root
IFS= read -r rd || missing rd
IFS= read -r commit || missing commit
IFS= read -r run || missing run
IFS= read -r prev || missing prev
is_commit "$commit" || { echo "blink-deploy: bad commit" >&2; exit 2; }
case $run in *[!A-Za-z0-9._-]* | '') echo "blink-deploy: bad run id" >&2; exit 2 ;; esac
no_links_below "$root" "$rd"
d=$root$rd
mkdir -p -- "$d"
# We hold the server's lock: any incoming folder is left by a killed run.
rm -rf -- "$d"/.incoming-*
# A tree without its record was renamed by a run killed just after: redo it.
if [ -d "$d/$commit" ] && [ ! -f "$d/$commit.json" ]; then rm -rf -- "${d:?}/$commit"; fi
in=$d/.incoming-$run
mkdir -m 700 -- "$in"
mkdir -- "$in/tree"
tab=$(printf '\t')
while IFS= read -r line; do
  [ "$line" = . ] && break
  new=${line%%"$tab"*}
  old=${line#*"$tab"}
  mkdir -p -- "$in/tree/$(dirname -- "$new")"
  ln -- "$d/$prev/$old" "$in/tree/$new"
done
tar -x -f - -C "$in" --no-same-owner
if [ ! -f "$in/meta/files" ] || [ ! -f "$in/meta/record.json" ]; then
  echo "blink-deploy: upload incomplete" >&2
  exit 1
fi
bad=$(find "$in/tree" ! -type f ! -type d | head -n 3)
[ -z "$bad" ] || { echo "blink-deploy: not a regular file in the release: $bad" >&2; exit 1; }
want=$(wc -l < "$in/meta/files")
have=$(find "$in/tree" -type f | wc -l)
[ "$want" -eq "$have" ] || { echo "blink-deploy: release has $have files, its commit $want" >&2; exit 1; }
if ! (cd "$in/tree" && sed 's/^\([0-9a-f]*\) [0-7]* /\1  /' ../meta/files | sha256sum --quiet --strict -c - >&2); then
  echo "blink-deploy: the assembled release does not match commit $commit" >&2
  exit 1
fi
find "$in/tree" -type d -exec chmod 755 {} +
mv -T -- "$in/tree" "$d/$commit"
mv -f -- "$in/meta/files" "$d/$commit.files"
sync
mv -f -- "$in/meta/record.json" "$d/$commit.json"
rm -rf -- "$in"
