#!/usr/bin/env bash
# Option 2 of docs/high-availability.md with real clients: scripts/ha-up.sh with HA_ISSUERS=2
# makes node2 sign with a second issuing CA (`ca add-issuer` on node1, `init --join --issuer`).
# micromdm scepclient enrolls at each node and gets that node's issuing CA; through nginx both
# CAs are used; every certificate chains to the one root with the OpenSSL CLI, given only what
# GetCACert returned. A certificate of node2's CA revoked through node1 (which cannot sign that
# CA's CRL) shows on node2's CRL, served by both nodes, within the registry poll.
#   bash tests/integration/ha_two_issuers_test.sh SCEPGATE
SCEPGATE=$(realpath "$1")
source "$(dirname "$0")/lib.sh"

for tool in nginx psql scepclient openssl curl; do
  command -v "$tool" >/dev/null || fail "$tool is not installed (bash scripts/setup.sh)"
done
ha_up HA_ISSUERS=2 HA_TOML_EDITS='s/^legacy_algorithms = false/legacy_algorithms = true/
s/^issuer_poll_seconds = 10/issuer_poll_seconds = 1/'
[ ! -e "$HA/issuer-2" ] || fail "ha-up.sh left the second issuing CA's key outside node2"
cmp -s "$HA/node1/ca/issuing.crt" "$HA/node2/ca/issuing.crt" && fail "both nodes hold one issuing CA"
[ "$(stat -c %a "$HA/node2/ca/issuing.key")" = 600 ] || fail "node2's issuing key is not 0600"
pass "ha-up.sh HA_ISSUERS=2: node2 signs with its own issuing CA"

# GetCACert of each node: RA, own issuing CA, the other one, root.
for n in 1 2; do
  u=$(ha_val node${n}_url)
  curl -sf -o "$WORK/ca$n.der" "$u?operation=GetCACert" || fail "GetCACert from node$n"
  openssl pkcs7 -inform DER -in "$WORK/ca$n.der" -print_certs -out "$WORK/ca$n.pem" ||
    fail "node$n's GetCACert is not a certs-only SignedData"
  printed=$(openssl pkcs7 -inform DER -in "$WORK/ca$n.der" -print_certs -noout)
  subjects=$(sed -n 's/^subject=//p' <<<"$printed" | tr '\n' '|')
  want="CN = HA Issuing CA|"
  [ "$n" = 2 ] && want="CN = HA Issuing CA 2|"
  case "$subjects" in
    "CN = HA RA|$want"*) ;;
    *) fail "node$n's GetCACert lists: $subjects" ;;
  esac
  grep -q "CN = HA Issuing CA 2|" <<<"$subjects|" && grep -q "CN = HA Issuing CA|" <<<"$subjects" ||
    fail "node$n's GetCACert does not list both issuing CAs: $subjects"
done
pass "each node's GetCACert lists the RA, its own issuing CA first, the other one and the root"

# enroll NAME URL: micromdm scepclient enrolls CN=NAME at URL; prints the issuer's CN.
enroll() {
  mkdir -p "$WORK/$1"
  timeout 60 scepclient -private-key "$WORK/$1/key.pem" -server-url "$2" -challenge "$CHALLENGE" \
    -cn "$1" >"$WORK/$1/out.log" 2>&1 || { cat "$WORK/$1/out.log" >&2; fail "scepclient $1 at $2"; }
  # Only what the client got from GetCACert: the root as the anchor, the rest untrusted.
  openssl verify -CAfile <(openssl x509 -in "$HA/node1/ca/root.crt") -untrusted "$WORK/ca1.pem" \
    "$WORK/$1/client.pem" >/dev/null || fail "$1's certificate does not chain to the root"
  openssl x509 -in "$WORK/$1/client.pem" -noout -issuer | sed 's/^issuer=CN = //'
}
[ "$(enroll at-node1 "$NODE1_URL")" = "HA Issuing CA" ] || fail "node1 did not sign with its CA"
[ "$(enroll at-node2 "$NODE2_URL")" = "HA Issuing CA 2" ] || fail "node2 did not sign with its CA"
seen=""
for i in 1 2 3 4; do seen+="$(enroll "via-nginx-$i" "$URL")|"; done
grep -q "HA Issuing CA|" <<<"$seen" && grep -q "HA Issuing CA 2|" <<<"$seen" ||
  fail "through nginx only one issuing CA signed: $seen"
pass "scepclient enrolls at each node with that node's CA, and through nginx with both ($seen)"

# A certificate of node2's CA, revoked through node1: node2 signs the CRL, both serve it.
serial=$(openssl x509 -in "$WORK/at-node2/client.pem" -noout -serial | cut -d= -f2 | tr 'A-F' 'a-f' |
  sed 's/^0*//')
id2=$(openssl x509 -in "$HA/node2/ca/issuing.crt" -outform DER | sha256sum | cut -d' ' -f1)
"$SCEPGATE" cert revoke "$serial" --reason keyCompromise --dir "$HA/node1" >/dev/null ||
  fail "revoking through node1"
for n in 1 2; do
  base=$(ha_val node${n}_url); base=${base%/scep}
  listed=""
  for _ in $(seq 1 100); do
    if curl -sf -o "$WORK/crl$n.der" "$base/crl/$id2.crl"; then
      text=$(openssl crl -inform DER -in "$WORK/crl$n.der" -noout -text)
      if grep -qi "serial number: 0*$serial\$" <<<"$text"; then
        listed=yes
        break
      fi
    fi
    sleep 0.2
  done
  [ -n "$listed" ] || fail "node$n never served node2's CA's CRL listing $serial"
  verified=$(openssl crl -inform DER -in "$WORK/crl$n.der" -noout -CAfile "$HA/node2/ca/issuing.crt" 2>&1)
  grep -q "verify OK" <<<"$verified" || fail "node$n serves a CRL node2's CA did not sign"
done
pass "revoked through node1, $serial is on node2's CA's CRL (signed by it), served by both nodes"
