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
# stdout: sections, each "@@<name> <nonce>" on a line of its own and what
# follows it up to the next one; blink reads them by name, in any order.
set -u
HASH_SECONDS=120
IFS= read -r root || missing root
IFS= read -r nonce || missing nonce
IFS= read -r psql || missing psql
IFS= read -r ufw || missing ufw
IFS= read -r users || missing users
# Configured commands run where the transport starts scripts (a local
# server's config folder), not in the root.
home=$PWD
SHAPE='^(/[A-Za-z0-9_+-][A-Za-z0-9._+-]*)+$'
NL='
'
PG_SECONDS=60
UFW_SECONDS=60
# Every role and database of the server, as one line of JSON (names are
# data: parseResources.ts matches them against what it asked about).
PG_QUERY="SELECT 'blink-pg ' || json_build_object(
  'roles', (SELECT coalesce(json_agg(json_build_object('name', rolname, 'login', rolcanlogin, 'createdb', rolcreatedb, 'superuser', rolsuper)), '[]') FROM pg_roles),
  'databases', (SELECT coalesce(json_agg(json_build_object('name', datname, 'owner', pg_get_userbyid(datdba), 'encoding', pg_encoding_to_char(encoding), 'collate', datcollate, 'ctype', datctype)), '[]') FROM pg_database))::text;"

# The users take one getent, PostgreSQL one psql, the firewall one ufw,
# whatever the number of instances.
read_resources() {
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

# The file's name if it is a regular file (never a link, FIFO or device,
# which could block a read forever), else /dev/null; left in rf.
regular() {
  if [ -f "$1" ] && [ ! -h "$1" ]; then rf=$1; else rf=/dev/null; fi
}

t=$(mktemp) || exit 1
trap 'rm -f -- "$t" "$t.badpaths" "$t.badfolders" "$t.stat" "$t.pg" "$t.err" "$t.ufw"' EXIT
if ! cd -- "${root:-/}" 2>/dev/null; then
  # A root that does not exist yet (a new lab folder) holds nothing yet.
  for s in unsafe odd badpaths sha stat manifest journal phase staging badfolders unsafefolders; do echo "@@$s $nonce"; done
  echo "@@folders $nonce"
  echo
  read_resources
  echo "@@end $nonce"
  exit 0
fi
LC_ALL=C
export LC_ALL
B=./var/lib/blink

echo "@@odd $nonce"
for f in manifest.json manifest.paths manifest.folders journal.json journal.phase; do
  if [ -h "$B/$f" ] || { [ -e "$B/$f" ] && [ ! -f "$B/$f" ]; }; then
    printf '%s\n' "/var/lib/blink/$f"
  fi
done

# One awk for every list, in one output (IFS splits it into the positional
# parameters, no process, no file): the folders instances need and those
# manifest.folders records (the ones the last apply made, so a removed
# instance's are found too), each once and grouped by parent; "|"; the
# folders blink writes in; "|"; the paths asked about (stdin) and those of
# manifest.paths (what blink wrote last, so orphans are found in the same
# trip), each once. A line of manifest.paths or manifest.folders that is not
# a plain absolute path is never looked at: it goes to a file of its own and
# the whole state is refused. A folder's name may start with a dot
# (/opt/odoo/.local), never be . or ..
regular "$B/manifest.paths"
paths_file=$rf
regular "$B/manifest.folders"
lists=$(awk -v shape="$SHAPE" -v badpaths="$t.badpaths" -v badfolders="$t.badfolders" '
  function folder(f, p) {
    if (f in seen_folder) return
    seen_folder[f] = 1
    p = f
    sub(/\/[^\/]*$/, "", p)
    if (!(p in kids)) parents[++np] = p
    kids[p] = kids[p] "\n." f
  }
  BEGIN { printf "" > badpaths; printf "" > badfolders }
  # At most 64 MiB of each file, as cat_regular reads.
  FNR == 1 { size = 0 }
  from != "stdin" && (size += length($0) + 1) > 67108864 { nextfile }
  from == "stdin" && part == 0 { if ($0 == ".") part = 1; else folder($0); next }
  from == "stdin" && part == 1 { if ($0 == ".") part = 2; else dirs[++nd] = $0; next }
  from == "stdin" { if (!seen[$0]++) files[++nf] = "." $0; next }
  from == "paths" {
    if ($0 ~ shape) { if (!seen[$0]++) files[++nf] = "." $0 }
    else if ($0 != "") print > badpaths
    next
  }
  /^(\/[A-Za-z0-9._+-]+)+$/ && !/(^|\/)\.\.?(\/|$)/ { folder($0); next }
  $0 != "" { print > badfolders }
  END {
    for (i = 1; i <= np; i++) print substr(kids[parents[i]], 2)
    print "|"
    for (i = 1; i <= nd; i++) print dirs[i]
    print "|"
    for (i = 1; i <= nf; i++) print files[i]
  }' from=stdin - from=paths "$paths_file" from=folders "$rf")
# The folders, for their own find below (everything before the first "|";
# no folder has one).
folders=${lists%%|*}
set -f
IFS=$NL
# shellcheck disable=SC2086
set -- $lists
unset IFS
set +f

# The folders on the way to each folder, each parent once (siblings are
# neighbours); the folder itself is find's to describe (a link there is
# type l).
echo "@@unsafefolders $nonce"
prev=
bad=
while [ $# -gt 0 ] && [ "$1" != '|' ]; do
  if [ "${1%/*}" != "$prev" ]; then
    prev=${1%/*}
    not_a_folder . "${prev#.}"
    bad=$nf_bad
  fi
  [ -z "$bad" ] || printf '%s %s\n' "${1#.}" "$bad"
  shift
done
[ $# -eq 0 ] || shift

# A link (or a file) in place of a folder on the way would send what blink
# writes elsewhere: named here, and the whole state is refused.
echo "@@unsafe $nonce"
while [ $# -gt 0 ] && [ "$1" != '|' ]; do
  not_a_folder . "$1"
  [ -z "$nf_bad" ] || printf '%s\n' "$nf_bad"
  shift
done
[ $# -eq 0 ] || shift

echo "@@badpaths $nonce"
[ ! -s "$t.badpaths" ] || cat -- "$t.badpaths"
echo "@@badfolders $nonce"
[ ! -s "$t.badfolders" ] || cat -- "$t.badfolders"

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

echo "@@folders $nonce"
set -f
IFS=$NL
# shellcheck disable=SC2086
set -- $folders
unset IFS
set +f
[ $# -eq 0 ] || find "$@" -maxdepth 0 -printf '%y %m %u:%g %p\0' 2>/dev/null
echo
read_resources
echo "@@end $nonce"
