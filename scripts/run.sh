#!/usr/bin/env bash
# `make run`: the whole system on loopback. Starts kube-sim (the embedded simulated cluster) and reloader against
# it, registers reloader's ValidatingWebhookConfiguration in it, applies the demo (deployments/demo/demo.yaml),
# changes the demo ConfigMap with kubectl and prints the rollouts that follow. Then it keeps both running (their
# logs in .run/) until Ctrl-C, which stops both.
set -euo pipefail
cert_dir=${1:-certs}
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bin=$(cd "$repo" && swift build --show-bin-path)
run=$repo/.run
address=${RELOADER_ADDRESS:-127.0.0.1:8443}
metrics=${RELOADER_METRICS_ADDRESS:-127.0.0.1:9090}
sim_address=${KUBE_SIM_ADDRESS:-127.0.0.1:6443}
kubeconfig=$run/kubeconfig
mkdir -p "$run"
rm -f "$run"/*.log "$kubeconfig"

pids=()
stop() {
  trap - INT TERM EXIT
  echo
  echo "stopping reloader and kube-sim"
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap stop INT TERM EXIT

say() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }
kc() { kubectl --kubeconfig "$kubeconfig" --cache-dir "$run/kube-cache" "$@"; }
wait_for() {  # wait_for DESCRIPTION COMMAND...: up to 30 s
  local what=$1; shift
  for _ in $(seq 1 300); do "$@" >/dev/null 2>&1 && return 0; sleep 0.1; done
  echo "timed out waiting for $what" >&2
  tail -n 20 "$run"/*.log >&2 || true
  exit 1
}

say "starting kube-sim on https://$sim_address (log: .run/kube-sim.log)"
"$bin/kube-sim" --listen "$sim_address" --kubeconfig-out "$kubeconfig" --cert-dir "$run/sim-certs" \
  >"$run/kube-sim.log" 2>&1 &
pids+=($!)
wait_for "kube-sim" kc get namespaces

say "starting reloader on https://$address/validate (log: .run/reloader.log)"
"$bin/reloader" --kubeconfig "$kubeconfig" --webhook-address "$address" --metrics-address "$metrics" \
  --tls-cert-file "$cert_dir/tls.crt" --tls-private-key-file "$cert_dir/tls.key" >"$run/reloader.log" 2>&1 &
pids+=($!)
wait_for "reloader to be ready" curl -sf "http://$metrics/readyz"

say "registering reloader's webhook in kube-sim"
"$repo/scripts/webhook-configuration.sh" "https://$address/validate" "$cert_dir/ca.crt" | kc apply -f -

say "applying the demo: deployments/demo/demo.yaml"
kc apply -f "$repo/deployments/demo/demo.yaml"

say "changing ConfigMap demo/app-config (LOG_LEVEL=debug)"
kc -n demo patch configmap app-config --type merge -p '{"data":{"LOG_LEVEL":"debug"}}'

say "rollouts recorded by kube-sim (web and agent use app-config; report is a CronJob; untouched has no annotation)"
# Wait (up to 10 s) for reloader's coalesce window, persistence check and patches: two rollouts and one Job.
for _ in $(seq 1 100); do
  count=$(kc get --raw /sim/rollouts | python3 -c 'import json, sys; print(len(json.load(sys.stdin)["items"]))')
  jobs=$(kc -n demo get jobs -o name 2>/dev/null | wc -l)
  [ "$count" -ge 2 ] && [ "$jobs" -ge 1 ] && break
  sleep 0.1
done
kc get --raw /sim/rollouts | python3 "$repo/scripts/rollouts.py"
kc -n demo get jobs -o custom-columns='JOB CREATED FOR THE CRONJOB:.metadata.name,OWNER:.metadata.ownerReferences[0].name' || true
echo
echo "reloader's log (tail):"
tail -n 8 "$run/reloader.log" | sed 's/^/  /'

cat <<MSG

Both keep running. Try, in another terminal:
  kubectl --kubeconfig $kubeconfig -n demo get deployments,daemonsets,statefulsets,cronjobs,jobs
  kubectl --kubeconfig $kubeconfig -n demo patch secret app-secret --type merge -p '{"stringData":{"password":"new"}}'
  kubectl --kubeconfig $kubeconfig get --raw /sim/rollouts
  curl -s http://$metrics/metrics | grep ^reloader_
Ctrl-C stops both.
MSG
wait "${pids[0]}"
