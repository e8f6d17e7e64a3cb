#!/usr/bin/env bash
# Per-message cost does not depend on the size of the board, counted, not
# timed: scripts/msgcost.sh (callgrind instruction counts, the same from run
# to run) measures the messages below on the default board and on one
# scripts/gen-board.sh makes with 32 agents, 64 devices, 256 clocks and 256
# sensors; every figure must be within 2% of the default board's. A scan of
# agents, devices, channels or resources would grow with them (a
# permission change holds its own agent's lock, not every agent's; a reset
# of an agent visits the resources and devices it left state on). Skipped
# (exit 77) where valgrind is not installed.
#   tests/scale/cost_independent.sh BUILD_DIR
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=$1
command -v valgrind >/dev/null || {
	echo "SKIPPED: valgrind is not installed (scripts/deps.sh test installs it)" >&2
	exit 77
}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$root/scripts/gen-board.sh" 32 64 256 256 "$tmp/big.dtb"
# Many messages: a one-off cost in a run (a worker thread woken once) must
# vanish in the difference over N, the rows being a few hundred instructions.
export MSGCOST_N=1000
export MSGCOST_ONLY='base.PROTOCOL_ATTRIBUTES|base.DISCOVER_AGENT|base.SET_DEVICE_PERMISSIONS|base.RESET_AGENT_CONFIGURATION|clock.RATE_GET|sensor.READING_GET'
"$root/scripts/msgcost.sh" "$build" >"$tmp/default"
"$root/scripts/msgcost.sh" "$build" "$tmp/big.dtb" >"$tmp/big"
paste "$tmp/default" "$tmp/big" | awk '
	NR == 1 { next }
	# name, whole message, platform part: the default board, then the big one
	{
		ok = $1 == $4 && $2 > 0 && ($5 - $2) * 100 <= 2 * $2 && ($2 - $5) * 100 <= 2 * $2
		printf "%-36s %8d %8d %s\n", $1, $2, $5, ok ? "ok" : "DIFFERS"
		bad += !ok
		rows++
	}
	END { exit !(rows == 6 && !bad) }'
