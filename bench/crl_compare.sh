#!/usr/bin/env bash
# Revocation at fleet scale, scepgate against the OpenSSL CLI's CA (`openssl ca -gencrl`) as the
# peer: both sign a CRL of CRL entries with an RSA-2048 key on this machine, in the same session.
# Runs scepgate-revocation-bench (bulk revocation of BATCH serials in one call, re-signing a CRL of
# CRL entries, one-by-one revocation, serving), then builds an OpenSSL CA database (index.txt)
# with the same number of revoked entries and times `openssl ca -gencrl` REPS times. Prints both
# medians and the ratio. DSN=postgresql://... runs scepgate's side on PostgreSQL.
#
#   bash bench/crl_compare.sh [BUILD_DIR]    (env: CRL=100000 BATCH=10000 REPS=5 SINGLE=20 DSN=)
set -euo pipefail
BUILD=$(realpath "${1:-build}")
CRL=${CRL:-100000}
BATCH=${BATCH:-10000}
REPS=${REPS:-5}
SINGLE=${SINGLE:-20}
DSN=${DSN:-}
WORK=$(mktemp -d /tmp/scepgate-crl-bench-XXXXXX)
trap 'rm -rf "$WORK"' EXIT

CERTS=$(( (CRL > BATCH * REPS ? CRL : BATCH * REPS) + SINGLE ))
args=(--certs "$CERTS" --batch "$BATCH" --crl "$CRL" --single "$SINGLE" --reps "$REPS")
[ -n "$DSN" ] && args+=(--dsn "$DSN")
"$BUILD/bench/scepgate-revocation-bench" "${args[@]}" --json >"$WORK/sg.json"

# The peer: an OpenSSL CA whose database lists CRL revoked certificates.
cd "$WORK"
openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 3650 \
  -subj "/CN=peer CA" 2>/dev/null
python3 - "$CRL" <<'EOF'
import secrets, sys
n = int(sys.argv[1])
with open("index.txt", "w") as f:
    for i in range(n):
        serial = secrets.token_hex(16).upper()
        f.write(f"R\t301231235959Z\t261201120000Z,cessationOfOperation\t{serial}\tunknown\t/CN=device-{i}\n")
EOF
cat >ca.cnf <<EOF
[ ca ]
default_ca = peer
[ peer ]
database = $WORK/index.txt
certificate = $WORK/ca.crt
private_key = $WORK/ca.key
crlnumber = $WORK/crlnumber
default_crl_days = 7
default_md = sha256
crl_extensions = crl_ext
[ crl_ext ]
authorityKeyIdentifier = keyid:always
EOF
echo 01 >crlnumber
times=()
for _ in $(seq 1 "$REPS"); do
  start=$(date +%s%N)
  openssl ca -config ca.cnf -gencrl -out peer.crl -batch 2>/dev/null
  end=$(date +%s%N)
  times+=("$(( (end - start) / 1000000 ))")
done
entries=$(openssl crl -in peer.crl -noout -text | grep -c "Serial Number:")
[ "$entries" -eq "$CRL" ] || { echo "the peer's CRL lists $entries entries, not $CRL" >&2; exit 1; }

python3 - "$WORK/sg.json" "${times[@]}" <<'EOF'
import json, statistics, sys
sg = json.load(open(sys.argv[1]))
peer = statistics.median(float(t) for t in sys.argv[2:])
print(f"backend {sg['backend']}, {sg['certs']} certificate rows, CA keys RSA-2048")
print(f"bulk revoke {sg['batch']} in one call, CRL included: median {sg['bulk_ms_median']:.0f} ms "
      f"(at {', '.join(str(n) for n in sg['bulk_crl_entries'])} entries: "
      f"{', '.join(f'{t:.0f}' for t in sg['bulk_ms'])} ms)")
print(f"one by one (before): median {sg['single_ms_median']:.1f} ms each; "
      f"{sg['batch']} of them {sg['single_batch_estimate_s']:.0f} s")
print(f"re-sign a CRL of {sg['crl_entries']} entries: scepgate median {sg['resign_ms_median']:.0f} ms, "
      f"openssl ca -gencrl median {peer:.0f} ms: {peer / sg['resign_ms_median']:.2f}x")
print(f"serve it ({sg['crl_bytes']} bytes): median {sg['get_ms_median']:.1f} ms")
EOF
