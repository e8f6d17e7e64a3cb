#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
#
# fwkit used as a library the ordinary way (CTest `library_install`):
# install the build into a temporary prefix with `cmake --install --prefix`,
# build examples/base_info.c against that prefix with its Makefile
# (pkg-config, shared; and pkg-config --static) and its CMakeLists.txt
# (find_package(fwkit), shared and static), run each and check that Base
# lists the nine protocols 0x11..0x19, and that a dynamically linked binary
# needs libfwkit.so (readelf NEEDED) and a static one does not. libfwkit.so
# must export only what the installed headers name, and each installed
# header must compile on its own.
# Usage: install_test.sh BUILD SOURCE CMAKE GENERATOR CC SANITIZE_FLAGS LIBDIR SHARED
set -eu
build=$1 src=$2 cmake=$3 generator=$4 cc=$5 sanflags=$6 libdir=$7 shared=$8

work=$(mktemp -d "${TMPDIR:-/tmp}/fwkit-install.XXXXXX")
trap 'rm -rf "$work"' EXIT
prefix=$work/prefix

fail() {
	echo "install test: $*" >&2
	exit 1
}

# check_run NAME BINARY needs|static: run it and check its output and links.
check_run() {
	"$2" >"$work/$1.out" 2>&1 || {
		cat "$work/$1.out" >&2
		fail "$1: $2 failed"
	}
	for p in 11 12 13 14 15 16 17 18 19; do
		grep -q "^protocol 0x$p " "$work/$1.out" ||
			fail "$1: Base does not list protocol 0x$p: $(cat "$work/$1.out")"
	done
	if readelf -d "$2" | grep -q 'NEEDED.*\[libfwkit\.so'; then linked=needs; else linked=static; fi
	[ "$linked" = "$3" ] || fail "$1: expected a $3 link of libfwkit, got $linked"
	echo "ok    $1 ($linked)"
}

"$cmake" --install "$build" --prefix "$prefix" >"$work/install.log" ||
	fail "cmake --install failed: $(cat "$work/install.log")"
for f in "include/fwkit/scmi/session.h" "$libdir/libfwkit.a" "$libdir/pkgconfig/fwkit.pc" \
	"$libdir/cmake/fwkit/fwkitConfig.cmake" "bin/fwkit"; do
	[ -e "$prefix/$f" ] || fail "not installed: $f"
done
# libfwkit.so exports what the installed headers name, and nothing else.
if [ "$shared" = ON ]; then
	find "$prefix/include/fwkit" -name '*.h' -exec cat {} + | tr -cs 'A-Za-z0-9_' '\n' |
		sort -u >"$work/public"
	nm -D --defined-only --format=posix "$prefix/$libdir/libfwkit.so" | cut -d' ' -f1 |
		sort -u >"$work/exported"
	grep -qx scmi_session_local "$work/exported" || fail "libfwkit.so does not export scmi_session_local"
	internal=$(comm -23 "$work/exported" "$work/public" | tr '\n' ' ')
	[ -z "$internal" ] || fail "libfwkit.so exports what no public header names: $internal"
	echo "ok    exports ($(wc -l <"$work/exported") symbols)"
fi
# Every installed header compiles on its own, in plain C11 (no _GNU_SOURCE).
for h in $(cd "$prefix/include" && find fwkit -name '*.h' | sort); do
	echo "#include <$h>" | "$cc" -std=c11 -Wall -Wextra -Werror -fsyntax-only \
		-I"$prefix/include" -x c - >"$work/header.log" 2>&1 ||
		fail "$h does not compile on its own: $(cat "$work/header.log")"
done
echo "ok    headers"
cp "$src/examples/base_info.c" "$src/examples/Makefile" "$src/examples/CMakeLists.txt" "$work/"

# pkg-config, through the Makefile; CFLAGS from the environment so that the
# Makefile still appends pkg-config's own.
export PKG_CONFIG_PATH="$prefix/$libdir/pkgconfig"
if [ "$shared" = ON ]; then
	CC=$cc CFLAGS="-O2 -Wall -Wextra -Werror $sanflags" LDFLAGS="$sanflags" \
		make -s -C "$work" base_info >"$work/make.log" 2>&1 ||
		fail "make with pkg-config failed: $(cat "$work/make.log")"
	LD_LIBRARY_PATH="$prefix/$libdir" check_run pkg-config "$work/base_info" needs
fi
# pkg-config --static: Libs.private must bring what libfwkit.a needs.
# shellcheck disable=SC2046 # pkg-config's flags are words
"$cc" $sanflags -O2 -o "$work/base_info_static" "$work/base_info.c" \
	$(pkg-config --cflags fwkit) $(pkg-config --static --libs fwkit | sed 's/-lfwkit/-l:libfwkit.a/') \
	>"$work/static.log" 2>&1 || fail "static link with pkg-config --static failed: $(cat "$work/static.log")"
check_run pkg-config-static "$work/base_info_static" static

# find_package(fwkit) with CMAKE_PREFIX_PATH.
cmake_example() { # name, expected link, cmake args...
	name=$1 want=$2
	shift 2
	"$cmake" -S "$work" -B "$work/$name" -G "$generator" -DCMAKE_PREFIX_PATH="$prefix" \
		-DCMAKE_C_COMPILER="$cc" -DCMAKE_C_FLAGS="$sanflags" \
		-DCMAKE_EXE_LINKER_FLAGS="$sanflags" "$@" >"$work/$name.log" 2>&1 &&
		"$cmake" --build "$work/$name" >>"$work/$name.log" 2>&1 ||
		fail "$name: find_package build failed: $(cat "$work/$name.log")"
	check_run "$name" "$work/$name/base_info" "$want"
}
# fwkit::fwkit is the shared library, or the static one when none was built.
if [ "$shared" = ON ]; then cmake_example cmake needs; else cmake_example cmake static; fi
cmake_example cmake-static static -DFWKIT_STATIC=ON
