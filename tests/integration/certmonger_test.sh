#!/usr/bin/env bash
# certmonger (GET, AES-256 + SHA-256) enrolls, then renews with its issued certificate.
# certmonger keeps state in /var/lib/certmonger, or in $HOME/.config/certmonger on a session bus:
# a private mount namespace and a HOME under the test's directory isolate both, and a private
# D-Bus session bus keeps it off the system bus. The test's own daemon must own the bus name
# before any getcert call: a getcert call first would have the bus start a second certmonger.
SCEPGATE=$(realpath "$1")
source "$(dirname "$0")/lib.sh"
command -v certmonger >/dev/null || fail "certmonger is not installed"
command -v dbus-run-session >/dev/null || fail "dbus-run-session is not installed (package dbus)"
[ "$(id -u)" -eq 0 ] || fail "this test needs root (unshare -m)"

start_gateway "cm-secret"
mkdir -p "$WORK/state" "$WORK/cm" "$WORK/home"

# A device with a one-time challenge bound to CN={{DeviceName}}, and one for a foreign CN.
export SCEPGATE_DIR="$DATA"
"$SCEPGATE" group add hosts >/dev/null
DEVICE=$("$SCEPGATE" device add --name cm-device --platform linux)
"$SCEPGATE" group add-member hosts --device "$DEVICE" >/dev/null
"$SCEPGATE" profile create hosts --type device --subject 'CN={{DeviceName}}' --url "$URL" >/dev/null
"$SCEPGATE" assign hosts --group hosts >/dev/null
CHALLENGE=$("$SCEPGATE" challenge issue --device "$DEVICE" --profile hosts)
OTHER_CHALLENGE=$("$SCEPGATE" challenge issue --device "$DEVICE" --profile hosts)

{ certmonger_inner_head "$WORK/state" "$WORK/certmonger.log"; cat <<INNER
getcert add-scep-ca -s -c scepgate -u "$URL"
getcert request -s -c scepgate -I cmtest -k "$WORK/cm/key.pem" -f "$WORK/cm/cert.pem" \
  -N CN=certmonger-host -L cm-secret -w -v
getcert list -s -i cmtest > "$WORK/cm/list1.txt"
cp "$WORK/cm/cert.pem" "$WORK/cm/first.pem"
getcert resubmit -s -i cmtest -w -v
getcert list -s -i cmtest > "$WORK/cm/list2.txt"
getcert request -s -c scepgate -I cmdevice -k "$WORK/cm/dev-key.pem" -f "$WORK/cm/dev-cert.pem" \
  -N CN=cm-device -L "$CHALLENGE" -w -v || true
getcert list -s -i cmdevice > "$WORK/cm/list3.txt"
getcert request -s -c scepgate -I cmintruder -k "$WORK/cm/bad-key.pem" -f "$WORK/cm/bad-cert.pem" \
  -N CN=intruder -L "$OTHER_CHALLENGE" -w -v || true
getcert list -s -i cmintruder > "$WORK/cm/list4.txt"
INNER
} >"$WORK/inner.sh"
HOME="$WORK/home" XDG_CONFIG_HOME="$WORK/home/.config" timeout 240 unshare -m dbus-run-session -- bash "$WORK/inner.sh" >"$WORK/cm/run.log" 2>&1 \
  || { cat "$WORK/cm/run.log" "$WORK/cm"/list*.txt 2>/dev/null; tail -20 "$WORK/certmonger.log" 2>/dev/null; fail "certmonger run failed"; }

grep -q "status: MONITORING" "$WORK/cm/list1.txt" || { cat "$WORK/cm/list1.txt"; fail "first request not issued"; }
verify_cert "$WORK/cm/first.pem" || fail "certmonger's certificate does not chain"
grep -q "CN *= *certmonger-host" <<<"$(openssl x509 -in "$WORK/cm/first.pem" -noout -subject)" || fail "wrong subject"
pass "certmonger enrolled over GET"

grep -q "status: MONITORING" "$WORK/cm/list2.txt" || { cat "$WORK/cm/list2.txt"; fail "renewal not issued"; }
s1=$(openssl x509 -in "$WORK/cm/first.pem" -noout -serial)
s2=$(openssl x509 -in "$WORK/cm/cert.pem" -noout -serial)
[ "$s1" != "$s2" ] || fail "resubmit returned the same certificate"
verify_cert "$WORK/cm/cert.pem" || fail "renewed certificate does not chain"
"$SCEPGATE" requests list --dir "$DATA" --json | python3 -c '
import json,sys
reqs=json.load(sys.stdin)
renewals=[r for r in reqs if r["renewal"] and r["state"]=="issued"]
sys.exit(0 if renewals else 1)' || fail "the resubmission was not recorded as a renewal"
pass "certmonger renewed with its issued certificate"

grep -q "status: MONITORING" "$WORK/cm/list3.txt" || { cat "$WORK/cm/list3.txt"; fail "one-time challenge request not issued"; }
expect_linked "$WORK/cm/dev-cert.pem" "$DEVICE" hosts \
  || fail "the certificate is not linked to the device and profile"
pass "certmonger enrolled with a one-time challenge, linked to its device"

! grep -q "status: MONITORING" "$WORK/cm/list4.txt" || fail "a foreign CN was issued"
[ ! -s "$WORK/cm/bad-cert.pem" ] || fail "a certificate was written for a foreign CN"
grep -q SubjectNameMismatch <<<"$("$SCEPGATE" requests list --state failed)" \
  || { cat "$WORK/cm/list4.txt"; fail "the foreign CN is not recorded as SubjectNameMismatch"; }
pass "certmonger refused with SubjectNameMismatch for a foreign CN"
