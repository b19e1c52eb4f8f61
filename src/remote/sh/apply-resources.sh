# Make what instances need beside their files, before any service starts:
# folders (created, then given their owner and mode; never through a link,
# never emptied) and PostgreSQL roles and databases (psql; each statement
# does nothing when its role or database is there already). Nothing is ever
# dropped. Safe to repeat.
# stdin: root, the psql command ("-": none), folder lines "MODE OWNER PATH"
# (OWNER "-": left to whoever applies) ended by ".", then the SQL psql reads.
set -u
IFS= read -r root || missing root
IFS= read -r psql || missing psql
# Folders on the way that do not exist yet are made 0755, as mkdir -p makes them.
umask 022
while IFS=' ' read -r mode owner path && [ "$mode" != . ]; do
  case $mode in
    '' | *[!0-7]*)
      echo "blink-apply: bad folder mode" >&2
      exit 2
      ;;
  esac
  case $path in
    /*) ;;
    *)
      echo "blink-apply: bad folder path" >&2
      exit 2
      ;;
  esac
  folders_only "$root" "$path"
  mkdir -p -- "$root$path" || exit 1
  if [ "$owner" != - ]; then chown -- "$owner" "$root$path" || exit 1; fi
  chmod -- "$mode" "$root$path" || exit 1
done
if [ "$psql" != - ]; then
  # The rest of stdin is the SQL; the command runs where configured commands do.
  timeout 600 sh -c "$psql" || exit 1
fi
