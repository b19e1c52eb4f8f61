# The pre-update backup: the server's configured backup command, then the
# name of the newest complete backup of the instance (what a restore takes).
# stdin: root, command, backup folder of the instance.
set -u
IFS= read -r root || missing root
IFS= read -r command || missing command
IFS= read -r dir || missing dir
sh -c "$command" < /dev/null >&2 || exit $?
d=$root$dir
newest=
for b in "$d"/*; do
  if [ ! -f "$b/MANIFEST" ] || [ -h "$b" ]; then continue; fi
  n=${b##*/}
  case $n in *[!0-9TZ]*) continue ;; esac
  newest=$n
done
printf '%s\n' "$newest"
