#!/usr/bin/env bash
# scepgate-intune-standin as a process: it prints its line, serves tokens, discovery and a
# validateRequest over HTTPS trusted through its CA file, takes control calls, and stops when
# its stdin closes. Usage: standin_process_test.sh <scepgate-intune-standin>
set -euo pipefail
bin=$1
dir=$(mktemp -d)
trap 'exec 3>&- 2>/dev/null || true; [[ -n ${pid:-} ]] && kill "$pid" 2>/dev/null; rm -rf "$dir"' EXIT

# stdin from a FIFO we hold open on fd 3: closing fd 3 stops the stand-in.
mkfifo "$dir/in"
"$bin" --state-dir "$dir" --client-secret s3cret <"$dir/in" >"$dir/out" 2>"$dir/err" &
pid=$!
exec 3>"$dir/in"
for _ in $(seq 100); do [[ -s $dir/out ]] && break; sleep 0.1; done
line=$(head -n1 "$dir/out")
# json EXPR: evaluates the Python expression EXPR over the JSON document on stdin (as `j`).
# (The system's python3 when there is one: a version manager's shim costs ~0.4 s a call.)
py=/usr/bin/python3
[[ -x $py ]] || py=python3
json() { "$py" -c 'import json, sys; j = json.load(sys.stdin); print(eval(sys.argv[1]))' "$1"; }
base=$(json 'j["base_url"]' <<<"$line")
ca=$(json 'j["ca_file"]' <<<"$line")
ctl=$(json 'j["control_token"]' <<<"$line")
tenant=$(json 'j["tenant"]' <<<"$line")
client_id=$(json 'j["client_id"]' <<<"$line")
[[ $base == https://127.0.0.1:* ]] || { echo "bad base URL: $line"; exit 1; }
[[ $(head -n1 "$dir/standin.json") == "$line" ]]

token() {
  curl -sf --cacert "$ca" "$base/login/$tenant/oauth2/v2.0/token" \
    --data-urlencode grant_type=client_credentials --data-urlencode "client_id=$client_id" \
    --data-urlencode client_secret=s3cret --data-urlencode "scope=$1" | json 'j["access_token"]'
}
graph=$(token https://graph.microsoft.com/.default)
intune=$(token https://api.manage.microsoft.com//.default)
uri=$(curl -sf --cacert "$ca" -H "Authorization: Bearer $graph" -H "client-request-id: $(cat /proc/sys/kernel/random/uuid)" \
  "$base/graph/v1.0/servicePrincipals/appId=0000000a-0000-0000-c000-000000000000/endpoints" |
  json '[e["uri"] for e in j["value"] if e["providerName"].lower() == "sceprequestvalidationfeservice"][0]')
[[ $uri == "$base/intune/ScepRequestValidationFEService" ]] || { echo "discovery gave '$uri'"; exit 1; }

# A challenge minted over the control interface, in a CSR made by the openssl CLI (the
# attributes section is only read with prompt=no and no -subj).
challenge=$(curl -sf --cacert "$ca" -H "Authorization: Bearer $ctl" -H 'Content-Type: application/json' \
  -d '{"subject":"CN=device-1","ttl_seconds":60}' "$base/standin/challenges" | json 'j["challenge"]')
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$dir/k.pem" \
  -addext "subjectAltName=DNS:device-1" \
  -config <(printf '[req]\nprompt=no\ndistinguished_name=dn\nattributes=attrs\n[dn]\nCN=device-1\n[attrs]\nchallengePassword=%s\n' "$challenge") \
  -outform DER -out "$dir/csr.der" 2>/dev/null
csr=$(base64 -w0 "$dir/csr.der")
validate() {
  curl -s --cacert "$ca" -o "$dir/answer" -w '%{http_code}' -H "Authorization: Bearer $intune" \
    -H "client-request-id: $(cat /proc/sys/kernel/random/uuid)" -H 'api-version: 2018-02-20' \
    -H 'Content-Type: application/json' \
    -d "{\"request\":{\"transactionId\":\"t1\",\"certificateRequest\":\"$csr\",\"callerInfo\":\"sh\"}}" \
    "$uri/ScepActions/validateRequest"
}
[[ $(validate) == 200 && $(json 'j["code"]' <"$dir/answer") == Success ]] || { cat "$dir/answer"; exit 1; }
curl -sf --cacert "$ca" -H "Authorization: Bearer $ctl" -H 'Content-Type: application/json' \
  -d '{"endpoint":"validate","kind":"unauthorized"}' "$base/standin/faults"
[[ $(validate) == 401 ]]
[[ $(curl -sf --cacert "$ca" -H "Authorization: Bearer $ctl" "$base/standin/calls?endpoint=validate" |
     json '",".join(str(c["status"]) for c in j)') == "200,401" ]]

exec 3>&-   # stdin closes: the stand-in stops
for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$pid" 2>/dev/null; then echo "still running after stdin closed"; exit 1; fi
wait "$pid"

# With --no-stdin it ignores stdin and stops, exiting 0, on SIGTERM.
rm -f "$dir/out"
"$bin" --state-dir "$dir" --no-stdin </dev/null >"$dir/out" 2>"$dir/err" &
pid=$!
for _ in $(seq 100); do [[ -s $dir/out ]] && break; sleep 0.1; done
sleep 0.3
kill -0 "$pid"
kill -TERM "$pid"
wait "$pid"
pid=
echo ok
