#!/usr/bin/env bash
# A scaled board for the benchmark: the default board (boards/default.dts,
# included, so its host agent, channel and resources stay where the bench
# expects them) plus generated agents, devices, clocks and sensors up to the
# counts asked, so that scale claims are measured (scripts/msgcost.sh with
# MSGCOST_DTB) rather than asserted. Each extra agent has its own SMC id and
# SMT area and may use every extra device; clocks and sensors go round the
# devices.
#   scripts/gen-board.sh AGENTS DEVICES CLOCKS SENSORS OUT.dtb
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
[ $# -eq 5 ] || { echo "usage: $0 AGENTS DEVICES CLOCKS SENSORS OUT.dtb" >&2; exit 2; }
agents=$1 devices=$2 clocks=$3 sensors=$4 out=$5
# The default board's own agents, devices 0-7, clocks and sensors (see
# boards/*.dtsi): the generated ones start after them.
first_agent=$(($(grep -ho '^\s*agent@[0-9]*' "$root/boards/default.dts" "$root"/boards/scmi-*.dtsi |
	sed 's/.*@//' | sort -n | tail -1) + 1))
first_device=8
first_clock=$(grep -c '^\s*clock@' "$root/boards/scmi-clock.dtsi")
first_sensor=$(grep -c '^\s*sensor@' "$root/boards/scmi-sensor.dtsi")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# resources GROUP NODE LABEL FIRST COUNT PROPERTY...: nodes FIRST..COUNT-1
# under GROUP, each on a generated device in turn, with the properties given.
resources() {
	local group=$1 node=$2 label=$3 first=$4 count=$5
	shift 5
	printf '\t\t%s {\n' "$group"
	for ((i = first; i < count; i++)); do
		printf '\t\t\t%s@%d {\n\t\t\t\treg = <%d>;\n\t\t\t\tlabel = "%s%d";\n' \
			"$node" "$i" "$i" "$label" "$i"
		printf '\t\t\t\tfwkit,device = <%d>;\n' $((first_device + i % (devices - first_device)))
		printf '\t\t\t\t%s\n' "$@"
		printf '\t\t\t};\n'
	done
	printf '\t\t};\n'
}

{
	echo '/include/ "default.dts"'
	echo '/ {'
	for ((a = first_agent; a <= agents; a++)); do
		printf '\tgen_shm%d: sram@%x {\n\t\tcompatible = "arm,scmi-shmem";\n' "$a" $((0x48000000 + a * 0x1000))
		printf '\t\treg = <0x0 0x%x 0x0 0x1000>;\n\t};\n' $((0x48000000 + a * 0x1000))
	done
	echo '	firmware {'
	for ((a = first_agent; a <= agents; a++)); do
		printf '\t\tgen_chan%d: scmi-gen%d {\n\t\t\tcompatible = "arm,scmi-smc";\n' "$a" "$a"
		printf '\t\t\tarm,smc-id = <0x%x>;\n\t\t\tshmem = <&gen_shm%d>;\n\t\t};\n' \
			$((0x82100000 + a)) "$a"
	done
	echo '	};'
	echo '	scmi-platform {'
	devlist=""
	for ((d = first_device; d < devices; d++)); do devlist+=" $d"; done
	for ((a = first_agent; a <= agents; a++)); do
		printf '\t\tagent@%d {\n\t\t\treg = <%d>;\n\t\t\tlabel = "gen%d";\n' "$a" "$a" "$a"
		printf '\t\t\tfwkit,channel = <&gen_chan%d>;\n' "$a"
		[ -n "$devlist" ] && printf '\t\t\tfwkit,devices = <%s>;\n' "${devlist# }"
		printf '\t\t};\n'
	done
	echo '		devices {'
	for ((d = first_device; d < devices; d++)); do
		printf '\t\t\tdevice@%d {\n\t\t\t\treg = <%d>;\n\t\t\t\tlabel = "dev%d";\n\t\t\t};\n' \
			"$d" "$d" "$d"
	done
	echo '		};'
	resources clocks clock clk "$first_clock" "$clocks" \
		'fwkit,rates = /bits/ 64 <100000000 200000000 400000000>;'
	resources sensors sensor sen "$first_sensor" "$sensors" \
		'fwkit,type = <2>;' 'fwkit,source = "constant";' 'fwkit,value = <40>;'
	echo '	};'
	echo '};'
} >"$tmp/board.dts"
dtc -q -I dts -O dtb -i "$root/boards" -o "$out" "$tmp/board.dts"
