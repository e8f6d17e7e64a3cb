#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
#
# guest-e2e.sh: the end-to-end test with a real Linux guest. Boots an
# aarch64 Linux 6.12 guest (QEMU TCG, -M virt) whose SCMI platform is
# `fwkit vhost-user-scmi`, started here on a temporary socket, and checks
# what the guest's arm_scmi stack found (docs/vhost-user.md). Debian
# packages only (scripts/deps.sh guest; QEMU 10 from bookworm-backports, the
# kernel built once from linux-source-6.12); the artefacts are cached in
# $RIG_WORK (default ~/.cache/fwkit-guest-rig), outside the clone, so a
# repeated run takes seconds.
#
#   guest-e2e.sh [options]               boot against fwkit vhost-user-scmi
#   guest-e2e.sh --socket SOCKET         boot against a back-end listening there
#   guest-e2e.sh --setup-only            install and build everything, no boot
#
# Options:
#   --fwkit BIN            the fwkit binary (default: build/fwkit of this tree)
#   --transport pci|mmio   vhost-user-scmi-pci (default, rings of 256) or
#                          vhost-user-scmi on virtio-mmio (rings of 1024)
#   --no-check             print the findings only, do not judge them
#   --backend-args "ARGS"  more arguments for fwkit vhost-user-scmi (e.g. --no-p2a)
#   --loop N               after the report, N raw Base round trips, 1/s
#   --atomic-threshold-us N  DT atomic-threshold-us (clock enables polled)
#   --rx-timeout-ms N      DT arm,max-rx-timeout-ms (virtio default 60000)
#   --smp N  --mem MB  --timeout S  --append "ARGS"  --log FILE
#
# Exit status: 0 when the guest reports "RESULT scmi=up" and every check
# holds, 1 when a check fails or SCMI stayed down, 2 usage, 3 setup
# failure, 4 QEMU failed or timed out, 77 skipped: QEMU with
# vhost-user-scmi cannot be installed here (said loudly on stderr).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
# The cache lives outside the clone: a fresh clone reuses the kernel build.
WORK=${RIG_WORK:-${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/fwkit-guest-rig}
TRANSPORT=pci LOOP=0 SMP=1 MEM=512 TIMEOUT=300 CHECK=1
BACKEND_ARGS='' APPEND_EXTRA='' LOG='' SETUP_ONLY=0 SOCK='' ATOMIC='' RXTO='' FWKIT=$ROOT/build/fwkit

usage() { sed -n '2,/^set -e/p' "$0" | sed 's/^# \{0,1\}//; /^set -e/d'; exit 2; }
die() { echo "guest-e2e: $*" >&2; exit "${2:-3}"; }
note() { echo "guest-e2e: $*" >&2; }

while [ $# -gt 0 ]; do
	case "$1" in
	--transport) TRANSPORT=$2; shift ;;
	--socket) SOCK=$2; shift ;;
	--fwkit) FWKIT=$2; shift ;;
	--no-check) CHECK=0 ;;
	--backend-args) BACKEND_ARGS=$2; shift ;;
	--loop) LOOP=$2; shift ;;
	--smp) SMP=$2; shift ;;
	--atomic-threshold-us) ATOMIC=$2; shift ;;
	--rx-timeout-ms) RXTO=$2; shift ;;
	--mem) MEM=$2; shift ;;
	--timeout) TIMEOUT=$2; shift ;;
	--append) APPEND_EXTRA=$2; shift ;;
	--log) LOG=$2; shift ;;
	--setup-only) SETUP_ONLY=1 ;;
	-h|--help) usage ;;
	*) echo "unknown argument $1" >&2; usage ;;
	esac
	shift
done
case "$TRANSPORT" in pci|mmio) ;; *) usage ;; esac
mkdir -p "$WORK"

# ------------------------------------------------------------------ packages
# One list of what the guest needs: scripts/deps.sh guest. Only QEMU may be
# missing for a reason of the machine's (no backports reachable): then skip.
"$ROOT/scripts/deps.sh" guest >&2 || true
if ! qemu-system-aarch64 -device help 2>/dev/null | grep -q '"vhost-user-scmi-pci"'; then
	echo "guest-e2e: SKIPPED: no QEMU with vhost-user-scmi-pci could be installed here" >&2
	echo "guest-e2e: SKIPPED: (qemu-system-arm >= 8.1, Debian 12: bookworm-backports)" >&2
	exit 77
fi
for t in aarch64-linux-gnu-gcc make flex bison bc cpio dtc; do
	command -v "$t" >/dev/null || die "$t is missing after scripts/deps.sh guest"
done

# arm64 packages through a private apt state (the host's dpkg stays amd64-only).
ARM_APT_DIR=$WORK/apt-arm64
arm_apt() {
	if [ ! -f "$ARM_APT_DIR/apt.conf" ]; then
		mkdir -p "$ARM_APT_DIR/state/lists/partial" "$ARM_APT_DIR/cache/archives/partial"
		: >"$ARM_APT_DIR/status"
		cat >"$ARM_APT_DIR/apt.conf" <<-EOF
		APT::Architecture "arm64";
		APT::Architectures { "arm64"; };
		Dir::State "$ARM_APT_DIR/state";
		Dir::State::status "$ARM_APT_DIR/status";
		Dir::Cache "$ARM_APT_DIR/cache";
		EOF
		APT_CONFIG=$ARM_APT_DIR/apt.conf apt-get -q update >/dev/null || die "arm64 apt update failed"
	fi
	APT_CONFIG=$ARM_APT_DIR/apt.conf "$@"
}
fetch_deb() { # fetch_deb PATTERN NAME[=VER|:arch]
	local f
	f=$(ls "$WORK"/debs/$1 2>/dev/null | head -1 || true)
	if [ -z "$f" ]; then
		mkdir -p "$WORK/debs"
		(cd "$WORK/debs" && arm_apt apt-get -q download "$2" >/dev/null 2>&1) || die "apt-get download $2 failed"
		f=$(ls "$WORK"/debs/$1 | head -1)
	fi
	echo "$f"
}

# -------------------------------------------------------------------- kernel
KCFG_FRAGMENT=$WORK/scmi-virtio.config
write_fragment() {
	cat >"$KCFG_FRAGMENT" <<'EOF'
# Minimal arm64 guest for QEMU -M virt + vhost-user-scmi, on top of allnoconfig.
CONFIG_LOCALVERSION="-fwkit-scmi"
CONFIG_SMP=y
CONFIG_NR_CPUS=4
CONFIG_PRINTK=y
CONFIG_PRINTK_TIME=y
CONFIG_BUG=y
CONFIG_MULTIUSER=y
CONFIG_FUTEX=y
CONFIG_EPOLL=y
CONFIG_SIGNALFD=y
CONFIG_TIMERFD=y
CONFIG_EVENTFD=y
CONFIG_SHMEM=y
CONFIG_BLK_DEV_INITRD=y
CONFIG_RD_GZIP=y
CONFIG_BINFMT_ELF=y
CONFIG_BINFMT_SCRIPT=y
CONFIG_PROC_FS=y
CONFIG_SYSFS=y
CONFIG_TMPFS=y
CONFIG_DEVTMPFS=y
CONFIG_DEVTMPFS_MOUNT=y
CONFIG_DEBUG_FS=y
CONFIG_DEBUG_FS_ALLOW_ALL=y
CONFIG_TTY=y
CONFIG_SERIAL_AMBA_PL011=y
CONFIG_SERIAL_AMBA_PL011_CONSOLE=y
CONFIG_ARM_PSCI_FW=y
CONFIG_POWER_RESET=y
CONFIG_OF=y
CONFIG_PCI=y
CONFIG_PCI_HOST_GENERIC=y
CONFIG_PCI_MSI=y
CONFIG_VIRTIO_MENU=y
CONFIG_VIRTIO=y
CONFIG_VIRTIO_PCI=y
CONFIG_VIRTIO_MMIO=y
CONFIG_ARM_SCMI_PROTOCOL=y
CONFIG_ARM_SCMI_TRANSPORT_VIRTIO=y
CONFIG_ARM_SCMI_TRANSPORT_VIRTIO_VERSION1_COMPLIANCE=y
CONFIG_ARM_SCMI_TRANSPORT_VIRTIO_ATOMIC_ENABLE=y
CONFIG_ARM_SCMI_RAW_MODE_SUPPORT=y
CONFIG_ARM_SCMI_RAW_MODE_SUPPORT_COEX=y
CONFIG_ARM_SCMI_DEBUG_COUNTERS=y
CONFIG_PM=y
CONFIG_PM_GENERIC_DOMAINS=y
CONFIG_ARM_SCMI_POWER_DOMAIN=y
CONFIG_ARM_SCMI_PERF_DOMAIN=y
CONFIG_ARM_SCMI_POWER_CONTROL=y
CONFIG_COMMON_CLK=y
CONFIG_COMMON_CLK_SCMI=y
CONFIG_CPU_FREQ=y
CONFIG_ARM_SCMI_CPUFREQ=y
CONFIG_HWMON=y
CONFIG_SENSORS_ARM_SCMI=y
CONFIG_RESET_CONTROLLER=y
CONFIG_RESET_SCMI=y
CONFIG_REGULATOR=y
CONFIG_REGULATOR_ARM_SCMI=y
CONFIG_PINCTRL=y
CONFIG_PINCTRL_SCMI=y
CONFIG_POWERCAP=y
CONFIG_ARM_SCMI_POWERCAP=y
CONFIG_IIO=y
CONFIG_IIO_SCMI=y
EOF
}

KIMAGE=$WORK/Image-fwkit-scmi
build_custom_kernel() {
	[ -f "$KIMAGE" ] && return 0
	local deb src kb t0
	deb=$(fetch_deb 'linux-source-6.12_*_all.deb' linux-source-6.12)
	src=$WORK/linux-source-6.12
	if [ ! -f "$src/Makefile" ]; then
		note "unpacking $(basename "$deb")"
		mkdir -p "$WORK/src-tmp"
		dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$WORK/src-tmp" ./usr/src/linux-source-6.12.tar.xz
		tar -xJf "$WORK/src-tmp/usr/src/linux-source-6.12.tar.xz" -C "$WORK"
		rm -rf "$WORK/src-tmp"
	fi
	write_fragment
	kb=$WORK/kbuild
	mkdir -p "$kb"
	local mk=(make -C "$src" -s ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- O="$kb")
	"${mk[@]}" allnoconfig
	"$src/scripts/kconfig/merge_config.sh" -m -O "$kb" "$kb/.config" "$KCFG_FRAGMENT" >/dev/null
	"${mk[@]}" olddefconfig
	local l k got bad=0
	while read -r l; do
		case "$l" in CONFIG_*=*) ;; *) continue ;; esac
		k=${l%%=*}
		got=$(grep -E "^$k=" "$kb/.config" || true)
		[ "$got" = "$l" ] || { note "kernel config: wanted $l, got '${got:-unset}'"; bad=1; }
	done <"$KCFG_FRAGMENT"
	[ $bad = 0 ] || die "kernel configuration does not hold the options the rig needs"
	note "building the guest kernel ($(make -s -C "$src" kernelversion 2>/dev/null)), a few minutes on 2 cores"
	t0=$(date +%s)
	nice "${mk[@]}" -j"$(nproc)" Image >"$WORK/kbuild.log" 2>&1 || die "kernel build failed, see $WORK/kbuild.log"
	note "kernel built in $(($(date +%s) - t0)) s"
	cp "$kb/arch/arm64/boot/Image" "$KIMAGE"
	cp "$kb/.config" "$WORK/kernel.config"
}

# ----------------------------------------------------------------- initramfs
INITRD=$WORK/initramfs.cpio.gz
build_initramfs() {
	local deb root=$WORK/initramfs-root
	deb=$(fetch_deb 'busybox-static_*_arm64.deb' busybox-static:arm64)
	rm -rf "$root" "$WORK/bb"
	mkdir -p "$root"/{bin,proc,sys,dev,tmp} "$WORK/bb"
	dpkg-deb -x "$deb" "$WORK/bb"
	cp "$WORK/bb/bin/busybox" "$root/bin/busybox"
	cat >"$root/init" <<'EOF'
#!/bin/busybox sh
# PID 1 of the rig's initramfs: report what the SCMI stack found, power off.
# Every line meant for the host starts with "FWKIT-RIG".
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mount -t debugfs debugfs /sys/kernel/debug
say() { echo "FWKIT-RIG: $*"; }
say "init reached, uptime $(cut -d' ' -f1 /proc/uptime) s, kernel $(uname -r)"
if [ -d /lib/modules ]; then
	for m in $(cat /lib/modules/load 2>/dev/null); do modprobe "$m" && say "loaded $m"; done
fi
n=0
while [ ! -e /sys/kernel/debug/scmi/0 ] && [ $n -lt ${SCMI_WAIT:-20} ]; do sleep 0.5; n=$((n+1)); done
say "--- virtio devices (0x0020 = SCMI)"
for d in /sys/bus/virtio/devices/*; do
	[ -e "$d/device" ] && say "$(basename $d) device=$(cat $d/device) features=$(cat $d/features) driver=$(basename $(readlink $d/driver 2>/dev/null) 2>/dev/null)"
done
say "--- dmesg | grep -i -E 'scmi|virtio'"
dmesg | grep -i -E 'scmi|virtio' > /dmesg.0
sed 's/^/FWKIT-RIG: dmesg: /' /dmesg.0
say "--- /sys/kernel/debug/scmi"
if [ -d /sys/kernel/debug/scmi/0 ]; then
	for f in /sys/kernel/debug/scmi/*/instance_name /sys/kernel/debug/scmi/*/transport/* /sys/kernel/debug/scmi/*/transport/counters/*; do
		[ -f "$f" ] && [ "${f##*/}" != reset ] && say "${f#/sys/kernel/debug/scmi/} = $(cat $f 2>&1)"
	done
else
	say "no /sys/kernel/debug/scmi/0"
fi
say "--- scmi protocol devices"
for d in /sys/bus/scmi_protocol/devices/*; do
	[ -e "$d" ] && say "scmi_dev: $(basename $d) $(tr '\n' ' ' < $d/uevent) driver=$(basename $(readlink $d/driver 2>/dev/null) 2>/dev/null)"
done
say "--- clk_summary"
[ -f /sys/kernel/debug/clk/clk_summary ] && sed 's/^/FWKIT-RIG: clk: /' /sys/kernel/debug/clk/clk_summary
say "--- hwmon"
for h in /sys/class/hwmon/hwmon*; do
	[ -d "$h" ] || continue
	say "$(basename $h) name=$(cat $h/name)"
	for i in $h/*_input $h/*_label; do [ -f "$i" ] && say "  $(basename $i) = $(cat $i 2>&1)"; done
done
say "--- regulators / powercap / cpufreq / genpd / pinctrl / reset / iio"
for r in /sys/class/regulator/regulator.*; do [ -d "$r" ] && say "$(basename $r) name=$(cat $r/name 2>/dev/null) microvolts=$(cat $r/microvolts 2>/dev/null)"; done
for z in /sys/class/powercap/*; do [ -e "$z" ] && say "powercap: $(basename $z) $(cat $z/name 2>/dev/null)"; done
for c in /sys/devices/system/cpu/cpufreq/policy*; do [ -d "$c" ] && say "cpufreq: $(basename $c) cur=$(cat $c/scaling_cur_freq) avail=$(cat $c/scaling_available_frequencies 2>/dev/null)"; done
[ -f /sys/kernel/debug/pm_genpd/pm_genpd_summary ] && sed 's/^/FWKIT-RIG: genpd: /' /sys/kernel/debug/pm_genpd/pm_genpd_summary
[ -f /sys/kernel/debug/pinctrl/pinctrl-devices ] && sed 's/^/FWKIT-RIG: pinctrl: /' /sys/kernel/debug/pinctrl/pinctrl-devices
ls /sys/class/reset 2>/dev/null | sed 's/^/FWKIT-RIG: reset: /'
ls /sys/bus/iio/devices 2>/dev/null | sed 's/^/FWKIT-RIG: iio: /'
R=/sys/kernel/debug/scmi/0/raw
if [ -e $R/message ]; then
	say "--- raw: BASE PROTOCOL_VERSION, token 0x3ff (hdr 0x0ffc4000)"
	printf '\000\100\374\017' > $R/message 2>/dev/null && \
		say "raw reply: $(timeout 5 od -An -tx1 < $R/message 2>&1 | tr -s ' \n' ' ')"
fi
i=0
while [ -e $R/message ] && [ $i -lt ${RIG_LOOP:-0} ]; do
	i=$((i+1))
	t=$(printf '%03o' $(( (i << 2) & 0xfc )))
	u=$(printf '%03o' $(( (i >> 6) & 0xff )))
	printf "\000\100\\$t\\$u" > $R/message 2>/dev/null
	say "loop $i uptime $(cut -d' ' -f1 /proc/uptime) raw reply: $(timeout 3 od -An -tx1 < $R/message 2>&1 | tr -s ' \n' ' ')"
	sleep 1
done
if [ -e $R/errors ]; then say "raw errors: $(timeout 1 od -An -tx1 < $R/errors 2>&1 | tr -s ' \n' ' ')"; fi
say "--- dmesg lines since the first dump"
dmesg | grep -i -E 'scmi|virtio' | tail -n +$(( $(wc -l < /dmesg.0) + 1 )) | sed 's/^/FWKIT-RIG: dmesg: /'
if [ -e /sys/kernel/debug/scmi/0 ] && dmesg | grep -q "SCMI Protocol v"; then
	say "RESULT scmi=up $(dmesg | grep -o "SCMI Protocol v.*" | head -1)"
else
	say "RESULT scmi=down"
fi
say "done, uptime $(cut -d' ' -f1 /proc/uptime) s"
poweroff -f
EOF
	chmod 755 "$root/init"
	(cd "$root" && find . | cpio -o -H newc --quiet | gzip -9) >"$INITRD"
}

# ------------------------------------------------------------ machine and DT
MACHINE=(-M "virt,memory-backend=mem" -cpu cortex-a57 -smp "$SMP" -m "${MEM}M"
	-object "memory-backend-memfd,id=mem,size=${MEM}M,share=on" -nographic -nic none -no-reboot)
DTB=$WORK/virt-scmi-v2-smp$SMP-mem$MEM${ATOMIC:+-atomic$ATOMIC}${RXTO:+-rxto$RXTO}.dtb
build_dtb() {
	[ -f "$DTB" ] && return 0
	local base=$WORK/virt-smp$SMP-mem$MEM.dtb
	qemu-system-aarch64 "${MACHINE[@]/memory-backend=mem/memory-backend=mem,dumpdtb=$base}" >/dev/null 2>&1 || true
	[ -s "$base" ] || die "qemu did not dump the virt DT"
	{
		dtc -q -I dtb -O dts "$base"
		cat <<'EOF'
/ {
	firmware {
		scmi {
			compatible = "arm,scmi-virtio";
			#address-cells = <1>;
			#size-cells = <0>;
			ATOMIC_PROPERTY
			scmi_devpd: protocol@11 { reg = <0x11>; #power-domain-cells = <1>; };
			scmi_sys: protocol@12 { reg = <0x12>; };
			scmi_perf: protocol@13 { reg = <0x13>; #power-domain-cells = <1>; };
			scmi_clk: protocol@14 { reg = <0x14>; #clock-cells = <1>; };
			scmi_sensor: protocol@15 { reg = <0x15>; #thermal-sensor-cells = <1>; };
			scmi_reset: protocol@16 { reg = <0x16>; #reset-cells = <1>; };
			scmi_voltage: protocol@17 {
				reg = <0x17>;
				regulators {
					#address-cells = <1>;
					#size-cells = <0>;
					regulator@0 { reg = <0>; regulator-name = "scmi-vd0"; };
					regulator@1 { reg = <1>; regulator-name = "scmi-vd1"; };
				};
			};
			scmi_powercap: protocol@18 { reg = <0x18>; };
			scmi_pinctrl: protocol@19 { reg = <0x19>; };
		};
	};
};
/* scmi-cpufreq: CPU 0 is in performance domain 0 (the "perf" power domain). */
&{/cpus/cpu@0} {
	power-domains = <&scmi_perf 0>;
	power-domain-names = "perf";
};
EOF
	} | sed "s|ATOMIC_PROPERTY|${ATOMIC:+atomic-threshold-us = <$ATOMIC>;} ${RXTO:+arm,max-rx-timeout-ms = <$RXTO>;}|" >"$WORK/virt-scmi.dts"
	dtc -q -I dts -O dtb -o "$DTB" "$WORK/virt-scmi.dts"
}

# ---------------------------------------------------------------------- run
[ -f "$INITRD" ] && [ "$INITRD" -nt "$0" ] || build_initramfs
build_dtb
build_custom_kernel
[ $SETUP_ONLY = 1 ] && { note "setup done in $WORK"; exit 0; }

BACKEND_PID='' TMPD=''
cleanup() {
	[ -n "$BACKEND_PID" ] && kill "$BACKEND_PID" 2>/dev/null || true
	[ -n "$TMPD" ] && rm -rf "$TMPD"
}
trap cleanup EXIT
if [ -z "$SOCK" ]; then
	[ -x "$FWKIT" ] || die "no fwkit binary at $FWKIT (build first, or --fwkit BIN)"
	TMPD=$(mktemp -d)
	SOCK=$TMPD/vscmi.sock
	# shellcheck disable=SC2086 # several arguments
	"$FWKIT" vhost-user-scmi --socket "$SOCK" $BACKEND_ARGS 2>"$TMPD/backend.log" &
	BACKEND_PID=$!
	for _ in $(seq 100); do [ -S "$SOCK" ] && break; sleep 0.05; done
	[ -S "$SOCK" ] || { cat "$TMPD/backend.log" >&2; die "fwkit vhost-user-scmi did not listen"; }
fi

CH="socket,id=scmi0,path=$SOCK"
DEV=(-chardev "$CH")
if [ "$TRANSPORT" = pci ]; then
	DEV+=(-device "vhost-user-scmi-pci,chardev=scmi0")
else
	DEV+=(-device "vhost-user-scmi,chardev=scmi0" -global virtio-mmio.force-legacy=false)
fi
[ -n "$LOG" ] || LOG=$WORK/boot-$(date +%Y%m%d-%H%M%S).log
APPEND="console=ttyAMA0 rdinit=/init panic=-1 RIG_LOOP=$LOOP"
[ -n "$APPEND_EXTRA" ] && APPEND="$APPEND $APPEND_EXTRA"

note "booting $(basename "$KIMAGE") ($TRANSPORT), log $LOG"
T0=$EPOCHREALTIME
set +e
timeout "$TIMEOUT" qemu-system-aarch64 "${MACHINE[@]}" -kernel "$KIMAGE" -initrd "$INITRD" -dtb "$DTB" \
	-append "$APPEND" "${DEV[@]}" 2>&1 </dev/null |
	while IFS= read -r line; do printf '%s %s\n' "$EPOCHREALTIME" "${line%$'\r'}"; done >"$LOG"
QRC=${PIPESTATUS[0]}
set -e
T1=$EPOCHREALTIME

BRC=0
if [ -n "$BACKEND_PID" ]; then
	# The back-end outlives its front-end and ends cleanly on SIGTERM.
	if kill -0 "$BACKEND_PID" 2>/dev/null; then
		kill -TERM "$BACKEND_PID"
		wait "$BACKEND_PID" || BRC=$?
	else
		wait "$BACKEND_PID" || BRC=$?
		[ "$BRC" != 0 ] || BRC=255
	fi
	BACKEND_PID=
fi

rel() { awk -v a="$T0" -v b="$1" 'BEGIN{printf "%.2f", b - a}'; }
t_init=$(awk '/FWKIT-RIG: init reached/{print $1; exit}' "$LOG")
t_scmi=$(awk '/SCMI Protocol v/{print $1; exit}' "$LOG")
echo "=== guest findings (FWKIT-RIG lines) ==="
sed -n 's/^[0-9.]* FWKIT-RIG: //p' "$LOG"
echo "=== summary ==="
echo "qemu exit status: $QRC$([ "$QRC" = 124 ] && echo " (timed out after ${TIMEOUT}s)")"
since() { if [ -n "$1" ]; then echo "$(rel "$1") s"; else echo never; fi; }
echo "wall time from qemu start: init $(since "$t_init"), SCMI Base up $(since "$t_scmi"), qemu exit $(rel "$T1") s"
grep -E "^[0-9.]+ qemu-system-aarch64:" "$LOG" | sed 's/^[0-9.]* /qemu: /' || true
if [ -n "$TMPD" ]; then
	echo "fwkit vhost-user-scmi exit status after SIGTERM: $BRC"
	sed 's/^/fwkit: /' "$TMPD/backend.log"
fi
if ! grep -q "FWKIT-RIG: RESULT scmi=up" "$LOG"; then
	[ -n "$t_init" ] && [ "$QRC" = 0 ] && exit 1
	exit 4
fi
[ $CHECK = 1 ] || exit 0

# ------------------------------------------------------------------ checks
# What a guest on fwkit's default board must find (docs/vhost-user.md).
F=$(sed -n 's/^[0-9.]* FWKIT-RIG: //p' "$LOG")
fails=0
expect() { # expect DESCRIPTION EXTENDED-REGEX
	if grep -qE -- "$2" <<<"$F"; then
		echo "check ok:   $1"
	else
		echo "check FAIL: $1 (no line matches /$2/)"
		fails=$((fails + 1))
	fi
}
refuse() { # refuse DESCRIPTION EXTENDED-REGEX
	if grep -qE -- "$2" <<<"$F"; then
		echo "check FAIL: $1:"
		grep -E -- "$2" <<<"$F" | sed 's/^/    /'
		fails=$((fails + 1))
	else
		echo "check ok:   $1"
	fi
}
expect "SCMI up with fwkit's vendor strings" "^RESULT scmi=up SCMI Protocol v[0-9.]+ 'fwkit:emulator'"
refuse "no protocol the agent may use is missing" "SCMI protocol [0-9]+ not implemented"
expect "SCMI clocks in clk_summary" "^clk: +cpu +[0-9]"
# Every clock vm0 may use is kept by Linux, gpu too: its 20 discrete rates
# are more than Linux 6.12 lists (SCMI_MAX_NUM_RATES 16, "No. of resources
# can't exceed 16"), which stops reading the list there but keeps the clock.
for c in gpu sys-pll peripheral-pll-main; do
	expect "SCMI clock $c in clk_summary" "^clk: +$c +[0-9]"
done
# Discovery answers for every pin (docs/bindings/scmi-pinctrl.md), so
# pinctrl-scmi names them all and registers its controller.
expect "the SCMI pin controller probed" "^pinctrl: scmi-pinctrl "
refuse "pinctrl-scmi probes cleanly" "scmi-pinctrl.*(probe with driver|Can't get name)"
# Power domains 2 and 3 are not vm0's: Linux skips them with a warning. Its
# own (0 and 1) are never refused.
refuse "vm0's own power domains answer" "failed to get state for domain [01]$"
expect "an scmi_sensors hwmon device" "^hwmon[0-9]+ name=scmi_sensors"
expect "hwmon readings" "^  [a-z]+[0-9]+_input = -?[0-9]+$"
expect "the SCMI regulator scmi-vd0" "name=scmi-vd0 "
expect "the SCMI regulator scmi-vd1" "name=scmi-vd1 "
expect "SCMI power domains in genpd" "^genpd: +cpu-cluster0 "
expect "cpufreq policy0 (perf domain 0)" "^cpufreq: policy0 cur=[0-9]+"
expect "zero response timeouts" "transport/counters/xfers_response_timeout = 0$"
expect "an empty raw-mode error queue" "^raw errors: *$"
expect "a raw-mode Base round trip" "^raw reply: +00 40 fc 0f 00 00 00 00 "
refuse "no malformed or unexpected messages" "transport/counters/err_msg_[a-z_]+ = [1-9]"
if [ -n "$TMPD" ] && [ "$BRC" != 0 ]; then
	echo "check FAIL: fwkit vhost-user-scmi ended with status $BRC"
	fails=$((fails + 1))
fi
[ $fails = 0 ] || { echo "guest-e2e: $fails check(s) failed"; exit 1; }
echo "guest-e2e: every check holds"
