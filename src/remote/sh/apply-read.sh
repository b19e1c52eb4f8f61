# What blink-apply needs to know about a server, in one round trip: the
# managed files (type, mode, owner, link target, and a hash of the regular
# ones), the manifest and journal blink wrote last, and the staging folders
# of runs that never finished. Everything printed is data that blink
# validates; nothing here follows a link inside the root, reads anything
# but regular files, or reads for longer than HASH_SECONDS.
# Beside the files, in the same trip (read_resources below): the folders
# instances need, the service users, every PostgreSQL role and database (one
# query) and the firewall (one ufw status), whatever the number of instances.
# stdin: root, nonce, the psql command, the ufw command ("-": not asked),
# the service users (space-separated, "-": none), the folders instances need
# (one a line, ended by "."), the folders blink writes in (one a line, ended
# by "."), then the paths to look at (one a line).
set -u
HASH_SECONDS=120
IFS= read -r root || missing root
IFS= read -r nonce || missing nonce
IFS= read -r psql || missing psql
IFS= read -r ufw || missing ufw
IFS= read -r users || missing users
folders=
while IFS= read -r f && [ "$f" != . ]; do folders="$folders$f
"; done
# Configured commands run where the transport starts scripts (a local
# server's config folder), not in the root.
home=$PWD
SHAPE='^(/[A-Za-z0-9_+-][A-Za-z0-9._+-]*)+$'
PG_SECONDS=60
UFW_SECONDS=60
# Every role and database of the server, as one line of JSON (names are
# data: parseResources.ts matches them against what it asked about).
PG_QUERY="SELECT 'blink-pg ' || json_build_object(
  'roles', (SELECT coalesce(json_agg(json_build_object('name', rolname, 'login', rolcanlogin, 'createdb', rolcreatedb, 'superuser', rolsuper)), '[]') FROM pg_roles),
  'databases', (SELECT coalesce(json_agg(json_build_object('name', datname, 'owner', pg_get_userbyid(datdba), 'encoding', pg_encoding_to_char(encoding), 'collate', datcollate, 'ctype', datctype)), '[]') FROM pg_database))::text;"

# The resources' sections. IN_ROOT is 1 when the working folder is the
# root: folders are looked at there (with those manifest.folders names, the
# ones the last apply made, so a removed instance's are found too); each is
# checked for a link on the way, then one find stats them all. The users
# take one getent, PostgreSQL one psql, the firewall one ufw, whatever the
# number of instances.
read_resources() { # IN_ROOT
  echo "@@badfolders $nonce"
  : > "$t.f"
  if [ "$1" = 1 ]; then
    # A folder's name may start with a dot (/opt/odoo/.local), never be . or ..
    cat_regular "$B/manifest.folders" | awk -v keep="$t.f" '/^(\/[A-Za-z0-9._+-]+)+$/ && !/(^|\/)\.\.?(\/|$)/ { print > keep; next } $0 != "" { print }'
    printf '%s' "$folders" >> "$t.f"
  fi
  echo "@@unsafefolders $nonce"
  set -f
  IFS='
'
  # shellcheck disable=SC2046
  set -- $(sort -u -- "$t.f" | sed 's#^#.#')
  set +f
  unset IFS
  # The folders on the way, each parent once (sorted: siblings are neighbours);
  # the folder itself is find's to describe (a link there is type l).
  prev=
  bad=
  for f; do
    if [ "${f%/*}" != "$prev" ]; then
      prev=${f%/*}
      not_a_folder . "${prev#.}"
      bad=$nf_bad
    fi
    [ -z "$bad" ] || printf '%s %s\n' "${f#.}" "$bad"
  done
  echo "@@folders $nonce"
  [ $# -eq 0 ] || find "$@" -maxdepth 0 -printf '%y %m %u:%g %p\0' 2>/dev/null
  echo
  echo "@@users $nonce"
  if [ "$users" != - ]; then
    set -f
    # shellcheck disable=SC2086
    getent passwd $users 2>/dev/null
    set +f
  fi
  echo "@@postgres $nonce"
  if [ "$psql" != - ]; then
    if printf '%s\n' "$PG_QUERY" | (cd -- "$home" && timeout "$PG_SECONDS" sh -c "$psql") > "$t.pg" 2> "$t.err"; then
      head -c 16777216 -- "$t.pg"
      echo
    else
      echo "@@pgfail $nonce"
      tail -c 2000 -- "$t.err"
      echo
    fi
  fi
  if [ "$ufw" != - ]; then
    echo "@@ufw $nonce"
    (cd -- "$home" && timeout "$UFW_SECONDS" sh -c "$ufw status verbose") < /dev/null > "$t.ufw" 2>&1
    rc=$?
    head -c 262144 -- "$t.ufw"
    echo
    echo "@@ufwexit $nonce"
    echo "$rc"
  fi
  echo "@@ssh $nonce"
  printf '%s\n' "${SSH_CONNECTION:-}"
}

t=$(mktemp) || exit 1
trap 'rm -f -- "$t" "$t.bad" "$t.stat" "$t.f" "$t.pg" "$t.err" "$t.ufw"' EXIT
if ! cd -- "${root:-/}" 2>/dev/null; then
  # A root that does not exist yet (a new lab folder) holds nothing yet.
  for s in unsafe odd badpaths sha stat manifest journal phase staging; do echo "@@$s $nonce"; done
  B=./var/lib/blink
  read_resources 0
  echo "@@end $nonce"
  exit 0
fi
LC_ALL=C
export LC_ALL
B=./var/lib/blink

# A link (or a file) in place of a folder on the way would send what blink
# writes elsewhere: named here, and the whole state is refused.
echo "@@unsafe $nonce"
while IFS= read -r dir && [ "$dir" != . ]; do
  not_a_folder . "$dir"
  [ -z "$nf_bad" ] || printf '%s\n' "$nf_bad"
done

echo "@@odd $nonce"
for f in manifest.json manifest.paths manifest.folders journal.json journal.phase; do
  if [ -h "$B/$f" ] || { [ -e "$B/$f" ] && [ ! -f "$B/$f" ]; }; then
    printf '%s\n' "/var/lib/blink/$f"
  fi
done

# The paths asked about (the rest of stdin) and what blink wrote last, so
# orphans are found in the same trip; a line of manifest.paths that is not
# a plain absolute path is named, never looked at. (Few processes: this runs
# on every server of every diff.)
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
read_resources 1
echo "@@end $nonce"
