#!/usr/bin/env bash
# The platform's cost per message, in instructions (callgrind: stable from run
# to run, unlike time). Each message of bench/messages.txt is sent to the
# default board's platform N and 2N times; the difference over N removes the
# fixed cost of bringing the board up. With a board file (scripts/gen-board.sh
# makes scaled ones), the same table on that board.
# MSGCOST_ONLY=REGEX measures only the rows whose name matches.
#   scripts/msgcost.sh [build-dir [board.dtb]]   (default: build, the default board)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
n=${MSGCOST_N:-200}
board=()
[ $# -ge 2 ] && board=(--dtb "$2")
command -v valgrind >/dev/null || "$root/scripts/deps.sh" test
[ -x "$build/fwkit" ] || { cmake -S "$root" -B "$build" -G Ninja >/dev/null; ninja -C "$build" fwkit >/dev/null; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

count() { # iterations spec
	valgrind --tool=callgrind --callgrind-out-file="$tmp/cg" "$build/fwkit" bench --cost \
		"${board[@]}" --iterations "$1" "$2" >/dev/null 2>"$tmp/log"
	sed -n 's/.*Collected : \([0-9]*\).*/\1/p' "$tmp/log"
}

printf '%-44s %12s\n' message instructions
grep -v '^\s*\(#\|$\)' "$root/bench/messages.txt" | grep -E "^(${MSGCOST_ONLY:-.*})=" | while read -r spec; do
	a=$(count "$n" "$spec")
	b=$(count $((2 * n)) "$spec")
	printf '%-44s %12d\n' "${spec%%=*}" $(((b - a) / n))
done
