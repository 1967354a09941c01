#!/usr/bin/env bash
# Prints deployments/manifests/reloader.yaml ready to apply on a cluster without cert-manager: the cert-manager
# Issuers and Certificates left out, a CA and a serving certificate for reloader.reloader.svc made here with
# openssl and printed as the Secret reloader-serving-cert (what cert-manager would have written), and that CA set
# as the webhook configuration's caBundle (what cert-manager's CA injector would have done).
#   usage: install-without-cert-manager.sh [MANIFEST] | kubectl apply -f -
# The CA key is not kept: to rotate, run it again and apply (reloader reloads the pair from its volume). The
# certificates last 365 days; put a reminder in your calendar or use cert-manager.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
manifest=${1:-$repo/deployments/manifests/reloader.yaml}
namespace=reloader
service=reloader
secret=reloader-serving-cert
days=365
[ -r "$manifest" ] || { echo "cannot read $manifest" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

openssl ecparam -name prime256v1 -genkey -noout -out "$tmp/ca.key" 2>/dev/null
openssl req -x509 -new -sha256 -key "$tmp/ca.key" -days "$days" -subj "/CN=reloader-ca" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
  -out "$tmp/ca.crt" 2>/dev/null
openssl ecparam -name prime256v1 -genkey -noout -out "$tmp/tls.key.ec" 2>/dev/null
openssl pkcs8 -topk8 -nocrypt -in "$tmp/tls.key.ec" -out "$tmp/tls.key"
openssl req -new -sha256 -key "$tmp/tls.key" -subj "/CN=$service.$namespace.svc" -out "$tmp/tls.csr" 2>/dev/null
cat > "$tmp/ext.cnf" <<CNF
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=serverAuth
subjectAltName=DNS:$service.$namespace.svc,DNS:$service.$namespace.svc.cluster.local
CNF
openssl x509 -req -sha256 -in "$tmp/tls.csr" -CA "$tmp/ca.crt" -CAkey "$tmp/ca.key" -CAcreateserial \
  -days "$days" -extfile "$tmp/ext.cnf" -out "$tmp/tls.crt" 2>/dev/null
openssl verify -CAfile "$tmp/ca.crt" "$tmp/tls.crt" >/dev/null

b64() { base64 -w0 < "$1"; }
ca_bundle=$(b64 "$tmp/ca.crt")

# The manifest is kustomize output (one object per `---` document, two-space indentation): drop the cert-manager
# documents and the CA-injection annotation, give each webhook's clientConfig the caBundle.
awk -v ca="$ca_bundle" '
  function flush() {
    if (doc != "" && doc !~ /(^|\n)apiVersion: cert-manager\.io\//) printf "%s", doc
    doc = ""
  }
  /^---$/ { flush(); doc = "---\n"; next }
  /^  annotations:$/ { pending = $0; next }
  /^    cert-manager\.io\/inject-ca-from:/ { pending = ""; next }
  {
    if (pending != "") { doc = doc pending "\n"; pending = "" }
    doc = doc $0 "\n"
    if ($0 ~ /^  clientConfig:$/) doc = doc "    caBundle: " ca "\n"
  }
  END { flush() }
' "$manifest"

cat <<YAML
---
# The serving certificate reloader mounts at --cert-dir (cert-manager's Secret format).
apiVersion: v1
kind: Secret
metadata:
  name: $secret
  namespace: $namespace
type: kubernetes.io/tls
data:
  ca.crt: $ca_bundle
  tls.crt: $(b64 "$tmp/tls.crt")
  tls.key: $(b64 "$tmp/tls.key")
YAML
