#!/usr/bin/env bash
# Install what fwkit needs from Debian 12, only when something is missing.
# Used by scripts/run.sh and scripts/test.sh, so a fresh machine needs nothing
# else. Run as root, or with sudo available.
set -euo pipefail

pkgs=(
	build-essential   # gcc, make
	cmake ninja-build pkg-config
	clang             # second compiler, sanitizers, libFuzzer
	libclang-rt-14-dev # clang's sanitizer and libFuzzer runtimes
	libfdt-dev device-tree-compiler # device trees: libfdt to read, dtc to build boards
	libcmocka-dev     # unit tests
	valgrind          # callgrind instruction counts in the benchmark notes
)

missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "fwkit: installing ${missing[*]}" >&2
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
