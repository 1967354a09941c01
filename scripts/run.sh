#!/usr/bin/env bash
# `make run`: the whole system on loopback. Starts kube-sim (the embedded simulated cluster) and reloader against
# it, registers reloader's ValidatingWebhookConfiguration in it, applies the demo (deployments/demo/demo.yaml),
# then shows three things: a ConfigMap edit and the one rollout per workload that follows, a dry-run review and
# its plan (nothing changes), and an edit of an ignored Secret (nothing rolls). Then it keeps both running (logs
# in .run/) until Ctrl-C, which stops both; RUN_EXIT_AFTER_DEMO=1 stops them after the demo (the test does).
set -euo pipefail
cert_dir=${1:-certs}
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bin=$(cd "$repo" && swift build --show-bin-path)
run=${RUN_DIR:-$repo/.run}
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

rollouts() { kc get --raw /sim/rollouts | python3 "$repo/scripts/rollouts.py" "$@"; }
adds() {  # reloader_workqueue_adds_total: plans handed to the reload queue so far
  curl -sSf --max-time 10 "http://$metrics/metrics" >"$run/metrics.txt" || { echo "cannot read $metrics/metrics" >&2; exit 1; }
  awk '$1 == "reloader_workqueue_adds_total" { print $2 }' "$run/metrics.txt"
}

say "1. editing ConfigMap demo/app-config (LOG_LEVEL=debug): web, agent and the report CronJob use or name it"
kc -n demo patch configmap app-config --type merge -p '{"data":{"LOG_LEVEL":"debug"}}'
# reloader answered the review at once; the rollouts follow its 1 s coalesce window and a read-back of the write.
# Three rollouts: web, agent, and the report CronJob's Job (kube-sim records a created Job as one).
for _ in $(seq 1 100); do
  [ "$(rollouts --count)" -ge 3 ] && break
  sleep 0.1
done
rollouts
rollouts --per-workload web agent db untouched
kc -n demo get jobs -o custom-columns='JOB CREATED FOR THE CRONJOB:.metadata.name,OWNER:.metadata.ownerReferences[0].name' || true
echo "  reloader's log:"
grep -E "Changes detected|reload skipped" "$run/reloader.log" | tail -n 4 | sed -e 's/ k8s\..*//' -e 's/^/    /'

say "2. a dry run: the same kind of review sent with X-Reloader-DryRun: true answers with the plan, changes nothing"
before=$(adds)
kc -n demo get configmap app-config -o json | python3 "$repo/scripts/dry-run-review.py" GREETING "hello, v2" \
  >"$run/dry-run-review.json"
status=$(curl -sS --max-time 10 --cacert "$cert_dir/ca.crt" -H 'Content-Type: application/json' \
  -H 'X-Reloader-DryRun: true' --data-binary @"$run/dry-run-review.json" -o "$run/dry-run-answer.json" \
  -w '%{http_code}' "https://$address/validate") || { echo "the dry-run request failed" >&2; exit 1; }
[ "$status" = 200 ] || { echo "the dry-run request answered $status: $(cat "$run/dry-run-answer.json")" >&2; exit 1; }
python3 -c 'import json, sys; r = json.load(open(sys.argv[1]))["response"]; print("  allowed:", r["allowed"]); [print("  warning:", w) for w in r.get("warnings", [])]' \
  "$run/dry-run-answer.json"
echo "  reloads enqueued by it: $(( $(adds) - before )) (reloader_workqueue_adds_total)"

say "3. editing Secret demo/legacy-token, which web uses but which carries reloader.stakater.com/ignore: \"true\""
before=$(adds)
count=$(rollouts --count)
kc -n demo patch secret legacy-token --type merge -p '{"stringData":{"token":"rotate-me-2"}}'
# The admission review is answered before kubectl returns, so the decision is already made: nothing enqueued.
echo "  reloads enqueued: $(( $(adds) - before )); rollouts before: $count, now: $(rollouts --count)"

cat <<MSG

Both keep running (logs in .run/). Try, in another terminal:
  export KUBECONFIG=$kubeconfig
  kubectl -n demo get deployments,daemonsets,statefulsets,cronjobs,jobs
  kubectl -n demo patch secret app-secret --type merge -p '{"stringData":{"password":"new"}}'   # web and db roll
  kubectl get --raw /sim/rollouts
  curl -s http://$metrics/metrics | grep ^reloader_
Ctrl-C stops both.
MSG
[ "${RUN_EXIT_AFTER_DEMO:-}" = 1 ] && exit 0
wait "${pids[0]}"
