#!/usr/bin/env bash
# Throughput and latency of reloader's admission webhook against two baselines on the same
# machine: a Go net/http webhook (bench/peers/go-webhook) and nginx answering a fixed response
# (bench/nginx.conf.template). See bench/README.md for what the numbers mean.
#
# Environment (all optional):
#   RELOADER_BIN        reloader binary (default: $(swift build -c release --show-bin-path)/reloader);
#                       its rows are skipped with a message when it does not exist
#   SHARED_DIR          the shared folder with fixtures/ (default: <repo>/../shared)
#   BENCH_SERVERS       servers to run, in order (default: "reloader go nginx")
#   BENCH_QUICK=1       smoke run: small request counts, 5 s soak
#   BENCH_CLIENTS       h2load connections for the throughput runs (default 64)
#   BENCH_N_2K BENCH_N_64K BENCH_N_1M   requests per throughput run for each body
#   BENCH_WARMUP_N      requests of the warm-up run (2 KiB body, each protocol)
#   BENCH_RATE_CLIENTS BENCH_RATE_PER_CLIENT BENCH_RATE_N BENCH_RATE_PROTO (h2|h1)
#                       fixed-rate run: clients x per-client rps = target rate (default 20 x 100 = 2000/s)
#   BENCH_SOAK_SECONDS  sustained 2 KiB HTTP/1.1 load for reloader's RSS check (default 60; quick 5)
#   BENCH_SKIP_INSTALL=1  do not apt-get install missing tools
#   KUBE_CLIENT_BENCH_BIN kube-client-bench binary (default: next to reloader in the release build); the
#                       KubeClient-against-kube-sim table is skipped with a message when it does not exist
#   RELOAD_BENCH_BIN    reload-bench binary (default: next to reloader in the release build); the reload latency
#                       and API cost tables are skipped with a message when it, RELOADER_BIN or kubectl is missing
#   RELOAD_BENCH_WRITES ConfigMap writes per latency series (default 200; quick 20)
#   RELOAD_BENCH_WORKLOADS RELOAD_BENCH_NAMESPACES  the API-cost cluster (default 10000 over 20; quick 2000 over 5)
#   RELOAD_BENCH_RESYNC_PERIOD  reloader's --resync-period in the API-cost run (default 45s; quick 20s)
#   KUBECTL             kubectl for reload-bench's "kubectl write" series (default /usr/bin/kubectl)
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
shared=${SHARED_DIR:-$repo/../shared}
out=$repo/bench/out
quick=${BENCH_QUICK:-0}

if [ "$quick" = 1 ]; then
  d_n2k=2000 d_n64k=1000 d_n1m=100 d_warm=500 d_rate_n=4000 d_soak=5
else
  d_n2k=20000 d_n64k=5000 d_n1m=500 d_warm=2000 d_rate_n=20000 d_soak=60
fi
clients=${BENCH_CLIENTS:-64}
n_2k=${BENCH_N_2K:-$d_n2k}
n_64k=${BENCH_N_64K:-$d_n64k}
n_1m=${BENCH_N_1M:-$d_n1m}
warm_n=${BENCH_WARMUP_N:-$d_warm}
rate_clients=${BENCH_RATE_CLIENTS:-20}
rate_per_client=${BENCH_RATE_PER_CLIENT:-100}
rate_n=${BENCH_RATE_N:-$d_rate_n}
rate_proto=${BENCH_RATE_PROTO:-h2}
soak_seconds=${BENCH_SOAK_SECONDS:-$d_soak}
servers=${BENCH_SERVERS:-reloader go nginx}

log() { echo "bench: $*" >&2; }

# The path of a product of the release build (`swift build -c release --show-bin-path`), or a path that does not
# exist when swift is missing, so each section can say what it skipped.
release_binary() {
  if command -v swift >/dev/null 2>&1; then
    echo "$(cd "$repo" && swift build -c release --show-bin-path 2>/dev/null || true)/$1"
  else
    echo "/nonexistent/$1"
  fi
}
die() { log "error: $*"; exit 1; }

# ---------------------------------------------------------------------------------------------
# Cleanup: every server this script started is killed on exit, whatever the exit path.
started_pids=()
cleanup() {
  local pid
  for pid in "${started_pids[@]}"; do
    if kill -0 "$pid" 2>/dev/null; then
      kill -TERM "$pid" 2>/dev/null || true
    fi
  done
  for pid in "${started_pids[@]}"; do
    # give each a moment, then insist
    for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  started_pids=()
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------------------------------------------------------------------------------------------
# Tools
install_missing() {
  local missing=() p
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  [ "${BENCH_SKIP_INSTALL:-0}" = 1 ] && die "missing packages: ${missing[*]} (BENCH_SKIP_INSTALL=1)"
  log "installing: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}
install_missing nghttp2-client nginx-light golang-go openssl curl
echo_module=/usr/lib/nginx/modules/ngx_http_echo_module.so
[ -f "$echo_module" ] || install_missing libnginx-mod-http-echo
[ -f "$echo_module" ] || die "nginx echo module not found at $echo_module"
command -v python3 >/dev/null || install_missing python3
for t in h2load nginx go openssl curl python3; do command -v "$t" >/dev/null || die "$t not found"; done

# ---------------------------------------------------------------------------------------------
# Inputs: certificates, bodies, the Go peer
mkdir -p "$out"/{certs,fixtures,bin,logs,runs}
"$repo/scripts/gen-certs.sh" "$out/certs" >/dev/null
cert=$out/certs/tls.crt key=$out/certs/tls.key ca=$out/certs/ca.crt
log "certificates in $out/certs"

[ -d "$shared/fixtures" ] || die "shared fixtures not found at $shared/fixtures (set SHARED_DIR)"
body_2k=$shared/fixtures/admission/configmap-update.json
[ -f "$body_2k" ] || die "missing $body_2k"
python3 "$shared/fixtures/tools/make-large.py" --out "$out/fixtures" >/dev/null
body_64k=$out/fixtures/configmap-update-64k.json
body_1m=$out/fixtures/secret-update-1m.json
for f in "$body_64k" "$body_1m"; do [ -f "$f" ] || die "make-large.py did not write $f"; done

# The response nginx sends: what a webhook answers for the 2 KiB review.
uid_2k=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["request"]["uid"])' "$body_2k")
fixed_response="{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"response\":{\"uid\":\"$uid_2k\",\"allowed\":true}}"

log "building the Go peer"
(
  cd "$repo/bench/peers/go-webhook"
  export GOCACHE=$out/go/cache GOPATH=$out/go/path GOMODCACHE=$out/go/path/pkg/mod GOFLAGS= GOTOOLCHAIN=local
  go build -o "$out/bin/go-webhook" .
)

reloader_bin=${RELOADER_BIN:-$(release_binary reloader)}

size_label() { # bytes -> "4.1 KiB"
  python3 -c 'import sys
n=int(sys.argv[1])
for u in ("B","KiB","MiB"):
    if n < 1024 or u == "MiB":
        print(("%.0f %s" if u == "B" or n >= 100 else "%.1f %s") % (n, u)); break
    n /= 1024' "$(stat -c %s "$1")"
}
bodies=(2k 64k 1m)
declare -A body_file=([2k]=$body_2k [64k]=$body_64k [1m]=$body_1m)
declare -A body_n=([2k]=$n_2k [64k]=$n_64k [1m]=$n_1m)
declare -A body_label
for b in "${bodies[@]}"; do body_label[$b]="$b ($(size_label "${body_file[$b]}"))"; done

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# ---------------------------------------------------------------------------------------------
# Servers. start_<name> PORT sets server_pid; wait_ready polls until the server answers.
server_pid=
metrics_port=

# reloader needs an API server since it has an engine (issue 5): an empty kube-sim, started once, so the reviews
# go through the whole admission path (decode, hash, index look-up) and find no workload to reload.
kube_sim_kubeconfig=
start_kube_sim() {
  [ -n "$kube_sim_kubeconfig" ] && return 0
  local sim_bin
  sim_bin=$(release_binary kube-sim)
  [ -x "$sim_bin" ] || die "no kube-sim at $sim_bin (build it with 'swift build -c release')"
  kube_sim_kubeconfig=$out/kube-sim/kubeconfig
  mkdir -p "$out/kube-sim"
  rm -f "$kube_sim_kubeconfig"
  "$sim_bin" --listen "127.0.0.1:$(free_port)" --kubeconfig-out "$kube_sim_kubeconfig" \
    --cert-dir "$out/kube-sim/certs" >"$out/logs/kube-sim.log" 2>&1 &
  started_pids+=("$!")
  for _ in $(seq 1 300); do [ -s "$kube_sim_kubeconfig" ] && return 0; sleep 0.1; done
  die "kube-sim did not write its kubeconfig (see $out/logs/kube-sim.log)"
}

start_reloader() {
  local port=$1
  start_kube_sim
  metrics_port=$(free_port)
  "$reloader_bin" --kubeconfig "$kube_sim_kubeconfig" --webhook-address "127.0.0.1:$port" --tls-cert-file "$cert" \
    --tls-private-key-file "$key" --metrics-address "127.0.0.1:$metrics_port" \
    >"$out/logs/reloader.log" 2>&1 &
  server_pid=$!
  started_pids+=("$server_pid")
}

start_go() {
  local port=$1
  "$out/bin/go-webhook" -addr "127.0.0.1:$port" -cert "$cert" -key "$key" >"$out/logs/go.log" 2>&1 &
  server_pid=$!
  started_pids+=("$server_pid")
}

start_nginx() {
  local port=$1 prefix=$out/nginx
  rm -rf "$prefix"
  mkdir -p "$prefix"
  sed -e "s|@PREFIX@|$prefix|g" -e "s|@PORT@|$port|g" -e "s|@CERT@|$cert|g" -e "s|@KEY@|$key|g" \
    -e "s|@ECHO_MODULE@|$echo_module|g" -e "s|@RESPONSE@|$fixed_response|g" \
    "$repo/bench/nginx.conf.template" >"$prefix/nginx.conf"
  nginx -t -q -p "$prefix" -c "$prefix/nginx.conf" -g 'daemon off;' 2>>"$out/logs/nginx.log" \
    || die "nginx rejected $prefix/nginx.conf (see $out/logs/nginx.log)"
  nginx -p "$prefix" -c "$prefix/nginx.conf" -g 'daemon off;' >>"$out/logs/nginx.log" 2>&1 &
  server_pid=$!
  started_pids+=("$server_pid")
}

wait_ready() { # name port
  local name=$1 port=$2 i
  for i in $(seq 1 150); do
    kill -0 "$server_pid" 2>/dev/null || { log "$name exited during startup (see $out/logs/$name.log)"; return 1; }
    if [ "$name" = reloader ]; then
      if curl -fsS -o /dev/null --max-time 1 "http://127.0.0.1:$metrics_port/readyz" 2>/dev/null \
        && curl -sS -o /dev/null --max-time 2 --cacert "$ca" "https://127.0.0.1:$port/validate" \
          -H 'content-type: application/json' --data-binary "@$body_2k" 2>/dev/null; then
        return 0
      fi
    elif curl -fsS -o /dev/null --max-time 2 --cacert "$ca" "https://127.0.0.1:$port/validate" \
      -H 'content-type: application/json' --data-binary "@$body_2k" 2>/dev/null; then
      return 0
    fi
    sleep 0.2
  done
  log "$name not ready after 30 s"
  return 1
}

stop_server() {
  local pid=$server_pid
  [ -n "$pid" ] || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 25); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  local keep=() p
  for p in "${started_pids[@]}"; do [ "$p" = "$pid" ] || keep+=("$p"); done
  started_pids=("${keep[@]+"${keep[@]}"}")
  server_pid=
}

rss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }
hwm_kib() { awk '/^VmHWM:/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }

# ---------------------------------------------------------------------------------------------
# h2load runs. run_h2load TAG PROTO BODYFILE EXPECTED_N ARGS... writes $out/runs/TAG.{txt,log}
# and sets: r_ok (1/0), r_why, r_rps, r_p50, r_p99 (ms), r_n.
run_h2load() {
  local tag=$1 proto=$2 body=$3 expect=$4
  shift 4
  local txt=$out/runs/$tag.txt lf=$out/runs/$tag.log
  local pargs=()
  [ "$proto" = h1 ] && pargs=(--h1)
  rm -f "$lf"
  r_ok=1 r_why= r_rps=- r_p50=- r_p99=- r_n=0
  local rc=0
  h2load "${pargs[@]}" -d "$body" -H 'content-type: application/json' --log-file="$lf" "$@" \
    "https://127.0.0.1:$port/validate" >"$txt" 2>&1 || rc=$?
  [ "$rc" = 0 ] || { r_ok=0; r_why="h2load exit $rc"; }
  local want_alpn=h2
  [ "$proto" = h1 ] && want_alpn=http/1.1
  local alpn done2xx succeeded
  alpn=$(sed -n 's/^Application protocol: *//p' "$txt" | head -1)
  r_rps=$(sed -n 's/^finished in [^,]*, \([0-9.]*\) req\/s.*/\1/p' "$txt" | head -1)
  succeeded=$(sed -n 's/^requests: .* \([0-9]*\) succeeded.*/\1/p' "$txt" | head -1)
  done2xx=$(sed -n 's/^status codes: \([0-9]*\) 2xx.*/\1/p' "$txt" | head -1)
  r_n=${done2xx:-0}
  [ -n "$r_rps" ] || { r_rps=-; r_ok=0; r_why="${r_why:-no h2load summary}"; }
  if [ "$alpn" != "$want_alpn" ]; then r_ok=0; r_why="${r_why:-negotiated '${alpn:-none}', wanted $want_alpn}"; fi
  if [ -n "$expect" ] && [ "${done2xx:-0}" != "$expect" ]; then
    r_ok=0; r_why="${r_why:-${done2xx:-0}/$expect 2xx}"
  fi
  if [ -n "$expect" ] && [ "${succeeded:-0}" != "$expect" ]; then
    r_ok=0; r_why="${r_why:-${succeeded:-0}/$expect succeeded}"
  fi
  if [ -s "$lf" ]; then
    read -r r_p50 r_p99 < <(python3 - "$lf" <<'PY'
import sys
lat = []
with open(sys.argv[1]) as f:
    for line in f:
        parts = line.split()
        if len(parts) >= 3 and parts[1].startswith("2"):
            lat.append(int(parts[2]))
lat.sort()
def pct(p):
    if not lat:
        return "-"
    i = max(0, min(len(lat) - 1, int(-(-p * len(lat) // 100)) - 1))  # nearest rank
    return "%.2f" % (lat[i] / 1000.0)
print(pct(50), pct(99))
PY
)
  fi
  if [ "$r_ok" = 1 ]; then
    log "  $tag: $r_rps req/s, p50 $r_p50 ms, p99 $r_p99 ms"
  else
    log "  $tag: FAILED ($r_why), see $txt"
  fi
}

# ---------------------------------------------------------------------------------------------
# Results
declare -A res_rps res_p50 res_p99 res_status  # key: server|body|proto
declare -A rate_rps rate_p50 rate_p99 rate_status  # key: server
rss_idle=- rss_before=- rss_after=- rss_hwm=- soak_rps=- soak_status=-

for server in $servers; do
  case $server in reloader | go | nginx) ;; *) die "unknown server '$server' in BENCH_SERVERS" ;; esac
  if [ "$server" = reloader ] && [ ! -x "$reloader_bin" ]; then
    log "SKIP reloader: no executable at $reloader_bin (build it with 'swift build -c release' or set RELOADER_BIN)"
    for b in "${bodies[@]}"; do for p in h1 h2; do res_status[$server|$b|$p]=skipped; done; done
    rate_status[$server]=skipped
    soak_status="skipped (no reloader binary at $reloader_bin)"
    continue
  fi
  port=$(free_port)
  log "starting $server on 127.0.0.1:$port"
  "start_$server" "$port"
  if ! wait_ready "$server" "$port"; then
    stop_server
    for b in "${bodies[@]}"; do for p in h1 h2; do res_status[$server|$b|$p]="FAILED (did not start)"; done; done
    rate_status[$server]="FAILED (did not start)"
    [ "$server" = reloader ] && soak_status="FAILED (did not start)"
    continue
  fi
  pid=$server_pid
  [ "$server" = reloader ] && rss_idle=$(rss_kib "$pid")

  for p in h1 h2; do
    run_h2load "$server-warmup-$p" "$p" "$body_2k" "" -n "$warm_n" -c "$clients" -m 1
  done
  for b in "${bodies[@]}"; do
    for p in h1 h2; do
      n=${body_n[$b]}
      run_h2load "$server-$b-$p" "$p" "${body_file[$b]}" "$n" -n "$n" -c "$clients" -m 1
      k="$server|$b|$p"
      res_rps[$k]=$r_rps res_p50[$k]=$r_p50 res_p99[$k]=$r_p99
      if [ "$r_ok" = 1 ]; then res_status[$k]=ok; else res_status[$k]="FAILED ($r_why)"; fi
      if ! kill -0 "$pid" 2>/dev/null; then
        log "$server died (see $out/logs/$server.log)"
        for b2 in "${bodies[@]}"; do for p2 in h1 h2; do
          [ -n "${res_status[$server|$b2|$p2]:-}" ] || res_status[$server|$b2|$p2]="FAILED (server died)"
        done; done
        break 2
      fi
    done
  done

  if kill -0 "$pid" 2>/dev/null; then
    run_h2load "$server-rate-$rate_proto" "$rate_proto" "$body_2k" "$rate_n" \
      -n "$rate_n" -c "$rate_clients" -m 1 --rps "$rate_per_client"
    rate_rps[$server]=$r_rps rate_p50[$server]=$r_p50 rate_p99[$server]=$r_p99
    if [ "$r_ok" = 1 ]; then rate_status[$server]=ok; else rate_status[$server]="FAILED ($r_why)"; fi
  else
    rate_status[$server]="FAILED (server died)"
  fi

  if [ "$server" = reloader ]; then
    if kill -0 "$pid" 2>/dev/null; then
      rss_before=$(rss_kib "$pid")
      log "  soak: ${soak_seconds}s of 2 KiB HTTP/1.1 at full speed, $clients connections"
      run_h2load "$server-soak-h1" h1 "$body_2k" "" -D "$soak_seconds" -c "$clients" -m 1
      sleep 1
      rss_after=$(rss_kib "$pid") rss_hwm=$(hwm_kib "$pid") soak_rps=$r_rps
      if [ "$r_ok" = 1 ] && kill -0 "$pid" 2>/dev/null; then soak_status=ok; else soak_status="FAILED (${r_why:-server died})"; fi
    else
      soak_status="FAILED (server died)"
    fi
  fi
  kill -0 "$pid" 2>/dev/null || log "$server is no longer running (see $out/logs/$server.log)"
  stop_server
done

# ---------------------------------------------------------------------------------------------
# Report
ratio() { # a b -> a/b with 2 decimals, or -
  python3 -c 'import sys
a, b = sys.argv[1], sys.argv[2]
try:
    print("%.2f" % (float(a) / float(b)))
except (ValueError, ZeroDivisionError):
    print("-")' "$1" "$2"
}
fmt_rps() { [ "$1" = - ] && echo - || printf '%.0f' "$1"; }
kib_mib() { [ "$1" = - ] && echo - || python3 -c 'import sys; print("%.1f MiB" % (int(sys.argv[1]) / 1024))' "$1"; }

{
  echo "## reloader webhook benchmark"
  echo
  echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, h2load $(h2load --version | awk '{print $2}'), $(nginx -v 2>&1 | sed 's/.*: //'), $(go version | awk '{print $3}')$([ "$quick" = 1 ] && echo ', QUICK MODE (smoke run, numbers not meaningful)')"
  echo
  echo "h2load -c $clients -m 1; requests per run: 2k=$n_2k, 64k=$n_64k, 1m=$n_1m. reloader: \`$reloader_bin\`"
  echo
  echo "| body | protocol | server | req/s | p50 ms | p99 ms | ratio to go (req/s) | ratio to nginx (req/s) |"
  echo "|---|---|---|---:|---:|---:|---:|---:|"
  for b in "${bodies[@]}"; do
    for p in h1 h2; do
      pl=HTTP/1.1
      [ "$p" = h2 ] && pl=HTTP/2
      for s in $servers; do
        k="$s|$b|$p"
        st=${res_status[$k]:-not run}
        if [ "$st" = ok ]; then
          rg=-; rn=-
          [ "${res_status[go|$b|$p]:-}" = ok ] && rg=$(ratio "${res_rps[$k]}" "${res_rps[go|$b|$p]}")
          [ "${res_status[nginx|$b|$p]:-}" = ok ] && rn=$(ratio "${res_rps[$k]}" "${res_rps[nginx|$b|$p]}")
          echo "| ${body_label[$b]} | $pl | $s | $(fmt_rps "${res_rps[$k]}") | ${res_p50[$k]} | ${res_p99[$k]} | $rg | $rn |"
        else
          echo "| ${body_label[$b]} | $pl | $s | $st | - | - | - | - |"
        fi
      done
    done
  done
  echo
  rpl=HTTP/2
  [ "$rate_proto" = h1 ] && rpl=HTTP/1.1
  echo "Fixed rate: 2k body, $rpl, $rate_clients connections x $rate_per_client req/s = $((rate_clients * rate_per_client)) req/s target, $rate_n requests"
  echo
  echo "| server | achieved req/s | p50 ms | p99 ms |"
  echo "|---|---:|---:|---:|"
  for s in $servers; do
    st=${rate_status[$s]:-not run}
    if [ "$st" = ok ]; then
      echo "| $s | $(fmt_rps "${rate_rps[$s]}") | ${rate_p50[$s]} | ${rate_p99[$s]} |"
    else
      echo "| $s | $st | - | - |"
    fi
  done
  echo
  echo "reloader memory (VmRSS), ${soak_seconds} s sustained 2k HTTP/1.1 load, $clients connections:"
  echo
  if [[ " $servers " == *" reloader "* ]]; then
    if [ "$soak_status" = ok ]; then
      echo "| idle after start | before soak | after soak | peak (VmHWM) | soak req/s |"
      echo "|---:|---:|---:|---:|---:|"
      echo "| $(kib_mib "$rss_idle") | $(kib_mib "$rss_before") | $(kib_mib "$rss_after") | $(kib_mib "$rss_hwm") | $(fmt_rps "$soak_rps") |"
    else
      echo "$soak_status"
    fi
  else
    echo "not run (reloader not in BENCH_SERVERS)"
  fi
} >"$out/results.md"

# ---------------------------------------------------------------------------------------------
# KubeClient against kube-sim (issue #4): list throughput and patch round trips with one in-process binary;
# its markdown table is appended to the report. KUBE_CLIENT_BENCH_BIN overrides the binary.
kube_bench_bin=${KUBE_CLIENT_BENCH_BIN:-$(release_binary kube-client-bench)}
kube_bench_status=ok
if [ ! -x "$kube_bench_bin" ]; then
  kube_bench_status=skipped
  log "SKIP kube-client-bench: no executable at $kube_bench_bin (build it with 'swift build -c release')"
  printf '\n## KubeClient against kube-sim\n\nskipped: no executable at %s (build it with `swift build -c release`)\n' \
    "$kube_bench_bin" >>"$out/results.md"
else
  kube_bench_args=(--fixture "$shared/fixtures/lists/deployments-list.json")
  [ "$quick" = 1 ] && kube_bench_args+=(--objects 2000 --patches 200 --list-runs 1)
  log "kube-client-bench: Deployments listed in pages of 500, then sequential strategic-merge patches"
  if "$kube_bench_bin" "${kube_bench_args[@]}" >"$out/runs/kube-client-bench.md" 2>"$out/logs/kube-client-bench.log"; then
    { echo; cat "$out/runs/kube-client-bench.md"; } >>"$out/results.md"
  else
    kube_bench_status=FAILED
    log "kube-client-bench FAILED (see $out/logs/kube-client-bench.log)"
    printf '\n## KubeClient against kube-sim\n\nFAILED (see %s)\n' "$out/logs/kube-client-bench.log" >>"$out/results.md"
  fi
fi

# ---------------------------------------------------------------------------------------------
# Reverse index (issue #5): full re-index from list pages, memory per reference, lookups; one child process per
# size so each RSS is clean. INDEX_BENCH_BIN overrides the binary.
index_bench_bin=${INDEX_BENCH_BIN:-$(release_binary index-bench)}
index_bench_status=ok
if [ ! -x "$index_bench_bin" ]; then
  index_bench_status=skipped
  log "SKIP index-bench: no executable at $index_bench_bin (build it with 'swift build -c release')"
  printf '\n## Reverse index (index-bench)\n\nskipped: no executable at %s (build it with `swift build -c release`)\n' \
    "$index_bench_bin" >>"$out/results.md"
else
  index_bench_args=()
  [ "$quick" = 1 ] && index_bench_args+=(--sizes 10000 --lookups 100000)
  log "index-bench: re-index of 10,000 and 100,000 workloads from pages of 500, then 1M lookups"
  if "$index_bench_bin" ${index_bench_args[@]+"${index_bench_args[@]}"} >"$out/runs/index-bench.md" 2>"$out/logs/index-bench.log"; then
    { echo; cat "$out/runs/index-bench.md"; } >>"$out/results.md"
  else
    index_bench_status=FAILED
    log "index-bench FAILED (see $out/logs/index-bench.log)"
    printf '\n## Reverse index (index-bench)\n\nFAILED (see %s)\n' "$out/logs/index-bench.log" >>"$out/results.md"
  fi
fi

# ---------------------------------------------------------------------------------------------
# Reload latency and API cost (DESIGN §6): ConfigMap write -> rollout through kube-sim (in reload-bench's process)
# and the release reloader (a child process), then requests per reload and per resync at 10,000 workloads beside
# Stakater Reloader's, computed. Raw numbers (CSV) go to $out/runs/reload-bench/. RELOAD_BENCH_BIN overrides the binary.
reload_bench_bin=${RELOAD_BENCH_BIN:-$(release_binary reload-bench)}
kubectl_bin=${KUBECTL:-/usr/bin/kubectl}
reload_bench_status=ok
reload_skip=
[ -x "$reload_bench_bin" ] || reload_skip="no executable at $reload_bench_bin (build it with \`swift build -c release\`)"
[ -n "$reload_skip" ] || [ -x "$reloader_bin" ] || reload_skip="no reloader binary at $reloader_bin"
[ -n "$reload_skip" ] || [ -x "$kubectl_bin" ] || reload_skip="no kubectl at $kubectl_bin (set KUBECTL)"
if [ -n "$reload_skip" ]; then
  reload_bench_status=skipped
  log "SKIP reload-bench: $reload_skip"
  printf '\n## Reload latency and API cost (reload-bench)\n\nskipped: %s\n' "$reload_skip" >>"$out/results.md"
else
  if [ "$quick" = 1 ]; then
    d_writes=20 d_workloads=2000 d_namespaces=5 d_period=20s
  else
    d_writes=200 d_workloads=10000 d_namespaces=20 d_period=45s
  fi
  log "reload-bench: ${RELOAD_BENCH_WRITES:-$d_writes} writes per latency series, then API cost at ${RELOAD_BENCH_WORKLOADS:-$d_workloads} workloads (several minutes)"
  if RELOADER_BIN="$reloader_bin" KUBECTL="$kubectl_bin" RELOAD_BENCH_WRITES="${RELOAD_BENCH_WRITES:-$d_writes}" \
    RELOAD_BENCH_WORKLOADS="${RELOAD_BENCH_WORKLOADS:-$d_workloads}" \
    RELOAD_BENCH_NAMESPACES="${RELOAD_BENCH_NAMESPACES:-$d_namespaces}" \
    "$reload_bench_bin" --resync-period "${RELOAD_BENCH_RESYNC_PERIOD:-$d_period}" --raw-dir "$out/runs/reload-bench" \
    >"$out/runs/reload-bench.md" 2>"$out/logs/reload-bench.log"; then
    { echo; cat "$out/runs/reload-bench.md"; } >>"$out/results.md"
  else
    reload_bench_status=FAILED
    log "reload-bench FAILED (see $out/logs/reload-bench.log)"
    printf '\n## Reload latency and API cost (reload-bench)\n\nFAILED (see %s)\n' "$out/logs/reload-bench.log" \
      >>"$out/results.md"
  fi
fi

# One table of the headline figures of this run at the top of the report (issue 7), each saying how it was obtained.
python3 "$repo/scripts/bench-summary.py" "$out/results.md" --inline >/dev/null \
  || log "could not write the summary table (results.md kept as it is)"
echo
cat "$out/results.md"
echo
log "written to $out/results.md (raw h2load output in $out/runs/)"
failed=0
for v in "${res_status[@]}" "${rate_status[@]}"; do [[ "$v" == FAILED* ]] && failed=1; done
[[ "$soak_status" == FAILED* ]] && failed=1
[ "$kube_bench_status" = FAILED ] && failed=1
[ "$index_bench_status" = FAILED ] && failed=1
[ "$reload_bench_status" = FAILED ] && failed=1
exit "$failed"
