#!/usr/bin/env bash
# Build fwkit (release) if needed and run it: `scripts/run.sh demo`,
# `scripts/run.sh bench`, `scripts/run.sh platform --socket /tmp/fw.sock`, ...
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/deps.sh"
build="${FWKIT_BUILD:-$root/build}"
if [ ! -f "$build/build.ninja" ]; then
	cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
fi
ninja -C "$build" fwkit >/dev/null
exec "$build/fwkit" "${@:-demo}"
