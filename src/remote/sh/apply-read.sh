# What blink-apply needs to know about a server, in one round trip: the
# managed files (type, mode, owner, link target, and a hash of the regular
# ones), the manifest and journal blink wrote last, and the staging folders
# of runs that never finished. Everything printed is data that blink
# validates; nothing here follows a link inside the root, reads anything
# but regular files, or reads for longer than HASH_SECONDS.
# Beside the files, in the same trip: the folders instances need, the
# service users, every PostgreSQL role and database (one query) and the
# firewall (one ufw status), whatever the number of instances.
# stdin: root, nonce, the psql command, the ufw command ("-": not asked),
# the users to look up: the service users and the users of the owners blink
# sets (space-separated, "-": none), the groups of those owners (likewise),
# the folders instances need
# (one a line, ended by "."), the folders blink writes in (one a line, ended
# by "."), then the paths to look at (one a line).
# stdout: sections, each "@@<name> <nonce>" on a line of its own and what
# follows it up to the next one; blink reads them by name, in any order.
#
# This runs on every server of every diff, so it starts few processes (each
# costs more than all the shell around it): one awk for every list, one find
# (and its sha256sum) for the files and the folders, one getent for the
# users and one for the groups, psql and ufw side by side under one timeout
# while the files are hashed, and one head for everything that is read from
# a file. Owners are printed as ids, and the names blink compares them with
# are looked up once (getent passwd, getent group): find printing names
# reads /etc/passwd and /etc/group once for each file, a thousand times on
# a large server.
set -u
HASH_SECONDS=120
# psql and ufw, side by side: each may take this long.
RES_SECONDS=60
IFS= read -r root || missing root
IFS= read -r nonce || missing nonce
IFS= read -r psql || missing psql
IFS= read -r ufw || missing ufw
IFS= read -r users || missing users
IFS= read -r groups || missing groups
# Configured commands run where the transport starts scripts (a local
# server's config folder), not in the root.
home=$PWD
LC_ALL=C
export LC_ALL
SHAPE='^(/[A-Za-z0-9_+-][A-Za-z0-9._+-]*)+$'
NL='
'
# Every role and database of the server, as one line of JSON (names are
# data: parseResources.ts matches them against what it asked about).
PG_QUERY="SELECT 'blink-pg ' || json_build_object(
  'roles', (SELECT coalesce(json_agg(json_build_object('name', rolname, 'login', rolcanlogin, 'createdb', rolcreatedb, 'superuser', rolsuper)), '[]') FROM pg_roles),
  'databases', (SELECT coalesce(json_agg(json_build_object('name', datname, 'owner', pg_get_userbyid(datdba), 'encoding', pg_encoding_to_char(encoding), 'collate', datcollate, 'ctype', datctype)), '[]') FROM pg_database))::text;"

# psql and ufw as one background job: one timeout and one sh for both. Each
# command is shell text run as `sh -c` would (its own subshell, no
# positional parameters) with its output in a file, capped as it is written
# (ulimit -f, in 512-byte blocks: psql 16 MiB, ufw 256 KiB; a command that
# writes more is stopped, 153 = SIGXFSZ, and what it said is replaced by
# that), and its exit status in another. When the timeout ends the job, a
# status is missing: the command failed (124).
# shellcheck disable=SC2016
RES_JOB='cd -- "$1" || exit
blink_pg=$2 blink_ufw=$3 blink_t=$4
set --
if [ "$blink_pg" != - ]; then
  {
    (ulimit -f 32768 2>/dev/null; eval "$blink_pg") < "$blink_t.q" > "$blink_t.pg" 2>> "$blink_t.err"
    blink_rc=$?
    [ "$blink_rc" != 153 ] || echo "psql printed more than 16 MiB" > "$blink_t.err"
    echo "$blink_rc" > "$blink_t.pgrc"
  } &
fi
if [ "$blink_ufw" != - ]; then
  (ulimit -f 512 2>/dev/null; eval "$blink_ufw status verbose") < /dev/null > "$blink_t.ufw" 2>&1
  blink_rc=$?
  [ "$blink_rc" != 153 ] || echo "ufw printed more than 256 KiB" > "$blink_t.ufw"
  echo "$blink_rc" > "$blink_t.ufwrc"
fi
wait'

# Scratch files: in the session's folder when the loop gives one (no mktemp
# and rm per read), else in a folder of this script's own. Every file is
# written or truncated before it is read, and the background job is waited
# for: a read never sees an earlier one's files. (An absolute path only:
# the script changes folder.)
t=
case ${BLINK_SCRATCH:-} in
  /*) [ -d "$BLINK_SCRATCH" ] && [ ! -h "$BLINK_SCRATCH" ] && t=$BLINK_SCRATCH/read ;;
esac
if [ -z "$t" ]; then
  scratch=$(mktemp -d) || exit 1
  trap 'rm -rf -- "$scratch"' EXIT
  t=$scratch/read
fi

res=
if [ "$psql" != - ] || [ "$ufw" != - ]; then
  : > "$t.pg"
  : > "$t.err"
  : > "$t.pgrc"
  : > "$t.ufw"
  : > "$t.ufwrc"
  printf '%s\n' "$PG_QUERY" > "$t.q"
  timeout "$RES_SECONDS" sh -c "$RES_JOB" sh "$home" "$psql" "$ufw" "$t" < /dev/null > /dev/null 2>> "$t.err" &
  res=$!
fi

# The file's name if it is a regular file (never a link, FIFO or device,
# which could block a read forever), else /dev/null; left in rf.
regular() {
  if [ -f "$1" ] && [ ! -h "$1" ]; then rf=$1; else rf=/dev/null; fi
}

# The rest of the answer: the users and groups, PostgreSQL, the firewall
# and the ssh connection, then the end. The FILES given (markers and what
# they announce, the last one wanting a line break after it) are printed
# first, in one head with every other file read back: each file at most
# 64 MiB, psql's and ufw's less (their ulimit).
finish() { # FILES…
  echo "@@users $nonce"
  set -f
  # shellcheck disable=SC2086
  [ "$users" = - ] || getent passwd $users 2>/dev/null
  echo "@@groups $nonce"
  # shellcheck disable=SC2086
  [ "$groups" = - ] || getent group $groups 2>/dev/null
  set +f
  [ -z "$res" ] || wait "$res"
  # What comes after the FILES: a line break if they want one, and the markers.
  tail_nl=
  [ $# -eq 0 ] || tail_nl=$NL
  tail_n=0
  if [ "$psql" != - ]; then
    pgrc=
    read -r pgrc < "$t.pgrc" || :
    if [ "$pgrc" = 0 ]; then
      tail_mark "@@postgres $nonce"
      set -- "$@" "$t.m$tail_n" "$t.pg"
      tail_nl=$NL
    else
      echo "@@postgres $nonce"
      echo "@@pgfail $nonce"
      tail -c 2000 -- "$t.err"
      echo
    fi
  else
    echo "@@postgres $nonce"
  fi
  ufw_exit=
  if [ "$ufw" != - ]; then
    read -r ufw_exit < "$t.ufwrc" || ufw_exit=124
    tail_mark "@@ufw $nonce"
    set -- "$@" "$t.m$tail_n" "$t.ufw"
    tail_nl=$NL
    ufw_exit="@@ufwexit $nonce$NL$ufw_exit$NL"
  fi
  tail_mark "$ufw_exit@@ssh $nonce$NL${SSH_CONNECTION:-}$NL@@end $nonce"
  head -q -c 67108864 -- "$@" "$t.m$tail_n"
}

# A marker file of the tail: the line break owed to the file before it,
# TEXT and a line break.
tail_mark() { # TEXT
  tail_n=$((tail_n + 1))
  printf '%s%s\n' "$tail_nl" "$1" > "$t.m$tail_n"
  tail_nl=
}

if ! cd -- "${root:-/}" 2>/dev/null; then
  # A root that does not exist yet (a new lab folder) holds nothing yet.
  for s in unsafe odd badpaths sha stat manifest journal phase staging badfolders unsafefolders; do echo "@@$s $nonce"; done
  echo "@@folders $nonce"
  echo
  finish
  exit 0
fi
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
# a plain absolute path is never looked at: it goes to the refused lines'
# file, and the whole state is refused. A folder's name may start with a dot
# (/opt/odoo/.local), never be . or .. Folders come out as .//PATH, paths as
# ./PATH: the one find below tells them apart by that.
regular "$B/manifest.paths"
paths_file=$rf
regular "$B/manifest.folders"
lists=$(awk -v shape="$SHAPE" -v bad="$t.bad" -v nonce="$nonce" '
  function folder(f, p) {
    if (f in seen_folder) return
    seen_folder[f] = 1
    p = f
    sub(/\/[^\/]*$/, "", p)
    if (!(p in kids)) parents[++np] = p
    kids[p] = kids[p] "\n./" f
  }
  # The refused lines go to one file with the markers of their sections
  # (manifest.paths is read whole before manifest.folders), ending with the
  # marker of the file that follows it in the answer: no marker files.
  function folders_marker() {
    if (!marked) printf "@@badfolders %s\n", nonce > bad
    marked = 1
  }
  BEGIN { printf "@@badpaths %s\n", nonce > bad }
  # At most 64 MiB of each file, as cat_regular reads.
  FNR == 1 { size = 0 }
  from != "stdin" && (size += length($0) + 1) > 67108864 { nextfile }
  from == "stdin" && part == 0 { if ($0 == ".") part = 1; else folder($0); next }
  from == "stdin" && part == 1 { if ($0 == ".") part = 2; else dirs[++nd] = $0; next }
  from == "stdin" { if (!seen[$0]++) files[++nf] = "." $0; next }
  from == "paths" {
    if ($0 ~ shape) { if (!seen[$0]++) files[++nf] = "." $0 }
    else if ($0 != "") print > bad
    next
  }
  from == "folders" { folders_marker() }
  /^(\/[A-Za-z0-9._+-]+)+$/ && !/(^|\/)\.\.?(\/|$)/ { folder($0); next }
  $0 != "" { print > bad }
  END {
    folders_marker()
    printf "@@stat %s\n", nonce > bad
    for (i = 1; i <= np; i++) print substr(kids[parents[i]], 2)
    print "|"
    for (i = 1; i <= nd; i++) print dirs[i]
    print "|"
    for (i = 1; i <= nf; i++) print files[i]
  }' from=stdin - from=paths "$paths_file" from=folders "$rf")
# The folders, for the find below (everything before the first "|"; no
# folder has one).
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
    not_a_folder . "${prev#./}"
    bad=$nf_bad
  fi
  [ -z "$bad" ] || printf '%s %s\n' "${1#./}" "$bad"
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

# One find for every path and every folder (it never follows a link it is
# given): the folders (.//PATH) are described in a file of their own; of
# the paths, only regular files are hashed, by sha256sum runs find starts
# itself; nothing runs longer than HASH_SECONDS.
: > "$t.stat"
: > "$t.folders"
echo "@@sha $nonce"
set -f
IFS=$NL
# shellcheck disable=SC2086
set -- "$@" $folders
unset IFS
set +f
if [ $# -gt 0 ]; then
  timeout "$HASH_SECONDS" find "$@" -maxdepth 0 \( -path './/*' -fprintf "$t.folders" '%y %m %U:%G %p\0' \) -o \( -fprintf "$t.stat" '%y %m %U:%G %p\0%l\0' -type f -exec sha256sum -- {} + \) 2>/dev/null
  [ $? -ne 124 ] || printf '\n@@timeout %s\n' "$nonce"
fi

echo "@@staging $nonce"
if [ -d "$B/staging" ] && [ ! -h "$B/staging" ]; then
  for d in "$B"/staging/* "$B"/staging/.[!.]*; do
    if [ -e "$d" ] || [ -h "$d" ]; then printf '%s\0' "${d##*/}"; fi
  done
  echo
fi

# What is read from files, in the head of finish: each marker announces the
# file after it.
printf '\n@@folders %s\n' "$nonce" > "$t.s7"
printf '\n@@manifest %s\n' "$nonce" > "$t.s4"
printf '\n@@journal %s\n' "$nonce" > "$t.s5"
printf '\n@@phase %s\n' "$nonce" > "$t.s6"
set -- "$t.bad" "$t.stat" "$t.s7" "$t.folders"
regular "$B/manifest.json"
set -- "$@" "$t.s4" "$rf"
regular "$B/journal.json"
set -- "$@" "$t.s5" "$rf"
regular "$B/journal.phase"
set -- "$@" "$t.s6" "$rf"
finish "$@"
