#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
#
# Build every libFuzzer target with clang into a build directory (default
# build-fuzz) and run each for FUZZ_SECONDS (default 20) over a temporary
# copy of its seed corpus, so new inputs never land in the repository.
# Prints one line per target; exits non-zero if any target crashed, leaked
# or timed out. Usage: scripts/fuzz-smoke.sh [build-dir]
set -eu

src=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-build-fuzz}
case $build in /*) ;; *) build=$src/$build ;; esac
secs=${FUZZ_SECONDS:-20}

cmake -S "$src" -B "$build" -G Ninja -DCMAKE_C_COMPILER=clang -DFWKIT_FUZZ=ON >/dev/null
ninja -C "$build" -j2 >/dev/null

work=$(mktemp -d "${TMPDIR:-/tmp}/fwkit-fuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT
failed=0
for bin in "$build"/fuzz/fuzz_*; do
	[ -x "$bin" ] || continue
	name=$(basename "$bin")
	mkdir -p "$work/$name/corpus" "$work/$name/artifacts"
	if [ -d "$src/fuzz/corpus/$name" ]; then
		cp -R "$src/fuzz/corpus/$name/." "$work/$name/corpus/"
	fi
	if "$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
		-artifact_prefix="$work/$name/artifacts/" "$work/$name/corpus" \
		>"$work/$name/log" 2>&1; then
		stats=$(grep -E '^#[0-9]+' "$work/$name/log" | tail -n 1 |
			sed -E 's/^#([0-9]+).*cov: ([0-9]+).*exec\/s: ([0-9]+).*/\1 runs, cov \2, \3 exec\/s/')
		echo "ok    $name: $stats"
	else
		failed=1
		kept=$src/fuzz-failures/$name
		mkdir -p "$kept"
		cp "$work/$name/log" "$kept/log"
		cp "$work/$name/artifacts/"* "$kept/" 2>/dev/null || true
		echo "FAIL  $name: $(grep -m1 -E 'ERROR|SUMMARY' "$work/$name/log" || echo 'non-zero exit') (log and input in $kept)"
	fi
done
exit $failed
