#!/usr/bin/env bash
# Runs the test suite under AddressSanitizer and then ThreadSanitizer (debug builds, in .build-asan
# and .build-tsan), the thread-pool tests included (ParallelTests runs parallelFor on 2 and 4 threads).
#
#   Tests/Fuzz/run-sanitizers.sh            # both
#   Tests/Fuzz/run-sanitizers.sh thread     # one of: address, thread
#
# Sanitized debug builds are 5-20x slower than the release tests, so GRADFLOW_SKIP_SLOW=1 (the
# default here; set it to 0 to run everything) skips the test classes that train for long: see
# SLOW_TESTS below. MNIST tests skip themselves unless GRADFLOW_MNIST points at the data set.
# Any sanitizer report fails the run (halt_on_error=1 for ASan; TSan exits 66 on a report).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
SWIFT="${SWIFT:-swift}"
kinds=("$@")
[ ${#kinds[@]} -eq 0 ] && kinds=(address thread)

# Test classes that train for more than a few seconds in a sanitized debug build.
SLOW_TESTS=(SequentialMNISTTests MNISTLoaderTests)
skips=()
if [ "${GRADFLOW_SKIP_SLOW:-1}" = 1 ]; then
    for name in "${SLOW_TESTS[@]}"; do skips+=(--skip "$name"); done
fi

# Swift's crash backtracer and the sanitizers' reports would interleave; the sanitizer's is the one we want.
export SWIFT_BACKTRACE="${SWIFT_BACKTRACE:-enable=no}"
export ASAN_OPTIONS="${ASAN_OPTIONS:-halt_on_error=1:detect_leaks=0:detect_stack_use_after_return=0}"
export TSAN_OPTIONS="${TSAN_OPTIONS:-halt_on_error=1:second_deadlock_stack=1}"

for kind in "${kinds[@]}"; do
    case "$kind" in
        address) scratch=.build-asan ;;
        thread) scratch=.build-tsan ;;
        *) echo "run-sanitizers.sh: unknown sanitizer '$kind' (address or thread)" >&2; exit 2 ;;
    esac
    echo "== swift test --sanitize=$kind (${scratch})"
    "$SWIFT" build --build-tests --sanitize="$kind" --scratch-path "$scratch"
    "$SWIFT" test --skip-build --sanitize="$kind" --scratch-path "$scratch" "${skips[@]}"
done
