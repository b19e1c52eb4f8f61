# shellcheck shell=sh disable=SC2317
# (SC2317: each script uses only some of these functions.)
# Shared by every blink-apply script (prepended to each when it is loaded).
# Scripts take their values as lines on stdin, never as script text: each
# `IFS= read -r NAME || missing NAME` takes one line, and a value is only
# ever used quoted. Paths on stdin are server paths without the root;
# every file a script touches is the root followed by one of them.

missing() {
  echo "blink-apply: missing input ($1)" >&2
  exit 2
}

# A run id names folders under /var/lib/blink: a plain name, never . or ..
check_run() {
  case $1 in
    '' | [!A-Za-z0-9]* | *[!A-Za-z0-9._-]*)
      echo "blink-apply: bad run id" >&2
      exit 2
      ;;
  esac
}

# The first folder on the way from ROOT to ROOT/DIR that is a symbolic link
# or not a folder, left in nf_bad as "link DIR" or "file DIR" (DIR without
# the root); empty when every one is a real folder or absent. No subshell:
# it runs once per folder of a large server.
not_a_folder() { # ROOT DIR
  nf_bad=
  nf_path=$1
  nf_rest=${2#/}
  while [ -n "$nf_rest" ]; do
    nf_path=$nf_path/${nf_rest%%/*}
    if [ -h "$nf_path" ]; then
      nf_bad="link ${nf_path#"$1"}"
      return
    fi
    if [ -e "$nf_path" ] && [ ! -d "$nf_path" ]; then
      nf_bad="file ${nf_path#"$1"}"
      return
    fi
    case $nf_rest in */*) nf_rest=${nf_rest#*/} ;; *) nf_rest= ;; esac
  done
}

# Exits 3, saying why, unless every folder from ROOT to ROOT/DIR is a real
# folder (or absent): what blink writes never goes through a link.
folders_only() { # ROOT DIR
  not_a_folder "$1" "$2"
  case $nf_bad in
    '') ;;
    link\ *)
      echo "blink-apply: ${nf_bad#link } is a symbolic link; refusing to write through it" >&2
      exit 3
      ;;
    *)
      echo "blink-apply: ${nf_bad#file } is not a folder; refusing to write through it" >&2
      exit 3
      ;;
  esac
}

# Exits 3 if something other than a regular file or a link is at FILE: a
# folder, FIFO or device is never backed up, replaced or read.
file_or_link() { # FILE SHOWN
  if [ -e "$1" ] && [ ! -h "$1" ] && [ ! -f "$1" ]; then
    echo "blink-apply: $2 is not a regular file; refusing to replace it" >&2
    exit 3
  fi
}

# Exits 3 (or 2 for a bad operation) unless every line of OPS, a file of
# apply-swap.sh's operation lines, is safe to act on: every folder on the
# way a real folder (each checked once), nothing but a regular file or a
# link at the path. With CHECK_OPS=1 the operation must be write or delete.
ops_safe() { # ROOT OPS CHECK_OPS
  os_last=
  while read -r os_op _ _ _ os_path _; do
    [ -n "$os_path" ] || continue
    if [ "$3" = 1 ]; then
      case $os_op in write | delete) ;; *) missing "file operation" ;; esac
    fi
    os_dir=${os_path%/*}
    if [ "$os_dir" != "$os_last" ]; then
      folders_only "$1" "$os_dir"
      os_last=$os_dir
    fi
    file_or_link "$1$os_path" "$os_path"
  done < "$2"
}

# Print a regular file (never a link, FIFO or device, which could block a
# read forever), at most 64 MiB of it.
cat_regular() {
  if [ -f "$1" ] && [ ! -h "$1" ]; then
    head -c 67108864 -- "$1"
  fi
}

write_atomic() { # FILE: stdin into FILE through a temporary beside it
  cat > "$1.tmp.$$" && mv -f -- "$1.tmp.$$" "$1"
}

set_phase() { # BLINK-FOLDER PHASE
  printf '%s\n' "$2" | write_atomic "$1/journal.phase"
}
