#!/usr/bin/env bash
# Stops what scripts/ha-up.sh DIR started: nginx, both nodes (SIGTERM, then waits for each), and
# PostgreSQL (pg_ctl stop -m fast). Safe to run again, and on a half-started DIR: whatever is not
# running is skipped. Leaves DIR and its logs in place.
#   scripts/ha-down.sh DIR
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
source "$HERE/ha-common.sh"

[ $# -eq 1 ] || { echo "usage: $0 DIR" >&2; exit 2; }
DIR=$(realpath -m "$1")
[ -d "$DIR" ] || { echo "ha-down: $DIR does not exist; nothing to stop"; exit 0; }
status=0

# nginx: the master's title names its config; it stops its workers itself.
pidfile="$DIR/nginx/nginx.pid"
if [ -s "$pidfile" ]; then
  pid=$(cat "$pidfile")
  if ours "$pid" "$DIR/nginx.conf"; then
    echo "ha-down: stopping nginx (pid $pid)"
    stop_pid "$pid" nginx 15 || status=1
  fi
fi

for n in 1 2; do
  pidfile="$DIR/node$n.pid"
  [ -s "$pidfile" ] || continue
  pid=$(cat "$pidfile")
  if ours "$pid" "$DIR/node$n "; then
    echo "ha-down: stopping node$n (pid $pid)"
    stop_pid "$pid" "node$n" 30 || status=1
  fi
  alive "$pid" || rm -f "$pidfile"
done

if [ -f "$DIR/pg/data/postmaster.pid" ]; then
  if ! PGBIN=$(pg_bindir); then
    echo "ha-down: PostgreSQL may still run in $DIR/pg/data, but no pg_ctl was found" >&2
    status=1
  elif as_pg "$PGBIN/pg_ctl" -D "$DIR/pg/data" status >/dev/null 2>&1; then
    echo "ha-down: stopping PostgreSQL ($DIR/pg/data)"
    as_pg "$PGBIN/pg_ctl" -D "$DIR/pg/data" -m fast -w -t 60 stop >>"$DIR/pg/pg_ctl.log" 2>&1 || {
      echo "ha-down: pg_ctl stop failed; see $DIR/pg/pg_ctl.log and $DIR/pg/postgres.log" >&2
      status=1
    }
  fi
fi
exit $status
