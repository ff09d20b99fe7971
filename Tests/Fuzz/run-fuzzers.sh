#!/usr/bin/env bash
# Builds the libFuzzer targets (release, with AddressSanitizer) and runs each over its seed corpus.
#
#   Tests/Fuzz/run-fuzzers.sh                    # every target, FUZZ_SECONDS (default 60) each
#   FUZZ_SECONDS=600 FUZZ_JOBS=2 Tests/Fuzz/run-fuzzers.sh FuzzCSV FuzzIDX
#
# AddressSanitizer and LeakSanitizer watch every run; -timeout=10 -rss_limit_mb=2048 make a hang or a
# runaway allocation a finding too. Inputs found are added to .build-fuzz-artifacts/corpus/<target>/ (the checked-in seeds in
# Tests/Fuzz/Corpus/<target>/ are only read); crashes, timeouts and out-of-memory inputs are written
# to .build-fuzz-artifacts/<target>/, and each run's log to .build-fuzz-artifacts/<target>.log.
# Exits non-zero when any target found a problem. Re-run a crash: .build-fuzz/release/<target> FILE
set -euo pipefail
# Swift's crash backtracer would catch the trap before libFuzzer writes the crashing input.
export SWIFT_BACKTRACE="${SWIFT_BACKTRACE:-enable=no}"
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
SWIFT="${SWIFT:-swift}"
seconds="${FUZZ_SECONDS:-60}"
jobs="${FUZZ_JOBS:-2}"
scratch="${FUZZ_SCRATCH:-$root/.build-fuzz}"
artifacts="${FUZZ_ARTIFACTS:-$root/.build-fuzz-artifacts}"
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(FuzzGraphFile FuzzCSV FuzzIDX FuzzSafetensors FuzzNumpy)

# The longest input tried, per target: a graph file or CSV of a few pages, a small IDX or checkpoint.
max_len() {
    case "$1" in
        FuzzGraphFile) echo 4096 ;;
        FuzzCSV) echo 4096 ;;
        FuzzIDX) echo 2048 ;;
        FuzzSafetensors) echo 4096 ;;
        FuzzNumpy) echo 4096 ;;
    esac
}
corpus_name() {
    case "$1" in
        FuzzGraphFile) echo graphfile ;; FuzzCSV) echo csv ;; FuzzIDX) echo idx ;; FuzzSafetensors) echo safetensors ;; FuzzNumpy) echo numpy ;;
    esac
}

"$SWIFT" build -c release --package-path Tests/Fuzz --scratch-path "$scratch" \
    -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library

run_one() {
    local target="$1" name; name="$(corpus_name "$target")"
    mkdir -p "$artifacts/$target" "$artifacts/corpus/$name"
    # LeakSanitizer is on (libFuzzer's default): an input whose run leaks stops the fuzzer like a crash.
    "$scratch/release/$target" "$artifacts/corpus/$name" "Tests/Fuzz/Corpus/$name" \
        -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=2048 \
        -max_len="$(max_len "$target")" -print_final_stats=1 \
        -artifact_prefix="$artifacts/$target/" > "$artifacts/$target.log" 2>&1
}

status=0
pids=()
names=()
for target in "${targets[@]}"; do
    run_one "$target" & pids+=($!); names+=("$target")
    if [ ${#pids[@]} -ge "$jobs" ]; then
        wait "${pids[0]}" || { echo "${names[0]}: see $artifacts/${names[0]}.log"; status=1; }
        pids=("${pids[@]:1}"); names=("${names[@]:1}")
    fi
done
for i in "${!pids[@]}"; do
    wait "${pids[$i]}" || { echo "${names[$i]}: see $artifacts/${names[$i]}.log"; status=1; }
done

# One line per target: executions, seconds, corpus size and what was found.
for target in "${targets[@]}"; do
    log="$artifacts/$target.log"
    runs="$(grep -o 'stat::number_of_executed_units: [0-9]*' "$log" | awk '{print $2}' | tail -1)"
    secs="$(grep -o 'Done [0-9]* runs in [0-9]* second' "$log" | awk '{print $5}' | tail -1)"
    corpus="$(ls "$artifacts/corpus/$(corpus_name "$target")" | wc -l)"
    crashes="$(ls "$artifacts/$target" | grep -c -E '^(crash|leak)-' || true)"
    timeouts="$(ls "$artifacts/$target" | grep -c '^timeout-' || true)"
    ooms="$(ls "$artifacts/$target" | grep -c '^oom-' || true)"
    echo "$target: ${runs:-?} executions in ${secs:-?} s, corpus $corpus, crashes or leaks $crashes, timeouts $timeouts, out-of-memory $ooms"
done
exit "$status"
