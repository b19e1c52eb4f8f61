# shellcheck shell=sh disable=SC2317
# (SC2317: each script uses only some of these functions.)
# Shared by every blink-deploy script (prepended to each when it is loaded).
# Scripts take their values as lines on stdin, never as script text: each
# `IFS= read -r NAME || missing NAME` takes one line, and a value is only
# ever used quoted.

missing() {
  echo "blink-deploy: missing input ($1)" >&2
  exit 2
}

# A release folder sits under the server root; no component of its path
# below the root may be a symlink, or what blink writes would land elsewhere.
no_links_below() { # ROOT PATH: exits 3 unless safe_below
  safe_below "$1" "$2" || exit 3
}

safe_below() { # ROOT PATH: fails, saying why, if a component below ROOT is a link or not a folder
  nl_path=$1
  nl_rel=$2
  nl_rest=${nl_rel#/}
  while [ -n "$nl_rest" ]; do
    nl_part=${nl_rest%%/*}
    nl_path=$nl_path/$nl_part
    if [ -h "$nl_path" ]; then
      echo "blink-deploy: $nl_path is a symbolic link; refusing to follow it" >&2
      return 1
    fi
    if [ -e "$nl_path" ] && [ ! -d "$nl_path" ]; then
      echo "blink-deploy: $nl_path is not a folder" >&2
      return 1
    fi
    case $nl_rest in */*) nl_rest=${nl_rest#*/} ;; *) nl_rest= ;; esac
  done
}

# Print a regular file (never a link, FIFO or device, which could block a
# read forever), at most 4 MiB of it.
cat_regular() {
  if [ -f "$1" ] && [ ! -h "$1" ]; then
    head -c 4194304 -- "$1"
  fi
}

is_commit() {
  case $1 in
    *[!0-9a-f]*) return 1 ;;
  esac
  [ "${#1}" -eq 40 ]
}

write_atomic() { # FILE: stdin into FILE through a temporary beside it
  cat > "$1.tmp.$$" && mv -f -- "$1.tmp.$$" "$1"
}

# A step writes the deploy journal it is given before it acts, in its own
# round trip: a run killed during the step leaves the journal that says how
# far it got. "-": none to write.
put_journal() { # RELEASE-FOLDER JSON
  [ "$2" != - ] || return 0
  mkdir -p -- "$1"
  printf '%s\n' "$2" | write_atomic "$1/journal.json"
  sync
}
