#!/bin/sh
# The device host on an engine in another process: `fwkit issei fw` serves
# the engine; first `fwkit issei run --engine-socket` starts a host on it for
# the device-only program (devprog.c), then a standing `fwkit issei host`
# serves two such programs at once through `fwkit issei run --socket`.
# Usage: FWKIT DEVPROG
set -eu
fwkit=$1
prog=$2
dir=$(mktemp -d)
fw=
host=
trap 'kill $fw $host 2>/dev/null; wait 2>/dev/null; rm -rf "$dir"' EXIT

# Start a server in the background and wait (bounded) for its "listening".
serve() {
	out=$1
	shift
	"$@" >"$out" &
	i=0
	until grep -q listening "$out" 2>/dev/null; do
		i=$((i + 1))
		[ "$i" -lt 400 ] || { echo "not listening: $*"; exit 1; }
		sleep 0.05
	done
}

serve "$dir/fw.out" "$fwkit" issei fw --socket "$dir/engine.sock"
fw=$!
"$fwkit" issei run --engine-socket "$dir/engine.sock" --timeout-ms 20000 -- \
	"$prog" sysfs echo spdm unknown big timeout poll signal restart two ppoll passthrough

serve "$dir/host.out" "$fwkit" issei host --socket "$dir/dev.sock" \
	--engine-socket "$dir/engine.sock" --timeout-ms 20000
host=$!
"$fwkit" issei run --socket "$dir/dev.sock" -- "$prog" echo two poll &
a=$!
"$fwkit" issei run --socket "$dir/dev.sock" -- "$prog" spdm unknown sysfs
wait $a
