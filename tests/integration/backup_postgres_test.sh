#!/usr/bin/env bash
# `scepgate backup` of a node whose records are in PostgreSQL (scripts/ha-up.sh, through lib.sh's
# ha_up): the file holds the node's files and says the database is not in it; the database goes
# through pg_dump -Fc and pg_restore into a new, empty database as docs/multi-node.md says; then
# `scepgate restore` of the files, [store] dsn pointed at the new database, and every certificate
# issued before the backup is listed there.
#   bash tests/integration/backup_postgres_test.sh SCEPGATE
SCEPGATE=$(realpath "$1")
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/../../scripts/ha-common.sh"
for tool in nginx psql scepclient python3; do
  command -v "$tool" >/dev/null || fail "$tool is not installed (bash scripts/setup.sh)"
done
PGBIN=$(pg_bindir) || fail "no PostgreSQL server binaries"

ha_up HA_TOML_EDITS='s/^legacy_algorithms = false/legacy_algorithms = true/'
PG_PORT=$(sed -E 's|.*:([0-9]+)/.*|\1|' <<<"$DSN")
SUPER=$(id -un)
[ "$(id -u)" -ne 0 ] || SUPER=postgres
pg() { as_pg "$PGBIN/$1" -h "$HA/pg" -p "$PG_PORT" -U "$SUPER" "${@:2}"; }

for i in 1 2 3; do scep_enroll "pg-device-$i" "$CHALLENGE"; done
serials() {
  "$SCEPGATE" cert list --dir "$1" --json >"$2.json" || fail "cert list --dir $1"
  python3 -c '
import json,sys
print("\n".join(sorted(c["serial"].lower() for c in json.load(open(sys.argv[1])))))' "$2.json" >"$2"
}
serials "$HA/node1" "$WORK/before"
[ "$(grep -c . "$WORK/before")" -ge 3 ] || fail "the enrollments are not listed"

"$SCEPGATE" backup --dir "$HA/node1" --out "$WORK/node1.tar" >"$WORK/backup.out" 2>&1 ||
  { cat "$WORK/backup.out" >&2; fail "backup failed"; }
grep -q "database: NOT included" "$WORK/backup.out" || { cat "$WORK/backup.out" >&2; fail "no pg_dump note"; }
grep -q "pg_dump -Fc" "$WORK/backup.out" || fail "the pg_dump command is not printed"
tar -tf "$WORK/node1.tar" >"$WORK/list"
grep -qx "db-password" "$WORK/list" || fail "the password file is not in the backup"
grep -qx "ca/issuing.key" "$WORK/list" || fail "the issuing key is not in the backup"
! grep -qx "scepgate.db" "$WORK/list" || fail "a SQLite database is in a PostgreSQL node's backup"
pass "backup of the PostgreSQL node: files only, and the pg_dump route printed"

# The documented route: pg_dump -Fc, pg_restore into an empty database owned by the role.
pg pg_dump -Fc -d scepgate -f "$HA/pg/scepgate.pgdump" || fail "pg_dump"
pg psql -X -q -v ON_ERROR_STOP=1 -d postgres -c "CREATE DATABASE restored OWNER scepgate" ||
  fail "createdb"
pg pg_restore --no-owner --role=scepgate --exit-on-error -d restored "$HA/pg/scepgate.pgdump" ||
  fail "pg_restore"
NEW="$WORK/restored"
"$SCEPGATE" restore --from "$WORK/node1.tar" --dir "$NEW" >"$WORK/restore.out" 2>&1 ||
  { cat "$WORK/restore.out" >&2; fail "restore failed"; }
grep -q "pg_restore" "$WORK/restore.out" || { cat "$WORK/restore.out" >&2; fail "no pg_restore note"; }
[ "$(stat -c %a "$NEW/db-password")" = 600 ] || fail "the password file is not 0600"
[ "$(stat -c %a "$NEW/ca/issuing.key")" = 600 ] || fail "the issuing key is not 0600"
sed -i "s|^dsn = \"$DSN\"|dsn = \"${DSN%/scepgate}/restored\"|" "$NEW/scepgate.toml"
grep -q "/restored\"" "$NEW/scepgate.toml" || fail "the dsn edit did not take"
serials "$NEW" "$WORK/restored-serials"
MISSING=$(comm -23 "$WORK/before" "$WORK/restored-serials")
[ -z "$MISSING" ] || fail "certificates missing from the restored database: $MISSING"
"$SCEPGATE" ca show --dir "$NEW" >/dev/null || fail "ca show on the restored node"
pass "pg_restore and scepgate restore: $(grep -c . "$WORK/restored-serials") certificates, none missing"
