#!/usr/bin/env bash
# Install what fwkit needs from Debian 12, only when something is missing.
#   scripts/deps.sh build   what building and running fwkit needs (scripts/run.sh)
#   scripts/deps.sh test    that plus every tool the test suite calls (scripts/test.sh)
# A fresh Debian 12 needs nothing else. Run as root, or with sudo available.
set -euo pipefail

build=(
	build-essential   # gcc, make
	cmake ninja-build pkg-config
	libfdt-dev device-tree-compiler # device trees: libfdt to read, dtc to build boards
)
test=(
	clang             # second compiler, sanitizers, libFuzzer
	libclang-rt-14-dev # clang's sanitizer and libFuzzer runtimes
	clang-format      # the format check
	libcmocka-dev     # unit tests
	valgrind          # callgrind instruction counts (scripts/msgcost.sh)
)

case "${1:-test}" in
build) pkgs=("${build[@]}") ;;
test) pkgs=("${build[@]}" "${test[@]}") ;;
*)
	echo "usage: scripts/deps.sh build|test" >&2
	exit 2
	;;
esac

missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "fwkit: installing ${missing[*]}" >&2
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
	command -v sudo >/dev/null || {
		echo "fwkit: need root (or sudo) to install ${missing[*]}" >&2
		exit 1
	}
	SUDO="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
