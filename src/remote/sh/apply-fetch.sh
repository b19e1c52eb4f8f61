# The contents of managed files whose bytes differ, for the diff. Each is
# copied once and sent from the copy: a file replaced while it is read (an
# interrupted run's swap finishing on the server) must not send one size
# and another content. Only regular files are read, at most 4 MiB of each
# and for at most READ_SECONDS: a FIFO or a huge file never blocks a diff.
# stdin: root, nonce, then the paths (one a line).
# stdout: for each file, "@@file <nonce> <size> <path>", then its bytes.
set -u
READ_SECONDS=30
IFS= read -r root || missing root
IFS= read -r nonce || missing nonce
t=$(mktemp) || exit 1
trap 'rm -f -- "$t"' EXIT
while IFS= read -r p; do
  f=$root$p
  if [ ! -f "$f" ] || [ -h "$f" ]; then continue; fi
  timeout "$READ_SECONDS" head -c 4194304 -- "$f" > "$t" 2>/dev/null || continue
  printf '@@file %s %s %s\n' "$nonce" "$(($(wc -c < "$t")))" "$p"
  cat "$t"
done
