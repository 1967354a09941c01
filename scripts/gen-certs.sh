#!/usr/bin/env bash
# Writes a throwaway CA and a serving certificate for 127.0.0.1, ::1 and localhost into DIR:
#   ca.crt ca.key   self-signed CA (ECDSA P-256, 30 days)
#   tls.crt tls.key serving cert signed by that CA (ECDSA P-256, SAN, serverAuth EKU, 30 days)
# Overwrites existing files. For tests, `make run` and benchmarks only.
set -euo pipefail

if [ $# -ne 1 ]; then
  echo "usage: $0 DIR" >&2
  exit 2
fi
dir=$1
days=30
mkdir -p "$dir"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

openssl ecparam -name prime256v1 -genkey -noout -out "$tmp/ca.key" 2>/dev/null
openssl req -x509 -new -sha256 -key "$tmp/ca.key" -days "$days" \
  -subj "/CN=reloader throwaway CA" \
  -addext "basicConstraints=critical,CA:TRUE" \
  -addext "keyUsage=critical,keyCertSign,cRLSign" \
  -addext "subjectKeyIdentifier=hash" \
  -out "$tmp/ca.crt"

openssl ecparam -name prime256v1 -genkey -noout -out "$tmp/tls.key.ec" 2>/dev/null
# PKCS#8 ("BEGIN PRIVATE KEY"), which every TLS stack accepts.
openssl pkcs8 -topk8 -nocrypt -in "$tmp/tls.key.ec" -out "$tmp/tls.key"
openssl req -new -sha256 -key "$tmp/tls.key" -subj "/CN=localhost" -out "$tmp/tls.csr"
cat > "$tmp/ext.cnf" <<'CNF'
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=serverAuth
subjectAltName=IP:127.0.0.1,IP:::1,DNS:localhost
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid
CNF
openssl x509 -req -sha256 -in "$tmp/tls.csr" -CA "$tmp/ca.crt" -CAkey "$tmp/ca.key" \
  -CAcreateserial -days "$days" -extfile "$tmp/ext.cnf" -out "$tmp/tls.crt" 2>/dev/null
openssl verify -CAfile "$tmp/ca.crt" "$tmp/tls.crt" >/dev/null

install -m 0644 "$tmp/ca.crt" "$dir/ca.crt"
install -m 0600 "$tmp/ca.key" "$dir/ca.key"
install -m 0644 "$tmp/tls.crt" "$dir/tls.crt"
install -m 0600 "$tmp/tls.key" "$dir/tls.key"

for f in ca.crt ca.key tls.crt tls.key; do echo "wrote $dir/$f"; done
echo "serving cert: $(openssl x509 -in "$dir/tls.crt" -noout -subject -enddate | tr '\n' ' ')"
echo "SAN: $(openssl x509 -in "$dir/tls.crt" -noout -ext subjectAltName | tail -n +2 | sed 's/^ *//')"
