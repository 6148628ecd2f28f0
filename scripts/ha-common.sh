# Shared by scripts/ha-up.sh and scripts/ha-down.sh (sourced, not run).

# pg_bindir: the directory of initdb, pg_ctl and psql: $SCEPGATE_PG_BINDIR, else the highest
# /usr/lib/postgresql/<version>/bin (Debian), else the directory of initdb on PATH.
pg_bindir() {
  if [ -n "${SCEPGATE_PG_BINDIR:-}" ]; then echo "$SCEPGATE_PG_BINDIR"; return; fi
  local d
  d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k5,5n | tail -n 1)
  if [ -n "$d" ] && [ -x "$d/initdb" ]; then echo "$d"; return; fi
  d=$(command -v initdb 2>/dev/null) && { dirname "$(realpath "$d")"; return; }
  return 1
}

# as_pg CMD...: runs CMD as the user PostgreSQL runs as: "postgres" under root (PostgreSQL
# refuses root), yourself otherwise. The working directory is one that user can read.
as_pg() {
  if [ "$(id -u)" -eq 0 ]; then
    (cd / && runuser -u postgres -- "$@")
  else
    "$@"
  fi
}

# alive PID: the process exists and is not a zombie.
alive() {
  local state
  [ -n "$1" ] && kill -0 "$1" 2>/dev/null || return 1
  state=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) || return 1
  [ "$state" != Z ]
}

# ours PID TEXT: PID is alive and its command line contains TEXT (a pid file may be stale and
# its number reused by an unrelated process).
# (No pipe into grep -q: under pipefail the writer's SIGPIPE, when grep stops early, would fail it.)
ours() { alive "$1" && grep -qF -- "$2" <<<"$(tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null)"; }

# stop_pid PID NAME SECONDS: SIGTERM, then up to SECONDS for it to exit, then SIGKILL.
stop_pid() {
  local pid=$1 name=$2 seconds=$3 i
  kill -TERM "$pid" 2>/dev/null || return 0
  for ((i = 0; i < seconds * 10; i++)); do
    alive "$pid" || return 0
    sleep 0.1
  done
  echo "ha: $name (pid $pid) did not stop within ${seconds}s after SIGTERM; sending SIGKILL" >&2
  kill -KILL "$pid" 2>/dev/null || true
  for ((i = 0; i < 50; i++)); do alive "$pid" || return 0; sleep 0.1; done
  echo "ha: $name (pid $pid) is still there after SIGKILL" >&2
  return 1
}
