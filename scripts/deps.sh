#!/usr/bin/env bash
# Install what fwkit needs from Debian 12, only when something is missing.
#   scripts/deps.sh build   what building and running fwkit needs (scripts/run.sh)
#   scripts/deps.sh test    that plus every tool the test suite calls (scripts/test.sh)
#   scripts/deps.sh guest   what the real-guest test needs (tests/guest/guest-e2e.sh): a
#                           cross compiler and kernel build tools, and QEMU >= 8.1 for
#                           vhost-user-scmi, which Debian 12 has in bookworm-backports only
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

guest=(
	gcc-aarch64-linux-gnu make flex bison bc cpio xz-utils gzip # the guest kernel
	libelf-dev libssl-dev device-tree-compiler                  # and its DT
)

case "${1:-test}" in
build) pkgs=("${build[@]}") ;;
test) pkgs=("${build[@]}" "${test[@]}") ;;
guest) pkgs=("${guest[@]}") ;;
*)
	echo "usage: scripts/deps.sh build|test|guest" >&2
	exit 2
	;;
esac

missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# QEMU with vhost-user-scmi (the guest set only).
need_qemu() {
	[ "${1:-test}" = guest ] || return 1
	! qemu-system-aarch64 -device help 2>/dev/null | grep -q '"vhost-user-scmi-pci"'
}
[ ${#missing[@]} -eq 0 ] && ! need_qemu "${1:-test}" && exit 0

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
	command -v sudo >/dev/null || {
		echo "fwkit: need root (or sudo) to install ${missing[*]}" >&2
		exit 1
	}
	SUDO="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
if [ ${#missing[@]} -ne 0 ]; then
	echo "fwkit: installing ${missing[*]}" >&2
	$SUDO apt-get update -qq
	$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
if need_qemu "${1:-test}"; then
	if ! grep -rqs "bookworm-backports" /etc/apt/sources.list /etc/apt/sources.list.d/; then
		echo "fwkit: adding Debian's bookworm-backports to apt's sources (for QEMU 10)" >&2
		printf '%s\n' "Types: deb" "URIs: http://deb.debian.org/debian" \
			"Suites: bookworm-backports" "Components: main" \
			"Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg" |
			$SUDO tee /etc/apt/sources.list.d/fwkit-backports.sources >/dev/null
	fi
	echo "fwkit: installing qemu-system-arm from bookworm-backports" >&2
	$SUDO apt-get -o DPkg::Lock::Timeout=600 update -qq
	$SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends \
		-t bookworm-backports qemu-system-arm >/dev/null
fi
