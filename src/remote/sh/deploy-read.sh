# Each selected instance's release folder in one round trip: the current
# link, its state and journal, the releases present, and on request one
# release's record and file list. Everything printed is data that blink
# validates; nothing here follows a link or reads more than regular files.
# stdin: nonce, root, then pairs of lines: release folder, and what else
# to print: "current" (the releases present, and the running release's
# record and files), "releases" (the releases present), "-" (nothing
# more: what --status needs) or "journal" (only when a deploy of it was
# interrupted, as "-"; nothing otherwise).
set -u
IFS= read -r nonce || missing nonce
IFS= read -r root || missing root
i=0
while IFS= read -r rd && IFS= read -r want; do
  d=$root$rd
  echo "@@instance $nonce $i"
  i=$((i + 1))
  # Not in a subshell: a fork per instance was most of a large server's read.
  if ! safe_below "$root" "$rd" 2>/dev/null; then
    echo "@@unsafe $nonce"
    continue
  fi
  [ -d "$d" ] || continue
  if [ "$want" = journal ]; then
    [ -f "$d/journal.json" ] || continue
    want=-
  fi
  echo "@@current $nonce"
  if [ -h "$d/current" ]; then readlink -- "$d/current"; elif [ -e "$d/current" ]; then echo "(not a link)"; fi
  echo "@@state $nonce"
  cat_regular "$d/state.json"
  echo
  echo "@@journal $nonce"
  cat_regular "$d/journal.json"
  echo
  [ "$want" != - ] || continue
  echo "@@entries $nonce"
  find "$d" -mindepth 1 -maxdepth 1 -printf '%y %f\0'
  echo
  want=$(if [ "$want" = current ] && [ -h "$d/current" ]; then readlink -- "$d/current"; fi)
  if is_commit "$want"; then
    echo "@@record $nonce"
    cat_regular "$d/$want.json"
    echo
    echo "@@files $nonce"
    cat_regular "$d/$want.files"
  fi
done
echo "@@end $nonce"
