#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# examples/base_info linked with libfwkit.a the ordinary way (no
# whole-archive, nothing but the public session and Base calls): the default
# board's platform must offer all nine protocols 0x11..0x19. It fails when a
# protocol module is reached only through a weak reference, which never
# pulls a member out of an archive.
out=$("$1") || {
	printf '%s\n' "$out" >&2
	exit 1
}
for p in 11 12 13 14 15 16 17 18 19; do
	printf '%s\n' "$out" | grep -q "^protocol 0x$p " || {
		echo "ordinary_link: Base does not list protocol 0x$p" >&2
		exit 1
	}
done
