#!/usr/bin/env bash
# `scepgate backup` while `serve` runs under load (micromdm scepclient enrolling from several
# clients at once), then `scepgate restore` into a new data dir: every certificate issued before
# the backup started is in the restored store, the restored dir serves (same CA, enrollment
# works), keys are 0600, and a damaged backup, or one whose CA key does not match its certificate,
# is refused with nothing left behind.
# BACKUP_CLIENTS (4) clients enroll at most BACKUP_ROUNDS (30) times each. With
# SCEPGATE_TEST_TOKEN (scepgate-test-token), the CA keys are in a SoftHSM2 token (lib.sh): the
# backup then holds the .p11 files naming them and no key or PIN, and the restored dir serves
# with the same token.
SCEPGATE=$(realpath "$1")
source "$(dirname "$0")/lib.sh"
command -v scepclient >/dev/null || fail "scepclient is not installed (Debian package scep)"
CLIENTS=${BACKUP_CLIENTS:-4}
CA_KEYS="ca/issuing.key ca/root.key ca/ra.key"
[ -z "${SCEPGATE_TEST_TOKEN:-}" ] || CA_KEYS="ca/issuing.p11 ca/root.p11 ca/ra.p11"
ROUNDS=${BACKUP_ROUNDS:-30}

start_gateway "load-secret" 's/^legacy_algorithms = false/legacy_algorithms = true/'
curl -sf "$URL?operation=GetCACert" -o "$WORK/cacert.before" || fail "GetCACert"

# serials DIR FILE: the serials of every certificate in DIR's store, one a line, sorted.
serials() {
  "$SCEPGATE" cert list --dir "$1" --json >"$2.json" || fail "cert list --dir $1"
  python3 -c '
import json,sys
print("\n".join(sorted(c["serial"].lower() for c in json.load(open(sys.argv[1])))))' "$2.json" >"$2"
}
count() { grep -c . "$1" || true; }

# The load: each client enrolls a new key in a loop until $WORK/stop exists (bounded).
client() {
  local n=$1 i
  for i in $(seq 1 "$ROUNDS"); do
    [ -e "$WORK/stop" ] && return 0
    mkdir -p "$WORK/load/$n-$i"
    timeout 60 scepclient -private-key "$WORK/load/$n-$i/key.pem" -server-url "$URL" \
      -challenge load-secret -cn "load-$n-$i" >"$WORK/load/$n-$i/out.log" 2>&1 ||
      echo "$n-$i" >>"$WORK/load/failed"
  done
}
mkdir -p "$WORK/load"
LOAD_PIDS=()
for n in $(seq 1 "$CLIENTS"); do
  client "$n" &
  LOAD_PIDS+=($!)
done
stop_load() {
  touch "$WORK/stop"
  local p
  for p in "${LOAD_PIDS[@]}"; do wait "$p" || true; done
}

# Some certificates first, then the serials issued so far, then the backup while clients enroll.
for _ in $(seq 1 300); do
  serials "$DATA" "$WORK/before"
  [ "$(count "$WORK/before")" -ge 8 ] && break
  sleep 0.2
done
[ "$(count "$WORK/before")" -ge 8 ] || { stop_load; fail "the load did not enroll 8 certificates"; }
START=$(date +%s.%N)
"$SCEPGATE" backup --dir "$DATA" --out "$WORK/backup.tar" >"$WORK/backup.out" 2>&1 ||
  { cat "$WORK/backup.out" >&2; stop_load; fail "backup failed"; }
END=$(date +%s.%N)
serials "$DATA" "$WORK/after-backup"
sleep 1  # the load goes on after the backup too
stop_load
serials "$DATA" "$WORK/final"
[ ! -s "$WORK/load/failed" ] || fail "enrollments failed during the backup: $(cat "$WORK/load/failed")"
BEFORE=$(count "$WORK/before")
FINAL=$(count "$WORK/final")
[ "$FINAL" -gt "$(count "$WORK/after-backup")" ] || [ "$FINAL" -ge $((CLIENTS * ROUNDS)) ] ||
  fail "no enrollment after the backup ($FINAL certificates)"
pass "backup under load in $(python3 -c "print(round($END-$START,2))") s: $BEFORE certificates before it, $FINAL at the end"
cat "$WORK/backup.out"

[ "$(stat -c %a "$WORK/backup.tar")" = 600 ] || fail "the backup file is not mode 0600"
tar -tvf "$WORK/backup.tar" >"$WORK/backup.list" || fail "tar cannot read the backup"
for f in manifest.json scepgate.toml scepgate.db $CA_KEYS admin/tls.key seal-keys; do
  grep -q " $f\$" "$WORK/backup.list" || { cat "$WORK/backup.list" >&2; fail "$f is not in the backup"; }
done
tar -xOf "$WORK/backup.tar" manifest.json >"$WORK/manifest.json" || fail "tar -x manifest.json"
python3 - "$WORK/manifest.json" "${CA_KEYS%% *}" <<'PY' || fail "the manifest is not as expected"
import json,sys
m=json.load(open(sys.argv[1]))
assert m["format"]=="scepgate-backup" and m["store_backend"]=="sqlite", m
files={f["path"]:f for f in m["files"]}
key_mode = "0600" if sys.argv[2].endswith(".key") else "0644"  # a .p11 names a key in a token
assert files[sys.argv[2]]["mode"] == key_mode and len(files["scepgate.db"]["sha256"]) == 64, files
PY
pass "the backup is a tar file (mode 0600) with a manifest"

# Restore on "another machine": a new dir.
NEW="$WORK/restored"
"$SCEPGATE" restore --from "$WORK/backup.tar" --dir "$NEW" >"$WORK/restore.out" 2>&1 ||
  { cat "$WORK/restore.out" >&2; fail "restore failed"; }
grep -q "integrity_check" "$WORK/restore.out" || { cat "$WORK/restore.out" >&2; fail "no database check"; }
if [ -n "${SCEPGATE_TEST_TOKEN:-}" ]; then
  grep -q "keys: in the PKCS#11 token" "$WORK/backup.out" || fail "backup does not say the keys stay in the token"
  grep -q "keys: in the PKCS#11 token" "$WORK/restore.out" || fail "restore does not say the keys are in the token"
  ! grep -q "\.key\$" <<<"$(grep " ca/" "$WORK/backup.list")" || fail "a CA key file is in the backup"
  ! grep -qF "$(cat "$P11_PIN_FILE")" "$WORK/backup.tar" || fail "the PIN is in the backup"
  KEY_FILES="admin/tls.key"
else
  grep -q "matches its certificate" "$WORK/restore.out" || fail "no key check reported"
  KEY_FILES="$CA_KEYS admin/tls.key"
fi
for f in $KEY_FILES seal-keys scepgate.toml scepgate.db; do
  [ "$(stat -c %a "$NEW/$f")" = 600 ] || fail "$f is mode $(stat -c %a "$NEW/$f"), not 0600"
done
for f in ca/issuing.crt ca/root.crt ca/ra.crt; do
  [ "$(stat -c %a "$NEW/$f")" = 644 ] || fail "$f is not 0644"
done
[ "$(stat -c %a "$NEW")" = 700 ] && [ "$(stat -c %a "$NEW/ca")" = 700 ] || fail "dirs are not 0700"
serials "$NEW" "$WORK/restored-serials"
MISSING=$(comm -23 "$WORK/before" "$WORK/restored-serials")
[ -z "$MISSING" ] || fail "certificates issued before the backup are missing: $MISSING"
RESTORED=$(count "$WORK/restored-serials")
pass "restored $RESTORED certificates, every one of the $BEFORE issued before the backup among them"
grep -q '"backup"\| backup ' <<<"$("$SCEPGATE" audit list --dir "$DATA" --limit 5)" ||
  fail "the backup is not in the audit log"
grep -q '"restore"\| restore ' <<<"$("$SCEPGATE" audit list --dir "$NEW" --limit 5)" ||
  fail "the restore is not in the restored store's audit log"
pass "backup and restore are in the audit logs"

# A second restore into the same dir is refused, as is a damaged backup (nothing written).
if "$SCEPGATE" restore --from "$WORK/backup.tar" --dir "$NEW" >/dev/null 2>&1; then
  fail "restore wrote into a non-empty dir"
fi
cp "$WORK/backup.tar" "$WORK/damaged.tar"
SIZE=$(stat -c %s "$WORK/damaged.tar")
printf 'X' | dd of="$WORK/damaged.tar" bs=1 seek=$((SIZE - 4096)) conv=notrunc status=none
if "$SCEPGATE" restore --from "$WORK/damaged.tar" --dir "$WORK/damaged" >"$WORK/damaged.out" 2>&1; then
  fail "a damaged backup was restored"
fi
grep -q "SHA-256 differs" "$WORK/damaged.out" || { cat "$WORK/damaged.out" >&2; fail "no digest error"; }
[ ! -e "$WORK/damaged" ] || fail "a damaged backup left files behind"
pass "a damaged backup is refused and writes nothing"

# A CA key that does not match its certificate is refused after extraction, and removed again.
if [ -z "${SCEPGATE_TEST_TOKEN:-}" ]; then
  cp -a "$NEW" "$WORK/mismatch"
  cp -p "$WORK/mismatch/ca/ra.key" "$WORK/mismatch/ca/issuing.key"
  "$SCEPGATE" backup --dir "$WORK/mismatch" --out "$WORK/mismatch.tar" >/dev/null ||
    fail "backup of the mismatched dir"
  if "$SCEPGATE" restore --from "$WORK/mismatch.tar" --dir "$WORK/mismatched" >"$WORK/mismatch.out" 2>&1; then
    fail "a key that does not match its certificate was restored"
  fi
  grep -q "issuing.key does not match its certificate" "$WORK/mismatch.out" ||
    { cat "$WORK/mismatch.out" >&2; fail "no key mismatch reported"; }
  [ ! -e "$WORK/mismatched" ] || fail "a refused restore left files behind"
  pass "a CA key that does not match its certificate is refused"
fi

# The restored dir serves: the same CA, and a new enrollment.
stop_gateway
DATA="$NEW"
PORT=$(free_port)
# shellcheck disable=SC2034  # serve_gateway (lib.sh) reads it
ADMIN_PORT=$(free_port)
URL="http://127.0.0.1:$PORT/scep"
serve_gateway
curl -sf "$URL?operation=GetCACert" -o "$WORK/cacert.after" || fail "GetCACert on the restored dir"
cmp -s "$WORK/cacert.before" "$WORK/cacert.after" || fail "GetCACert differs after the restore"
scep_enroll restored-device load-secret
verify_cert "$WORK/restored-device.pem" || fail "the certificate does not chain"
serials "$NEW" "$WORK/restored-final"
[ "$(count "$WORK/restored-final")" -eq $((RESTORED + 1)) ] || fail "the enrollment is not recorded"
pass "the restored data dir serves the same CA and enrolls"
