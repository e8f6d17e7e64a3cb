#!/bin/sh
# The device host on an engine in another process: `fwkit issei fw` serves
# the engine, `fwkit issei run --engine-socket` starts a host on it and runs
# the device-only program (devprog.c) under the preload. Usage: FWKIT DEVPROG
set -eu
fwkit=$1
prog=$2
dir=$(mktemp -d)
trap 'kill "$fw" 2>/dev/null; wait "$fw" 2>/dev/null; rm -rf "$dir"' EXIT
"$fwkit" issei fw --socket "$dir/engine.sock" >"$dir/fw.out" &
fw=$!
# The engine says when it listens; wait for that line (bounded).
i=0
until grep -q listening "$dir/fw.out" 2>/dev/null; do
	i=$((i + 1))
	[ "$i" -lt 200 ] || { echo "engine did not start"; exit 1; }
	sleep 0.05
done
"$fwkit" issei run --engine-socket "$dir/engine.sock" --timeout-ms 20000 -- \
	"$prog" sysfs echo spdm unknown big timeout poll signal two
