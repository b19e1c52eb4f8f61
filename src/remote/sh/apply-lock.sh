# The server's lock, held for as long as this script runs: it is removed
# when its stdin closes, which happens even if blink is killed. A lock left
# by a rebooted server names a pid that no longer runs there. Whoever takes
# the lock removes the staging folders of runs that were killed: they hold
# resolved secrets, and nobody else is applying.
# stdin: root, owner, then nothing until the holder goes.
# stdout: one line, "LOCKED" or "HELD <owner>" (or an error).
IFS= read -r root || missing root
IFS= read -r owner || missing owner
B=$root/var/lib/blink
L=$B/lock
not_a_folder "$root" /var/lib/blink/lock
if [ -n "$nf_bad" ]; then
  echo "ERROR ${nf_bad#* } is not a real folder"
  exit 0
fi
umask 077
mkdir -p -- "$B" || exit 1
holder() {
  cat_regular "$L/owner" | head -n 1
}
if ! mkdir -- "$L" 2>/dev/null; then
  p=$(cat_regular "$L/pid")
  [ -n "$p" ] || { sleep 1; p=$(cat_regular "$L/pid"); }
  # A pid is digits: "kill -0 -1" would ask about every process there is.
  case $p in '' | *[!0-9]*) p= ;; esac
  if [ -n "$p" ] && kill -0 "$p" 2>/dev/null; then echo "HELD $(holder)"; exit 0; fi
  rm -rf -- "$L"
  mkdir -- "$L" 2>/dev/null || { echo "HELD $(holder)"; exit 0; }
fi
trap 'rm -rf -- "$L"' EXIT
trap 'exit 1' HUP INT TERM PIPE
echo $$ > "$L/pid"
printf '%s\n' "$owner" > "$L/owner"
rm -rf -- "$B/staging"
echo LOCKED
cat > /dev/null
