#!/usr/bin/env bash
# The platform's cost per message, in instructions (callgrind: stable from run
# to run, unlike time). Each message of bench/messages.txt is sent to the
# default board's platform N and 2N times; the difference over N removes the
# fixed cost of bringing the board up. With a board file (scripts/gen-board.sh
# makes scaled ones), the same table on that board. Two columns: the whole
# message as the benchmark sends it (its own writes of the SMT area as an
# agent would make them, then the SMC: how TF-A's figures in issue 9 were
# taken), and the platform's part alone (inside scmi_platform_smc: SMT read,
# checks, handler, reply).
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

count() { # iterations spec: "total platform"
	valgrind --tool=callgrind --callgrind-out-file="$tmp/cg" "$build/fwkit" bench --cost \
		"${board[@]}" --iterations "$1" "$2" >/dev/null 2>"$tmp/log"
	echo "$(sed -n 's/.*Collected : \([0-9]*\).*/\1/p' "$tmp/log")" \
		"$(callgrind_annotate --inclusive=yes --threshold=100 "$tmp/cg" |
			sed -n 's/^ *\([0-9,]*\) .*:scmi_platform_smc .*/\1/p' | tr -d , | head -1)"
}

printf '%-44s %12s %9s\n' message instructions platform
declare -A cost
while read -r spec; do
	read -r a pa <<<"$(count "$n" "$spec")"
	read -r b pb <<<"$(count $((2 * n)) "$spec")"
	name=${spec%%=*}
	cost[$name]=$(((b - a) / n))
	printf '%-44s %12d %9d\n' "$name" "${cost[$name]}" $(((${pb:-0} - ${pa:-0}) / n))
	# NAME.notifyN after NAME.notify0: what each of the N deliveries cost.
	if [[ $name =~ ^(.*)\.notify([1-9][0-9]*)$ && -n ${cost[${BASH_REMATCH[1]}.notify0]:-} ]]; then
		printf '%-44s %12d\n' "${BASH_REMATCH[1]}.per_subscriber(${BASH_REMATCH[2]})" \
			$(((cost[$name] - cost[${BASH_REMATCH[1]}.notify0]) / BASH_REMATCH[2]))
	fi
done < <(grep -v '^\s*\(#\|$\)' "$root/bench/messages.txt" | grep -E -- "${MSGCOST_ONLY:-.}")
