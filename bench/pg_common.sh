# shellcheck shell=bash
# A throw-away PostgreSQL server for the benchmarks (sourced, not run): initdb in a temporary
# directory, loopback only, a free port, run as user postgres under root as scripts/ha-common.sh
# does. Used by bench/import_bench.sh and bench/list_bench.sh.
#
#   pg_start DIR          initdb in DIR/data and start; sets PGBIN PGDATA PG_SOCK PG_PORT PG_SUPER
#   pg_stop               stop it (immediate: nothing in it is kept); nothing when not started
#   pg_psql DB ARGS...    psql as the superuser on database DB (stops at the first error)
#   pg_dsn DB             the DSN scepgate connects with
#   pg_use_database DIR DB   CREATE DATABASE DB and point the (SQLite) data dir DIR at it: the
#                         [store] section says postgres and the DSN, and what init wrote into
#                         SQLite (the issuing CA's record, ...) goes into the database. Needs
#                         $SCEPGATE.

# shellcheck source=../scripts/ha-common.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/scripts/ha-common.sh"

PGBIN="" PGDATA="" PG_SOCK="" PG_PORT="" PG_SUPER=""

pg_start() {
  PGBIN=$(pg_bindir) || { echo "no PostgreSQL server binaries (initdb) found" >&2; return 1; }
  PG_SOCK=$1
  PG_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
  mkdir -p "$PG_SOCK"
  PG_SUPER=$(id -un)
  if [ "$(id -u)" -eq 0 ]; then
    PG_SUPER=postgres
    chown postgres: "$PG_SOCK"
  fi
  PGDATA="$PG_SOCK/data"
  as_pg "$PGBIN/initdb" -D "$PGDATA" -U "$PG_SUPER" -E UTF8 --no-locale --no-sync \
    --auth-local=peer --auth-host=trust >"$PG_SOCK/initdb.log" 2>&1 ||
    { cat "$PG_SOCK/initdb.log" >&2; return 1; }
  as_pg sh -c 'cat >>"$1/postgresql.conf"' sh "$PGDATA" <<EOF
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = '$PG_SOCK'
EOF
  as_pg "$PGBIN/pg_ctl" -D "$PGDATA" -l "$PG_SOCK/postgres.log" -w -t 60 start >/dev/null ||
    { tail -n 20 "$PG_SOCK/postgres.log" >&2; return 1; }
}

pg_stop() {
  if [ -n "$PGDATA" ] && [ -f "$PGDATA/postmaster.pid" ]; then
    as_pg "$PGBIN/pg_ctl" -D "$PGDATA" -m immediate -w stop >/dev/null 2>&1 || true
  fi
}

pg_psql() {
  local db=$1
  shift
  as_pg "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$PG_SOCK" -p "$PG_PORT" -U "$PG_SUPER" -d "$db" "$@"
}

pg_dsn() { echo "postgresql://$PG_SUPER@127.0.0.1:$PG_PORT/$1"; }

pg_use_database() {
  local dir=$1 db=$2
  pg_psql postgres -c "CREATE DATABASE $db" >/dev/null
  sed -i -e '/^\[store\]/,/^\[/{' -e 's|^backend = .*|backend = "postgres"|' \
    -e "s|^# dsn = \"\"|dsn = \"$(pg_dsn "$db")\"|" -e '}' "$dir/scepgate.toml"
  "$SCEPGATE" migrate --from-sqlite "$dir/scepgate.db" --dir "$dir" >/dev/null
}
