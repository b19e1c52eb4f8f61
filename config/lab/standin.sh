#!/bin/sh
# A STAND-IN, NOT ODOO, NOT SYSTEMD, NOT NGINX. It plays the part of a real
# server's service manager for the sample fleet's `lab` server (clients.yaml),
# so that render, diff, apply and drift can be tried on this machine as a
# normal user, without sudo and without any service of the system (README.md,
# "Try it locally"). blink-apply calls it through the lab server's `commands:`.
#
#   standin.sh ROOT daemon-reload | reload nginx | reload postgresql
#   standin.sh ROOT enable --now SERVICE | disable --now SERVICE
#   standin.sh ROOT start SERVICE | stop SERVICE | restart SERVICE | restart postgresql
#   standin.sh ROOT nginx-test FILE | verify UNIT | logrotate-verify FILE | postgres-test FILE   (skipped)
#   standin.sh ROOT certbot HOST
#   standin.sh ROOT status | stop-all
#
# ROOT is the server's root folder (clients.yaml `root:`, passed as {root}).
# Every call is recorded, one line each, in ROOT/var/log/lab-standin.log.
#
# A "service" is odoo-standin.mjs (beside this file), a small Node.js process
# that answers only Odoo 18's health routes, on the ports of the odoo.conf its
# unit names, so blink-apply's health check has something real to ask. Its pid
# is in ROOT/run/lab-standin/SERVICE.pid; `stop-all` ends them all.
#
# Checks it does NOT make (it records that it skipped them): nginx -t (it binds
# ports 80 and 443, which takes root), systemd-analyze verify (the unit starts
# Odoo's Python, which a lab does not have), logrotate -d (the files name the
# odoo user), postgres -C (it needs PostgreSQL's binaries and its postgres
# user). PostgreSQL is not reloaded or restarted either: the lab runs none.
# blink-apply's own odoo.conf check still runs, with python3.
# certbot makes a self-signed certificate with openssl, not a real one.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
prog=lab/standin.sh

fail() {
  printf '%s: %s\n' "$prog" "$1" >&2
  exit 1
}

[ $# -ge 2 ] || fail "usage: standin.sh ROOT VERB [ARGS] (see the top of this file)"
ROOT=${1%/}
shift
case $ROOT in
  /*) ;;
  *) fail "ROOT must be an absolute folder, not '$ROOT'" ;;
esac
RUN=$ROOT/run/lab-standin
mkdir -p "$ROOT/var/log" "$RUN"
printf '%s %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*" >>"$ROOT/var/log/lab-standin.log"

note() {
  printf '%s %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "  $1" >>"$ROOT/var/log/lab-standin.log"
}

# ini_value KEY FILE: the value of KEY in an odoo.conf (blink writes one `key = value` per line).
ini_value() {
  sed -n "s/^$1 = \\(.*\\)\$/\\1/p" "$2" | tail -n 1
}

# running SERVICE: the pid of its odoo-standin.mjs, if that process still runs.
running() {
  pidfile=$RUN/$1.pid
  [ -f "$pidfile" ] || return 1
  pid=$(cat "$pidfile")
  case $pid in '' | *[!0-9]*) return 1 ;; esac
  # A pid the system gave to another program since is not ours to stop.
  if kill -0 "$pid" 2>/dev/null && grep -q odoo-standin "/proc/$pid/cmdline" 2>/dev/null; then
    printf '%s\n' "$pid"
  else
    return 1
  fi
}

start() {
  service=$1
  if running "$service" >/dev/null; then return 0; fi
  unit=$ROOT/etc/systemd/system/$service.service
  [ -f "$unit" ] || fail "no unit $service.service under $ROOT/etc/systemd/system"
  conf=$(sed -n 's/^ExecStart=.* --config \([^ ]*\).*$/\1/p' "$unit")
  if [ -z "$conf" ] || [ ! -f "$ROOT$conf" ]; then fail "$unit names no odoo.conf found under $ROOT"; fi
  port=$(ini_value http_port "$ROOT$conf")
  gevent=$(ini_value gevent_port "$ROOT$conf")
  workers=$(ini_value workers "$ROOT$conf")
  logfile=$(ini_value logfile "$ROOT$conf")
  [ -n "$port" ] || fail "$ROOT$conf has no http_port"
  # Odoo serves /websocket on its gevent port only with workers (prefork mode).
  ports="127.0.0.1:$port"
  if [ "${workers:-0}" -gt 0 ] 2>/dev/null; then
    set -- --gevent-port "$gevent"
    ports="$ports and :$gevent (gevent)"
  else
    set --
  fi
  command -v node >/dev/null 2>&1 || fail "node is not on PATH: it runs odoo-standin.mjs"
  log=$ROOT${logfile:-/var/log/odoo/$service.log}
  mkdir -p "$(dirname "$log")"
  rm -f "$RUN/$service.pid" "$RUN/$service.error"
  setsid node "$here/odoo-standin.mjs" --service "$service" --port "$port" "$@" \
    --pidfile "$RUN/$service.pid" --errorfile "$RUN/$service.error" </dev/null >>"$log" 2>&1 &
  child=$!
  # It writes its pid file once it listens, or an error file if it cannot.
  tries=0
  while [ ! -f "$RUN/$service.pid" ]; do
    if [ -f "$RUN/$service.error" ]; then fail "$service: $(cat "$RUN/$service.error")"; fi
    kill -0 "$child" 2>/dev/null || fail "$service: odoo-standin.mjs exited; see $log"
    tries=$((tries + 1))
    [ "$tries" -le 300 ] || fail "$service: odoo-standin.mjs did not start listening; see $log"
    sleep 0.1
  done
  note "$service: odoo-standin.mjs listens on $ports, pid $(cat "$RUN/$service.pid")"
}

stop() {
  service=$1
  if pid=$(running "$service"); then
    kill "$pid"
    tries=0
    # Gone, or a zombie nobody reaped yet (its cmdline is empty then).
    while running "$service" >/dev/null; do
      tries=$((tries + 1))
      [ "$tries" -le 100 ] || fail "$service: pid $pid did not stop"
      sleep 0.1
    done
    note "$service: stopped pid $pid"
  fi
  rm -f "$RUN/$service.pid"
}

certbot() {
  host=$1
  dir=$ROOT/etc/letsencrypt/live/$host
  mkdir -p "$dir"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 30 -subj "/CN=$host" \
    -keyout "$dir/privkey.pem" -out "$dir/fullchain.pem" 2>/dev/null
  note "$host: self-signed certificate in $dir (a stand-in: not from Let's Encrypt)"
}

verb=$1
shift
case $verb in
  daemon-reload) ;;
  reload)
    case ${1:-} in
      nginx) ;;
      postgresql) note "not reloaded: the lab runs no PostgreSQL" ;;
      *) fail "reload: only nginx or postgresql" ;;
    esac
    ;;
  enable | disable)
    [ "${1:-}" = --now ] && shift
    [ $# -eq 1 ] || fail "$verb --now SERVICE"
    if [ "$verb" = enable ]; then start "$1"; else stop "$1"; fi
    ;;
  start) start "$1" ;;
  stop) stop "$1" ;;
  restart)
    if [ "${1:-}" = postgresql ]; then
      note "not restarted: the lab runs no PostgreSQL"
    else
      stop "$1"
      start "$1"
    fi
    ;;
  nginx-test) note "not checked: nginx -t binds ports 80 and 443, which takes root" ;;
  verify) note "not checked: systemd-analyze verify needs the Python the unit starts, and the lab has no Odoo" ;;
  logrotate-verify) note "not checked: logrotate -d needs the users the file names (odoo), which the lab has not" ;;
  postgres-test) note "not checked: postgres -C needs PostgreSQL's binaries and its postgres user, which the lab has not" ;;
  certbot) certbot "$1" ;;
  status)
    for f in "$RUN"/*.pid; do
      [ -f "$f" ] || continue
      s=$(basename "$f" .pid)
      if pid=$(running "$s"); then printf '%s running, pid %s\n' "$s" "$pid"; else printf '%s stopped\n' "$s"; fi
    done
    ;;
  stop-all)
    for f in "$RUN"/*.pid; do
      [ -f "$f" ] || continue
      stop "$(basename "$f" .pid)"
    done
    ;;
  *) fail "unknown verb $verb (see the top of this file)" ;;
esac
