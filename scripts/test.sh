#!/usr/bin/env bash
# The whole test suite, as CI runs it: the layer rules (scripts/check-layers.sh),
# the cmocka suite under CTest with gcc (with the real Linux guest test),
# again with clang under ASan+UBSan and under TSan, a format check, and a
# short libFuzzer run of every fuzz target. Installs its own dependencies.
#   FWKIT_QUICK=1   only the gcc build and its tests
#   FUZZ_SECONDS=N  seconds per fuzz target (default 20)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
"$root/scripts/deps.sh" test
jobs=$(nproc)
failed=()

step() { echo; echo "=== $*"; }

suite() { # name, cmake args...
	local name=$1; shift
	local dir="$root/build-ci-$name"
	step "$name: configure and build"
	cmake -S "$root" -B "$dir" -G Ninja "$@" >/dev/null
	ninja -C "$dir" -j"$jobs"
	step "$name: ctest"
	if ! ctest --test-dir "$dir" --output-on-failure -j"$jobs" --timeout 600; then
		failed+=("$name")
	fi
}

step "layers"
if ! "$root/scripts/check-layers.sh"; then
	failed+=(layers)
fi
# The gcc suite also boots the real guest (tests/guest, label "guest").
suite gcc -DCMAKE_C_COMPILER=gcc -DCMAKE_BUILD_TYPE=RelWithDebInfo -DFWKIT_GUEST_TEST=ON
if [ "${FWKIT_QUICK:-0}" != 1 ]; then
	export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1
	suite asan -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=Debug -DFWKIT_SANITIZE=address
	export TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1
	suite tsan -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=RelWithDebInfo -DFWKIT_SANITIZE=thread
	step "format"
	if ! git ls-files '*.c' '*.h' | xargs clang-format --dry-run -Werror; then
		failed+=(format)
	fi
	step "fuzz smoke"
	if ! "$root/scripts/fuzz-smoke.sh" "$root/build-ci-fuzz"; then
		failed+=(fuzz)
	fi
fi

echo
if [ ${#failed[@]} -ne 0 ]; then
	echo "FAILED: ${failed[*]}"
	exit 1
fi
echo "all test stages passed"
