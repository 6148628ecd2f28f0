#!/usr/bin/env bash
# Two scepgate nodes on one PostgreSQL database behind nginx, all on 127.0.0.1, in DIR:
#   DIR/pg                  PostgreSQL (its own cluster; role and database "scepgate", password
#                           authentication over TCP; the password only in the nodes' db-password)
#   DIR/node1, DIR/node2    the nodes' data dirs (node2 made from node1 by join_node)
#   DIR/node1.log, ...      the nodes' logs; DIR/start-node1.sh starts node1 again the same way
#   DIR/nginx.conf          nginx, running from DIR/nginx with deploy/nginx/scepgate.conf rendered
#                           for these ports (DIR/nginx/scepgate.conf), plain HTTP
# Prints, on stdout and into DIR/ha.env (mode 0600), exactly:
#   url=  node1_pid=  node2_pid=  node1_url=  node2_url=  node1_admin=  node2_admin=  dsn=
#   challenge=  dir=
# and, with HA_TLS_CERT and HA_TLS_KEY set, tls_url= last. Everything else goes to stderr or to
# log files in DIR. On failure it says what failed and stops what it started (scripts/ha-down.sh).
#
#   scripts/ha-up.sh DIR          (DIR absent or empty)
#   scripts/ha-down.sh DIR        stops everything again
#
# Environment:
#   SCEPGATE        the scepgate binary (default: scepgate on PATH, else build/apps/scepgate)
#   CHALLENGE       the static challenge (default: random)
#   HA_TOML_EDITS   sed expressions, one per line, applied to the nodes' scepgate.toml before
#                   they serve, e.g. 's/^legacy_algorithms = false/legacy_algorithms = true/'
#   HA_ISSUERS      1 (default): both nodes sign with one issuing CA (option 1 of
#                   docs/high-availability.md); 2: node2 signs with a second issuing CA under the
#                   same root, made on node1 with `scepgate ca add-issuer` (option 2)
#   HA_TLS_CERT, HA_TLS_KEY   a certificate and key for nginx: also serve HTTPS (the shipped
#                   file's TLS lines) on another loopback port, printed as tls_url=
#   SCEPGATE_PG_BINDIR        PostgreSQL's initdb/pg_ctl/psql (default: newest installed)
# Runs as root (PostgreSQL then runs as the postgres user, which must be able to reach DIR) or as
# a normal user.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(dirname "$HERE")
source "$HERE/ha-common.sh"

[ $# -eq 1 ] || { echo "usage: $0 DIR" >&2; exit 2; }
DIR=$(realpath -m "$1")

die() {
  echo "ha-up: $*" >&2
  exit 1
}
# tail_log FILE: its last lines on stderr, to say why something failed.
tail_log() { [ -f "$1" ] && { echo "--- last lines of $1:" >&2; tail -n 20 "$1" >&2; } || true; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

if [ -e "$DIR" ] && [ -n "$(ls -A "$DIR")" ]; then
  die "$DIR is not empty (an earlier run? scripts/ha-down.sh $DIR, then remove it)"
fi

if [ -n "${SCEPGATE:-}" ]; then
  SCEPGATE=$(realpath "$SCEPGATE")
elif command -v scepgate >/dev/null; then
  SCEPGATE=$(command -v scepgate)
else
  SCEPGATE=$REPO/build/apps/scepgate
fi
[ -x "$SCEPGATE" ] || die "no scepgate binary: set SCEPGATE, put scepgate on PATH or build $REPO/build"
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
[ -x "$NGINX" ] || die "nginx is not installed (Debian package nginx)"
PGBIN=$(pg_bindir) || die "no PostgreSQL server binaries (Debian package postgresql), or set SCEPGATE_PG_BINDIR"
for b in initdb pg_ctl psql; do [ -x "$PGBIN/$b" ] || die "$PGBIN/$b is missing"; done
if [ -n "${HA_TLS_CERT:-}${HA_TLS_KEY:-}" ]; then
  [ -f "${HA_TLS_CERT:-}" ] && [ -f "${HA_TLS_KEY:-}" ] || die "HA_TLS_CERT and HA_TLS_KEY must both name files"
  HA_TLS_CERT=$(realpath "$HA_TLS_CERT")
  HA_TLS_KEY=$(realpath "$HA_TLS_KEY")
fi

DONE=0
on_exit() {
  if [ "$DONE" != 1 ]; then
    echo "ha-up: failed; stopping what was started (logs stay in $DIR)" >&2
    bash "$HERE/ha-down.sh" "$DIR" >&2 || true
  fi
}
trap on_exit EXIT
trap 'exit 130' INT TERM

# --- PostgreSQL in DIR/pg -----------------------------------------------------------------
start_postgres() {
  PG_PORT=$(free_port)
  PG_SUPER=$(id -un)
  mkdir -p "$DIR/pg"
  if [ "$(id -u)" -eq 0 ]; then
    PG_SUPER=postgres
    id postgres >/dev/null 2>&1 || die "no postgres user (PostgreSQL refuses to run as root)"
    chown postgres: "$DIR/pg"
    as_pg test -x "$DIR/pg" -a -w "$DIR/pg" ||
      die "the postgres user cannot reach $DIR: it needs search permission (o+x) on $DIR and every parent"
  fi
  local sock="$DIR/pg/.s.PGSQL.$PG_PORT"
  [ ${#sock} -lt 100 ] || die "$DIR is too long a path for PostgreSQL's unix socket ($sock)"

  as_pg "$PGBIN/initdb" -D "$DIR/pg/data" -U "$PG_SUPER" -E UTF8 --no-locale --no-sync \
    --auth-local=peer --auth-host=scram-sha-256 >"$DIR/pg/initdb.log" 2>&1 ||
    { tail_log "$DIR/pg/initdb.log"; die "initdb failed"; }
  as_pg sh -c 'cat >>"$1/postgresql.conf"' sh "$DIR/pg/data" <<EOF
# scripts/ha-up.sh
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = '$DIR/pg'
password_encryption = 'scram-sha-256'
EOF
  # The superuser over the unix socket (peer: the same OS user); everyone else by password over
  # TCP from loopback.
  as_pg sh -c 'cat >"$1/pg_hba.conf"' sh "$DIR/pg/data" <<EOF
# scripts/ha-up.sh
local all $PG_SUPER                   peer
host  all all       127.0.0.1/32 scram-sha-256
EOF
  as_pg "$PGBIN/pg_ctl" -D "$DIR/pg/data" -l "$DIR/pg/postgres.log" -w -t 60 start \
    >"$DIR/pg/pg_ctl.log" 2>&1 || { tail_log "$DIR/pg/postgres.log"; die "PostgreSQL did not start"; }

  # The password goes to psql on stdin and into the nodes' 0600 files, nowhere else.
  DB_PASSWORD=$(openssl rand -hex 24)
  as_pg "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$DIR/pg" -p "$PG_PORT" -U "$PG_SUPER" \
    -d postgres >"$DIR/pg/psql.log" 2>&1 <<EOF || { tail_log "$DIR/pg/psql.log"; die "could not create the scepgate role and database"; }
CREATE ROLE scepgate LOGIN PASSWORD '$DB_PASSWORD';
CREATE DATABASE scepgate OWNER scepgate;
EOF
  DSN="postgresql://scepgate@127.0.0.1:$PG_PORT/scepgate"
}

# --- nodes ---------------------------------------------------------------------------------
# use_postgres NODE_DIR: its [store] on DSN, the password in NODE_DIR/db-password (0600), nginx on
# loopback as its trusted proxy (its X-Forwarded-For names the client; it is not capped per
# address), then HA_TOML_EDITS.
use_postgres() {
  local node=$1 toml=$1/scepgate.toml
  (umask 077 && printf '%s\n' "$DB_PASSWORD" >"$node/db-password")
  chmod 600 "$node/db-password"
  sed -i -e '/^\[store\]/,/^\[/{' \
    -e 's|^backend = .*|backend = "postgres"|' \
    -e "s|^# dsn = \"\"|dsn = \"$DSN\"|" \
    -e 's|^# password_file = .*|password_file = "db-password"|' \
    -e '}' \
    -e 's/^trusted_proxies = .*/trusted_proxies = ["127.0.0.1"]/' "$toml"
  local edit
  while IFS= read -r edit; do
    [ -n "$edit" ] || continue
    sed -i -e "$edit" "$toml" || die "HA_TOML_EDITS: sed expression '$edit' failed"
  done <<<"${HA_TOML_EDITS:-}"
  python3 - "$toml" "$DSN" <<'EOF' || die "$toml: the [store]/[server] edits did not take (has scepgate.toml changed shape?)"
import sys, tomllib
c = tomllib.load(open(sys.argv[1], "rb"))
s = c["store"]
ok = (s.get("backend") == "postgres" and s.get("dsn") == sys.argv[2]
      and s.get("password_file") == "db-password"
      and c["server"].get("trusted_proxies") == ["127.0.0.1"])
sys.exit(0 if ok else 1)
EOF
}

# join_node SRC DST [ISSUER_DIR]: make DST a node of SRC's deployment with `scepgate init
# --join`: the same CA (or the issuing CA in ISSUER_DIR), RA and seal keys, config and database
# password (modes kept), not the root key.
join_node() {
  local src=$1 dst=$2 issuer=()
  if [ -n "${3:-}" ]; then issuer=(--issuer "$3"); fi
  "$SCEPGATE" init --dir "$dst" --join "$DSN" --from "$src" "${issuer[@]}" >"$DIR/join.log" 2>&1 ||
    { tail_log "$DIR/join.log"; die "scepgate init --join failed"; }
}

# write_starter N PORT ADMIN_PORT: DIR/start-nodeN.sh, which starts node N in the background (log appended
# to DIR/nodeN.log, pid into DIR/nodeN.pid), waits until it answers /healthz and prints its pid.
write_starter() {
  local n=$1 port=$2 admin_port=$3 f="$DIR/start-node$1.sh"
  {
    echo '#!/usr/bin/env bash'
    echo "# Written by scripts/ha-up.sh: starts node$n of $DIR again; prints its pid."
    echo 'set -euo pipefail'
    printf 'SCEPGATE=%q NODE=%q LOG=%q PIDFILE=%q PORT=%q ADMIN_PORT=%q\n' "$SCEPGATE" \
      "$DIR/node$n" "$DIR/node$n.log" "$DIR/node$n.pid" "$port" "$admin_port"
    cat <<'EOF'
"$SCEPGATE" serve --dir "$NODE" --listen "127.0.0.1:$PORT" --admin-listen "127.0.0.1:$ADMIN_PORT" \
  </dev/null >>"$LOG" 2>&1 3>&- &
pid=$!
echo "$pid" >"$PIDFILE"
for _ in $(seq 1 300); do
  if ! kill -0 "$pid" 2>/dev/null; then
    echo "scepgate serve --dir $NODE exited; last lines of $LOG:" >&2; tail -n 20 "$LOG" >&2; exit 1
  fi
  if curl -sf -o /dev/null --max-time 2 "http://127.0.0.1:$PORT/healthz"; then echo "$pid"; exit 0; fi
  sleep 0.1
done
echo "scepgate serve --dir $NODE did not answer /healthz within 30 s; stopping it" >&2
kill "$pid" 2>/dev/null || true
exit 1
EOF
  } >"$f"
  chmod 700 "$f"
}

start_nodes() {
  "$SCEPGATE" init --dir "$DIR/node1" --challenge "$CHALLENGE" --name HA >"$DIR/init.log" 2>&1 ||
    { tail_log "$DIR/init.log"; die "scepgate init failed"; }
  use_postgres "$DIR/node1"
  if [ "${HA_ISSUERS:-1}" = 2 ]; then
    "$SCEPGATE" ca add-issuer --dir "$DIR/node1" --name "HA Issuing CA 2" --out "$DIR/issuer-2" \
      >"$DIR/add-issuer.log" 2>&1 || { tail_log "$DIR/add-issuer.log"; die "ca add-issuer failed"; }
    join_node "$DIR/node1" "$DIR/node2" "$DIR/issuer-2"
    rm -r "$DIR/issuer-2"  # its key now lives in node2 only
  else
    join_node "$DIR/node1" "$DIR/node2"
  fi
  NODE1_PORT=$(free_port)
  NODE2_PORT=$(free_port)
  NODE1_ADMIN_PORT=$(free_port)
  NODE2_ADMIN_PORT=$(free_port)
  write_starter 1 "$NODE1_PORT" "$NODE1_ADMIN_PORT"
  write_starter 2 "$NODE2_PORT" "$NODE2_ADMIN_PORT"
  NODE1_PID=$(bash "$DIR/start-node1.sh") || die "node1 did not start"
  NODE2_PID=$(bash "$DIR/start-node2.sh") || die "node2 did not start"
}

# --- nginx ---------------------------------------------------------------------------------
# render_nginx: deploy/nginx/scepgate.conf with this setup's node addresses, listen address and
# log paths; without TLS unless HA_TLS_CERT/HA_TLS_KEY are given.
render_nginx() {
  local src="$REPO/deploy/nginx/scepgate.conf" dst="$DIR/nginx/scepgate.conf"
  local tls=(-e '/^[[:space:]]*listen .*443 ssl;/d' -e '/^[[:space:]]*ssl_/d')
  if [ -n "${TLS_PORT:-}" ]; then
    tls=(-e "s|^\([[:space:]]*\)listen 443 ssl;|\1listen 127.0.0.1:$TLS_PORT ssl;|"
      -e '/^[[:space:]]*listen \[::\]:443 ssl;/d'
      -e "s|/etc/ssl/scepgate/fullchain.pem|$HA_TLS_CERT|"
      -e "s|/etc/ssl/scepgate/privkey.pem|$HA_TLS_KEY|")
  fi
  sed -e "s|10\.0\.0\.11:8080|127.0.0.1:$NODE1_PORT|" \
    -e "s|10\.0\.0\.12:8080|127.0.0.1:$NODE2_PORT|" \
    -e "s|^\([[:space:]]*\)listen 80;|\1listen 127.0.0.1:$NGINX_PORT;|" \
    -e '/^[[:space:]]*listen \[::\]:80;/d' \
    -e "s|/var/log/nginx/scepgate.access.log|$DIR/nginx/access.log|" \
    -e "s|/var/log/nginx/scepgate.error.log|$DIR/nginx/error.log|" \
    "${tls[@]}" "$src" >"$dst"
  local body
  body=$(grep -v '^[[:space:]]*#' "$dst")
  grep -q "server 127.0.0.1:$NODE1_PORT " <<<"$body" && grep -q "server 127.0.0.1:$NODE2_PORT " <<<"$body" &&
    grep -q "listen 127.0.0.1:$NGINX_PORT;" <<<"$body" &&
    ! grep -qE '10\.0\.0\.|/var/log|/etc/ssl/scepgate|listen (\[::\]:)?(80|443)' <<<"$body" ||
    die "could not render $src for this setup (has it changed shape? see render_nginx in $0)"
}

start_nginx() {
  NGINX_PORT=$(free_port)
  TLS_PORT=""
  [ -z "${HA_TLS_CERT:-}" ] || TLS_PORT=$(free_port)
  mkdir -p "$DIR/nginx/tmp"
  render_nginx
  {
    echo "# Written by scripts/ha-up.sh: nginx -c $DIR/nginx.conf -p $DIR/nginx/"
    # As root the master would hand the workers to "nobody", which cannot use DIR.
    if [ "$(id -u)" -eq 0 ]; then echo "user root;"; fi
    cat <<EOF
worker_processes 2;
pid $DIR/nginx/nginx.pid;
error_log $DIR/nginx/error.log notice;
events {
    worker_connections 512;
}
http {
    access_log $DIR/nginx/access-other.log;
    client_body_temp_path $DIR/nginx/tmp/client_body;
    proxy_temp_path $DIR/nginx/tmp/proxy;
    fastcgi_temp_path $DIR/nginx/tmp/fastcgi;
    uwsgi_temp_path $DIR/nginx/tmp/uwsgi;
    scgi_temp_path $DIR/nginx/tmp/scgi;
    include $DIR/nginx/scepgate.conf;
}
EOF
  } >"$DIR/nginx.conf"
  local args=(-c "$DIR/nginx.conf" -p "$DIR/nginx/" -e "$DIR/nginx/error.log")
  "$NGINX" -t -q "${args[@]}" >"$DIR/nginx/nginx-t.log" 2>&1 ||
    { tail_log "$DIR/nginx/nginx-t.log"; die "nginx -t refused $DIR/nginx.conf"; }
  "$NGINX" "${args[@]}" </dev/null >"$DIR/nginx/start.log" 2>&1 ||
    { tail_log "$DIR/nginx/start.log"; tail_log "$DIR/nginx/error.log"; die "nginx did not start"; }
  local i
  for ((i = 0; i < 100; i++)); do
    if [ -s "$DIR/nginx/nginx.pid" ] &&
      curl -sf -o /dev/null --max-time 2 "http://127.0.0.1:$NGINX_PORT/healthz"; then
      return 0
    fi
    sleep 0.1
  done
  tail_log "$DIR/nginx/error.log"
  die "nginx on 127.0.0.1:$NGINX_PORT did not pass /healthz through within 10 s"
}

main() {
  mkdir -p -m 0711 "$DIR"
  CHALLENGE=${CHALLENGE:-$(openssl rand -hex 16)}
  echo "ha-up: PostgreSQL in $DIR/pg" >&2
  start_postgres
  echo "ha-up: nodes in $DIR/node1, $DIR/node2 (on $DSN)" >&2
  start_nodes
  echo "ha-up: nginx ($DIR/nginx.conf)" >&2
  start_nginx
  (
    umask 077
    {
      echo "url=http://127.0.0.1:$NGINX_PORT/scep"
      echo "node1_pid=$NODE1_PID"
      echo "node2_pid=$NODE2_PID"
      echo "node1_url=http://127.0.0.1:$NODE1_PORT/scep"
      echo "node2_url=http://127.0.0.1:$NODE2_PORT/scep"
      echo "node1_admin=https://127.0.0.1:$NODE1_ADMIN_PORT"
      echo "node2_admin=https://127.0.0.1:$NODE2_ADMIN_PORT"
      echo "dsn=$DSN"
      echo "challenge=$CHALLENGE"
      echo "dir=$DIR"
      if [ -n "$TLS_PORT" ]; then echo "tls_url=https://127.0.0.1:$TLS_PORT/scep"; fi
    } >"$DIR/ha.env"
  )
}

main >&2
DONE=1
cat "$DIR/ha.env"
