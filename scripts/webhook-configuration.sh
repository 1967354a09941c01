#!/usr/bin/env bash
# Prints a ValidatingWebhookConfiguration that sends reloader the reviews it needs: ConfigMap and Secret writes
# (the changes that reload) and the workload kinds' writes (which keep its index fresh between resyncs), with
# failurePolicy Ignore (reloader never blocks a write), sideEffects NoneOnDryRun (dry-run writes are reviewed with
# dryRun: true and reloader enqueues nothing for them) and the caller's CA bundle. Namespace writes keep
# --namespace-selector's label cache fresh between resyncs. SecretProviderClassPodStatus updates (the secrets-store
# CSI driver's per-pod record of mounted versions) reload with --enable-csi-integration; their creations and
# deletions (pods coming and going) are reviewed and ignored, as every one of them is without the flag.
#   usage: webhook-configuration.sh URL CA_FILE [NAME]
set -euo pipefail
if [ $# -lt 2 ]; then
  echo "usage: $0 URL CA_FILE [NAME]" >&2
  exit 2
fi
url=$1
ca=$(base64 -w0 < "$2")
name=${3:-reloader}
cat <<YAML
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingWebhookConfiguration
metadata:
  name: $name
webhooks:
  - name: configs.reloader.stakater.com
    clientConfig:
      url: $url
      caBundle: $ca
    rules:
      - operations: ["CREATE", "UPDATE", "DELETE"]
        apiGroups: [""]
        apiVersions: ["v1"]
        resources: ["configmaps", "secrets"]
      - operations: ["CREATE", "UPDATE", "DELETE"]
        apiGroups: ["secrets-store.csi.x-k8s.io"]
        apiVersions: ["v1"]
        resources: ["secretproviderclasspodstatuses"]
      - operations: ["CREATE", "UPDATE"]
        apiGroups: [""]
        apiVersions: ["v1"]
        resources: ["namespaces"]
    failurePolicy: Ignore
    sideEffects: NoneOnDryRun
    timeoutSeconds: 5
    admissionReviewVersions: ["v1"]
  - name: workloads.reloader.stakater.com
    clientConfig:
      url: $url
      caBundle: $ca
    rules:
      - operations: ["CREATE", "UPDATE", "DELETE"]
        apiGroups: ["apps"]
        apiVersions: ["v1"]
        resources: ["deployments", "daemonsets", "statefulsets"]
      - operations: ["CREATE", "UPDATE", "DELETE"]
        apiGroups: ["batch"]
        apiVersions: ["v1"]
        resources: ["cronjobs", "jobs"]
      - operations: ["CREATE", "UPDATE", "DELETE"]
        apiGroups: ["argoproj.io"]
        apiVersions: ["v1alpha1"]
        resources: ["rollouts"]
      - operations: ["CREATE", "UPDATE", "DELETE"]
        apiGroups: ["apps.openshift.io"]
        apiVersions: ["v1"]
        resources: ["deploymentconfigs"]
    failurePolicy: Ignore
    sideEffects: NoneOnDryRun
    timeoutSeconds: 5
    admissionReviewVersions: ["v1"]
YAML
