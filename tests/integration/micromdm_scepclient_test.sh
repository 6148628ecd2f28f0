#!/usr/bin/env bash
# micromdm's scepclient (Debian package `scep`) enrolls with the right challenge (POST,
# DES-CBC + SHA-1 in version 2.1, so legacy algorithms are enabled) and fails with a wrong one.
SCEPGATE=$(realpath "$1")
source "$(dirname "$0")/lib.sh"
command -v scepclient >/dev/null || fail "scepclient is not installed (Debian package scep)"

start_gateway "mdm-secret" 's/^legacy_algorithms = false/legacy_algorithms = true/'

mkdir -p "$WORK/good" "$WORK/bad"
timeout 60 scepclient -private-key "$WORK/good/key.pem" -server-url "$URL" \
  -challenge mdm-secret -cn micromdm-device >"$WORK/good/out.log" 2>&1 \
  || { cat "$WORK/good/out.log"; fail "scepclient did not enroll"; }
[ -s "$WORK/good/client.pem" ] || fail "no certificate written"
verify_cert "$WORK/good/client.pem" || fail "issued certificate does not chain to the root"
openssl x509 -in "$WORK/good/client.pem" -noout -subject | grep -q "CN *= *micromdm-device" \
  || fail "subject is not the requested one"
pass "scepclient enrolled"

if timeout 60 scepclient -private-key "$WORK/bad/key.pem" -server-url "$URL" \
  -challenge wrong -cn micromdm-bad >"$WORK/bad/out.log" 2>&1; then
  fail "scepclient enrolled with a wrong challenge"
fi
[ ! -s "$WORK/bad/client.pem" ] || fail "a certificate was written despite the wrong challenge"
grep -qi "badRequest\|failInfo" "$WORK/bad/out.log" || { cat "$WORK/bad/out.log"; fail "no SCEP failure reported"; }
"$SCEPGATE" requests list --dir "$DATA" --state failed | grep -q ChallengeInvalid \
  || fail "the refusal is not recorded as ChallengeInvalid"
pass "scepclient refused with a wrong challenge"

# The gateway still serves after the refusal.
mkdir -p "$WORK/again"
timeout 60 scepclient -private-key "$WORK/again/key.pem" -server-url "$URL" \
  -challenge mdm-secret -cn micromdm-again >/dev/null 2>&1 || fail "second enrollment failed"
pass "gateway still enrolls"
