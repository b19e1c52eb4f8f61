# Upload a run's files into its staging folder, under their real names
# (tree/<path>), for the checks to read. They hold resolved secrets: the
# folders are root's alone (0700) for as long as they exist, and the next
# run to take the lock removes what a killed run left.
# stdin: root, run, then a tar of tree/… entries.
set -eu
umask 077
IFS= read -r root || missing root
IFS= read -r run || missing run
check_run "$run"
folders_only "$root" /var/lib/blink/staging
S=$root/var/lib/blink/staging
mkdir -p -- "$S"
chmod 700 -- "$root/var/lib/blink" "$S"
rm -rf -- "${S:?}/$run"
mkdir -m 700 -- "$S/$run"
mkdir -- "$S/$run/tree"
tar -x -f - -C "$S/$run"
