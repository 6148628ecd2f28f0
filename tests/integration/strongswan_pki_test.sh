#!/usr/bin/env bash
# strongSwan's `pki --scep` (Debian's strongswan-pki with libstrongswan-extra-plugins) fetches the
# CA with `pki --scepca`, then enrolls with AES-CBC (its default) and with 3DES, with a SAN, and
# renews with the certificate it got (RenewalReq). The challenge is passed in an options file
# (`--options`), never on the command line.
SCEPGATE=$(realpath "$1")
source "$(dirname "$0")/lib.sh"
command -v pki >/dev/null || fail "pki is not installed (Debian packages strongswan-pki, libstrongswan-extra-plugins)"

start_gateway "swan-secret"
cd "$WORK"
# pki's plugin loader talks on stderr about plugins it cannot load; keep its own messages only.
quiet() { grep -v -e '^plugin ' -e 'TPM 2.0' -e 'failed to load' "$1" >&2 || true; }

pki --scepca --url "$URL" --caout ca.der --raout ra.der --force >scepca.log 2>&1 ||
  { quiet scepca.log; fail "pki --scepca failed"; }
[ -s ra.der ] && [ -s ca.der ] && [ -s ca-1.der ] || fail "pki --scepca wrote: $(ls)"
grep -q 'RA cert is trusted' scepca.log || { quiet scepca.log; fail "pki did not chain the RA to the root"; }
pass "pki --scepca fetched the root, the issuing CA and the RA, and chained the RA"

printf -- '--password swan-secret\n' >challenge.opts
chmod 600 challenge.opts

# enroll NAME CIPHER [pki args...]: a new key and a certificate for CN=NAME in NAME.der.
enroll() {
  local name=$1 cipher=$2
  shift 2
  pki --gen --type rsa --size 2048 >"$name.key" 2>/dev/null || fail "pki --gen failed"
  pki --scep --url "$URL" --in "$name.key" --dn "CN=$name" --cacert-enc ra.der \
    --cacert-sig ra.der --cacert ca.der --cacert ca-1.der --cipher "$cipher" \
    --options challenge.opts "$@" >"$name.der" 2>"$name.log" ||
    { quiet "$name.log"; fail "pki --scep $name ($cipher) did not enroll"; }
  openssl x509 -inform DER -in "$name.der" -out "$name.pem" || fail "$name.der is not a certificate"
  verify_cert "$name.pem" || fail "$name's certificate does not chain to the root"
}

enroll swan-aes aes --san swan-aes.example.com
grep -q "CN *= *swan-aes" <<<"$(openssl x509 -in swan-aes.pem -noout -subject)" || fail "wrong subject"
grep -q "DNS:swan-aes.example.com" <<<"$(openssl x509 -in swan-aes.pem -noout -ext subjectAltName)" ||
  fail "the SAN pki asked for is missing"
pass "pki --scep enrolled with AES-CBC (its default) and a DNS SAN"

enroll swan-3des des3
pass "pki --scep enrolled with 3DES"

# Renewal: signed with the AES certificate and its key, for a new key, without a challenge.
pki --gen --type rsa --size 2048 >renewed.key 2>/dev/null
pki --scep --url "$URL" --in renewed.key --dn "CN=swan-aes" --san swan-aes.example.com \
  --cacert-enc ra.der --cacert-sig ra.der --cacert ca.der --cacert ca-1.der \
  --cert swan-aes.der --key swan-aes.key >renewed.der 2>renewed.log ||
  { quiet renewed.log; fail "pki --scep did not renew"; }
openssl x509 -inform DER -in renewed.der -out renewed.pem || fail "renewed.der is not a certificate"
verify_cert renewed.pem || fail "the renewed certificate does not chain"
[ "$(openssl x509 -in renewed.pem -noout -serial)" != "$(openssl x509 -in swan-aes.pem -noout -serial)" ] ||
  fail "the renewal returned the old certificate"
[ "$(openssl x509 -in renewed.pem -noout -pubkey)" = "$(pki --pub --in renewed.key --outform pem 2>/dev/null)" ] ||
  fail "the renewed certificate is not for the new key"
grep -q "RenewalReq" "$WORK/serve.log" || fail "the server did not see a RenewalReq"
pass "pki --scep renewed with its certificate (RenewalReq), new key, new serial"

# A wrong challenge is refused with a SCEP failure, and the gateway keeps serving.
printf -- '--password wrong\n' >wrong.opts
pki --gen --type rsa --size 2048 >wrong.key 2>/dev/null
if pki --scep --url "$URL" --in wrong.key --dn "CN=swan-wrong" --cacert-enc ra.der \
  --cacert-sig ra.der --cacert ca.der --cacert ca-1.der --options wrong.opts >wrong.der 2>wrong.log; then
  fail "pki enrolled with a wrong challenge"
fi
grep -q "failInfo" wrong.log || { quiet wrong.log; fail "pki reported no SCEP failure"; }
grep -q ChallengeInvalid <<<"$("$SCEPGATE" requests list --dir "$DATA" --state failed)" ||
  fail "the refusal is not recorded as ChallengeInvalid"
enroll swan-after aes
pass "a wrong challenge is refused (ChallengeInvalid) and pki enrolls again afterwards"
