#!/usr/bin/env bash
# Build fwkit (release) if needed and run it: `scripts/run.sh demo`,
# `scripts/run.sh bench`, `scripts/run.sh platform --socket /tmp/fw.sock`, ...
# Needs only the build's packages (scripts/deps.sh build); the compiler's
# output is shown when the build fails, and nothing otherwise.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/deps.sh" build
build="${FWKIT_BUILD:-$root/build}"
log=$(mktemp "${TMPDIR:-/tmp}/fwkit-build.XXXXXX")
trap 'rm -f "$log"' EXIT
if [ ! -f "$build/build.ninja" ]; then
	if ! cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
		-DFWKIT_TESTS=OFF >"$log" 2>&1; then
		cat "$log" >&2
		echo "fwkit: configuring the build failed" >&2
		exit 1
	fi
fi
if ! ninja -C "$build" fwkit >"$log" 2>&1; then
	cat "$log" >&2
	echo "fwkit: the build failed" >&2
	exit 1
fi
rm -f "$log"
trap - EXIT
exec "$build/fwkit" "${@:-demo}"
