#!/usr/bin/env bash
# make fuzz: builds the libFuzzer targets in Fuzz/ with `swiftc -sanitize=fuzzer,address` (the toolchain ships
# libclang_rt.fuzzer on Linux) over the sources they exercise, then runs each for FUZZ_SECONDS over a scratch copy
# of its committed corpus, so new inputs do not dirty the tree. FUZZ_SAVE=1 merges the inputs that add coverage
# back into the committed corpus. Fails on the first crash and prints the crashing input's path.
#
#   FUZZ_SECONDS=60   seconds per target        FUZZ_TARGETS="FuzzHTTP1 FuzzAdmissionReview"
#   FUZZ_SAVE=0       1: merge new inputs in    FUZZ_SCRATCH=.build-fuzz (git-ignored)
#   FUZZ_JOBS=1       parallel libFuzzer jobs per target
set -euo pipefail
cd "$(dirname "$0")/.."

SECONDS_PER_TARGET=${FUZZ_SECONDS:-60}
SAVE=${FUZZ_SAVE:-0}
SCRATCH=${FUZZ_SCRATCH:-.build-fuzz}
TARGETS=${FUZZ_TARGETS:-FuzzHTTP1 FuzzAdmissionReview}
JOBS=${FUZZ_JOBS:-1}
SWIFTC=${SWIFTC:-swiftc}
# A crash must reach libFuzzer at once: Swift's backtracer would otherwise hold the process (and its pipes).
export SWIFT_BACKTRACE=enable=no
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0:abort_on_error=1}

sources() {
  case $1 in
    FuzzHTTP1)
      echo Sources/WebhookServer/HTTP1/{ChunkedDecoder,HTTP1ConnectionStateMachine,HTTP1Head}.swift \
        Sources/WebhookServer/HTTP/{HTTPRequest,JSONString}.swift Sources/WebhookServer/Server/ServerLimits.swift ;;
    FuzzAdmissionReview)
      echo Sources/Reloader/Model/{AdmissionDecodingError,AdmissionReview+Decoding,AdmissionReview,JSONReader,KubeObject}.swift ;;
    *) echo "unknown fuzz target $1" >&2; exit 2 ;;
  esac
}

corpus() {
  case $1 in
    FuzzHTTP1) echo Tests/WebhookServerTests/Fixtures/http1-corpus ;;
    FuzzAdmissionReview) echo Tests/ReloaderTests/Fixtures/admission-corpus ;;
  esac
}

max_len() {
  case $1 in
    FuzzHTTP1) echo 4096 ;;
    FuzzAdmissionReview) echo 16384 ;;
  esac
}

mkdir -p "$SCRATCH"
status=0
for target in $TARGETS; do
  binary=$SCRATCH/$target
  echo "== building $target"
  # shellcheck disable=SC2046
  "$SWIFTC" -sanitize=fuzzer,address -parse-as-library -O -g -module-name "$target" \
    $(sources "$target") "Fuzz/$target/$target.swift" -o "$binary" 2> >(grep -v "Cannot export local symbol" >&2)

  work=$SCRATCH/corpus/$target
  artifacts=$SCRATCH/artifacts/$target
  rm -rf "$work" "$artifacts" && mkdir -p "$work" "$artifacts"
  cp "$(corpus "$target")"/* "$work"/

  echo "== running $target for ${SECONDS_PER_TARGET}s over $(ls "$work" | wc -l) seed inputs"
  log=$SCRATCH/$target.log
  set +e
  "$binary" -max_total_time="$SECONDS_PER_TARGET" -timeout=10 -rss_limit_mb=2048 -max_len="$(max_len "$target")" \
    -jobs="$JOBS" -workers="$JOBS" -print_final_stats=1 -artifact_prefix="$artifacts/" "$work" >"$log" 2>&1
  rc=$?
  set -e
  if [ "$JOBS" -gt 1 ]; then cat fuzz-*.log >>"$log" 2>/dev/null && rm -f fuzz-*.log; fi
  grep -E "^(#[0-9]+ +DONE|stat::number_of_executed_units|stat::average_exec_per_sec|stat::new_units_added)" "$log" || true
  crashes=$(ls "$artifacts" 2>/dev/null | sed "s|^|$artifacts/|")
  if [ $rc -ne 0 ] || [ -n "$crashes" ]; then
    echo "!! $target failed (exit $rc); log: $log" >&2
    grep -E "Fatal error|ERROR: (libFuzzer|AddressSanitizer)|SUMMARY" "$log" | head -5 >&2 || true
    for crash in $crashes; do echo "!! crashing input: $crash" >&2; done
    status=1
    continue
  fi
  if [ "$SAVE" = 1 ]; then
    echo "== merging new coverage into $(corpus "$target")"
    "$binary" -merge=1 -max_len="$(max_len "$target")" "$(corpus "$target")" "$work" >>"$log" 2>&1
  fi
done
exit $status
