#!/usr/bin/env bash
# The platform's cost per message, in instructions (callgrind: stable from run
# to run, unlike time). Each message of bench/messages.txt is sent to the
# default board's platform N and 2N times; the difference over N removes the
# fixed cost of bringing the board up. With a board file (scripts/gen-board.sh
# makes scaled ones), the same table on that board.
#   scripts/msgcost.sh [build-dir [board.dtb]]   (default: build, the default board)
# MSGCOST_ONLY=REGEX measures only the rows whose spec matches.
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
declare -A cost
while read -r spec; do
	a=$(count "$n" "$spec")
	b=$(count $((2 * n)) "$spec")
	name=${spec%%=*}
	cost[$name]=$(((b - a) / n))
	printf '%-44s %12d\n' "$name" "${cost[$name]}"
	# NAME.notifyN after NAME.notify0: what each of the N deliveries cost.
	if [[ $name =~ ^(.*)\.notify([1-9][0-9]*)$ && -n ${cost[${BASH_REMATCH[1]}.notify0]:-} ]]; then
		printf '%-44s %12d\n' "${BASH_REMATCH[1]}.per_subscriber(${BASH_REMATCH[2]})" \
			$(((cost[$name] - cost[${BASH_REMATCH[1]}.notify0]) / BASH_REMATCH[2]))
	fi
done < <(grep -v '^\s*\(#\|$\)' "$root/bench/messages.txt" | grep -E -- "${MSGCOST_ONLY:-.}")
