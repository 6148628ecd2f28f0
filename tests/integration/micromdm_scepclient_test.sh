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
grep -q "CN *= *micromdm-device" <<<"$(openssl x509 -in "$WORK/good/client.pem" -noout -subject)" \
  || fail "subject is not the requested one"
pass "scepclient enrolled"

if timeout 60 scepclient -private-key "$WORK/bad/key.pem" -server-url "$URL" \
  -challenge wrong -cn micromdm-bad >"$WORK/bad/out.log" 2>&1; then
  fail "scepclient enrolled with a wrong challenge"
fi
[ ! -s "$WORK/bad/client.pem" ] || fail "a certificate was written despite the wrong challenge"
grep -qi "badRequest\|failInfo" "$WORK/bad/out.log" || { cat "$WORK/bad/out.log"; fail "no SCEP failure reported"; }
grep -q ChallengeInvalid <<<"$("$SCEPGATE" requests list --dir "$DATA" --state failed)" \
  || fail "the refusal is not recorded as ChallengeInvalid"
pass "scepclient refused with a wrong challenge"

# The gateway still serves after the refusal.
mkdir -p "$WORK/again"
timeout 60 scepclient -private-key "$WORK/again/key.pem" -server-url "$URL" \
  -challenge mdm-secret -cn micromdm-again >/dev/null 2>&1 || fail "second enrollment failed"
pass "gateway still enrolls"

# One-time challenges from `scepgate challenge issue`, bound to the profile's subject
# (scepclient adds OU=MDM, O=scep-client, C=US to its -cn by default).
export SCEPGATE_DIR="$DATA"
"$SCEPGATE" group add mdm >/dev/null
DEVICE=$("$SCEPGATE" device add --name mdm-laptop --platform macos)
"$SCEPGATE" group add-member mdm --device "$DEVICE" >/dev/null
"$SCEPGATE" profile create mdm-wifi --type device \
  --subject 'CN={{DeviceName}},OU=MDM,O=scep-client,C=US' --url "$URL" >/dev/null
"$SCEPGATE" assign mdm-wifi --group mdm >/dev/null
CHALLENGE=$("$SCEPGATE" challenge issue --device "$DEVICE" --profile mdm-wifi)

mkdir -p "$WORK/onetime" "$WORK/replay" "$WORK/mismatch"
timeout 60 scepclient -private-key "$WORK/onetime/key.pem" -server-url "$URL" \
  -challenge "$CHALLENGE" -cn mdm-laptop >"$WORK/onetime/out.log" 2>&1 \
  || { cat "$WORK/onetime/out.log"; fail "scepclient did not enroll with its one-time challenge"; }
expect_linked "$WORK/onetime/client.pem" "$DEVICE" mdm-wifi \
  || fail "the certificate is not linked to the device and profile"
pass "scepclient enrolled with a one-time challenge, linked to its device"

if timeout 60 scepclient -private-key "$WORK/replay/key.pem" -server-url "$URL" \
  -challenge "$CHALLENGE" -cn mdm-laptop >"$WORK/replay/out.log" 2>&1; then
  fail "a replayed one-time challenge enrolled"
fi
grep -q ChallengeAlreadyUsed <<<"$("$SCEPGATE" requests list --state failed)" \
  || fail "the replay is not recorded as ChallengeAlreadyUsed"
pass "scepclient refused when replaying the challenge"

CHALLENGE=$("$SCEPGATE" challenge issue --device "$DEVICE" --profile mdm-wifi)
if timeout 60 scepclient -private-key "$WORK/mismatch/key.pem" -server-url "$URL" \
  -challenge "$CHALLENGE" -cn someone-else >"$WORK/mismatch/out.log" 2>&1; then
  fail "a CSR whose CN is not the device's enrolled"
fi
grep -q SubjectNameMismatch <<<"$("$SCEPGATE" requests list --state failed)" \
  || fail "the wrong CN is not recorded as SubjectNameMismatch"
# The challenge was not spent by the refusal: the right CN still enrolls with it.
mkdir -p "$WORK/after"
timeout 60 scepclient -private-key "$WORK/after/key.pem" -server-url "$URL" \
  -challenge "$CHALLENGE" -cn mdm-laptop >"$WORK/after/out.log" 2>&1 \
  || { cat "$WORK/after/out.log"; fail "the challenge did not survive a refused request"; }
pass "scepclient refused with SubjectNameMismatch for a foreign CN"
