#!/usr/bin/env bash
# TF-A's scmi-msg (drivers/scmi-msg of a TF-A checkout you give) measured the
# way scripts/msgcost.sh measures fwkit: instructions per message under
# callgrind, N and 2N messages, the difference over N. The baseline of issue 9
# section 3; docs/perf/tfa-baseline.md has the method and a run's table.
#
# Nothing is fetched and no TF-A code is copied here: the script writes our
# own host harness into a work directory (the platform callbacks TF-A's
# scmi-msg asks its platform for, filled with the default board's host-agent
# resources; tiny stand-ins for TF-A's lib/ and plat/ headers; a driver loop
# doing what tools/fwkit/bench_cost.c does) and compiles it with the
# checkout's drivers/scmi-msg/*.c at -O2, release style (NDEBUG, log calls
# compiled out).
#   scripts/tfa-msgcost.sh TFA_CHECKOUT [WORKDIR]
# TFA_MSGCOST_CC="gcc clang" (the compilers, one column each), MSGCOST_N=200,
# MSGCOST_ONLY=REGEX (rows whose spec matches), TFA_MSGCOST_LIBC=tfa (TF-A's
# byte-loop memcpy/memset instead of the host C library's).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
tfa=$(cd "${1:?usage: scripts/tfa-msgcost.sh TFA_CHECKOUT [WORKDIR]}" && pwd)
n=${MSGCOST_N:-200}
[ -f "$tfa/drivers/scmi-msg/smt.c" ] || { echo "no drivers/scmi-msg in $tfa" >&2; exit 1; }
command -v valgrind >/dev/null || "$root/scripts/deps.sh" test
if [ $# -ge 2 ]; then
	work=$2
	mkdir -p "$work"
else
	work=$(mktemp -d)
	trap 'rm -rf "$work"' EXIT
fi
mkdir -p "$work/inc/lib" "$work/inc/plat/common" "$work/shim/drivers"

# Stand-ins for TF-A's own headers, as a release build of TF-A sees them.
cat >"$work/inc/host.h" <<'EOF'
/* Forced into every TF-A file: what TF-A's libc and common/debug.h give. */
#include <stddef.h>
#include <cdefs.h> /* TF-A's assert.h brings it */
#define VERBOSE(...) ((void)0)
#define ERROR(...) ((void)0) /* LOG_LEVEL below LOG_LEVEL_ERROR */
size_t strlcpy(char *dst, const char *src, size_t size);
#ifdef TFA_LIBC
void *tfa_memcpy(void *dst, const void *src, size_t len);
void *tfa_memset(void *dst, int val, size_t len);
#define memcpy tfa_memcpy
#define memset tfa_memset
#endif
EOF
cat >"$work/inc/cdefs.h" <<'EOF'
#pragma once
#define __unused __attribute__((__unused__))
EOF
cat >"$work/inc/lib/cassert.h" <<'EOF'
#define CASSERT(cond, msg) typedef char msg[(cond) ? 1 : -1] __attribute__((unused))
EOF
: >"$work/inc/lib/mmio.h"
cat >"$work/inc/lib/spinlock.h" <<'EOF'
#include <stdint.h>
struct spinlock { volatile uint32_t lock; };
void spin_lock(struct spinlock *lock);
void spin_unlock(struct spinlock *lock);
EOF
cat >"$work/inc/lib/utils.h" <<'EOF'
#include <stdint.h>
void zeromem(void *mem, uintptr_t length);
EOF
cat >"$work/inc/lib/utils_def.h" <<'EOF'
/* The 64-bit (aarch64) forms: BIT and GENMASK are 64-bit there. */
#ifndef UTILS_DEF_H
#define UTILS_DEF_H
#include <stdint.h>
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define BIT_32(n) (UINT32_C(1) << (n))
#define BIT_64(n) (UINT64_C(1) << (n))
#define BIT(n) BIT_64(n)
#define GENMASK_32(h, l) ((~UINT32_C(0) << (l)) & (~UINT32_C(0) >> (31 - (h))))
#define GENMASK_64(h, l) ((~UINT64_C(0) << (l)) & (~UINT64_C(0) >> (63 - (h))))
#define GENMASK(h, l) GENMASK_64(h, l)
#define MIN(x, y) __extension__({ __typeof__(x) _x = (x); __typeof__(y) _y = (y); \
	(void)(&_x == &_y); _x < _y ? _x : _y; })
#define round_up(v, b) ((((v) - 1) | ((__typeof__(v))((b) - 1))) + 1)
#define ASSERT_SYM_PTR_ALIGN(sym) assert(((size_t)(sym) % __alignof__(*(sym))) == 0)
#ifdef __HAVE_SPECULATION_SAFE_VALUE
#define SPECULATION_SAFE_VALUE(var) __builtin_speculation_safe_value(var)
#else
#define SPECULATION_SAFE_VALUE(var) var
#endif
#endif
EOF
cat >"$work/inc/plat/common/platform.h" <<'EOF'
#define PLATFORM_CORE_COUNT 4
unsigned int plat_my_core_pos(void);
void panic(void) __attribute__((noreturn));
EOF
# Newer clock.c passes a start index to plat_scmi_clock_rates_array; an older
# include/drivers/scmi-msg.h beside it declares the call without one.
if grep -q start_idx "$tfa/drivers/scmi-msg/clock.c" &&
	! grep -q start_idx "$tfa/include/drivers/scmi-msg.h"; then
	cat >"$work/shim/drivers/scmi-msg.h" <<'EOF'
#define plat_scmi_clock_rates_array plat_scmi_clock_rates_array_old_declaration
#include_next <drivers/scmi-msg.h>
#undef plat_scmi_clock_rates_array
EOF
fi

# What TF-A keeps in assembly or in its libc, out of line as there.
cat >"$work/support.c" <<'EOF'
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <lib/spinlock.h>
#include <lib/utils.h>
#include <plat/common/platform.h>

void spin_lock(struct spinlock *lock)
{
	while (__atomic_exchange_n(&lock->lock, 1, __ATOMIC_ACQUIRE))
		;
}

void spin_unlock(struct spinlock *lock)
{
	__atomic_store_n(&lock->lock, 0, __ATOMIC_RELEASE);
}

void zeromem(void *mem, uintptr_t length)
{
	memset(mem, 0, length);
}

unsigned int plat_my_core_pos(void)
{
	return 0;
}

void panic(void)
{
	abort();
}

size_t strlcpy(char *dst, const char *src, size_t size)
{
	size_t n = 0;

	for (; src[n]; n++)
		if (n + 1 < size)
			dst[n] = src[n];
	if (size)
		dst[n < size ? n : size - 1] = '\0';
	return n;
}

#ifdef TFA_LIBC
void *tfa_memcpy(void *dst, const void *src, size_t len)
{
	char *d = dst;
	const char *s = src;

	while (len--)
		*d++ = *s++;
	return dst;
}

void *tfa_memset(void *dst, int val, size_t len)
{
	unsigned char *d = dst;

	while (len--)
		*d++ = (unsigned char)val;
	return dst;
}
#endif
EOF

# The platform (TF-A's plat_scmi_* callbacks, declared here as TF-A's
# include/drivers/scmi-msg.h, power_domain.c and sensor.h define them) and
# the driver loop. Resources: the default board as its host agent sees it.
cat >"$work/harness.c" <<'EOF'
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct scmi_msg_channel {
	uintptr_t shm_addr;
	size_t shm_size;
	bool busy;
	const char *agent_name;
};

void scmi_smt_init_agent_channel(struct scmi_msg_channel *chan);
void scmi_smt_fastcall_smc_entry(unsigned int agent_id);

#define SCMI_SUCCESS 0
#define SCMI_NOT_SUPPORTED (-1)
#define SCMI_INVALID_PARAMETERS (-2)
#define SMT_SLOT 128 /* TF-A's SMT_BUF_SLOT_SIZE, as stm32mp1 lays them out */
#define NAGENTS 1
#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

static uint8_t smt_area[NAGENTS][SMT_SLOT] __attribute__((aligned(8)));
static struct scmi_msg_channel channels[NAGENTS] = {
	{ (uintptr_t)smt_area[0], SMT_SLOT, false, "host" },
};
static const uint8_t protocols[] = { 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0 };

struct clock {
	const char *name;
	unsigned long rate;
	bool enabled;
	const unsigned long *rates; /* NULL: a range */
	size_t nrates;
	unsigned long range[3];
};
static const unsigned long gpu_rates[] = {
	100000000, 150000000, 200000000, 250000000, 300000000,	350000000, 400000000,
	450000000, 500000000, 550000000, 600000000, 650000000,	700000000, 750000000,
	800000000, 850000000, 900000000, 950000000, 1000000000, 1050000000,
};
static struct clock clocks[] = {
	{ "cpu", 1000000000, true, NULL, 0, { 200000000, 2000000000, 100000000 } },
	{ "gpu", 100000000, false, gpu_rates, ARRAY_LEN(gpu_rates), { 0 } },
	{ "eth-ref", 125000000, false, NULL, 0, { 0 } },
};
static const char *const resets[] = { "gpu", "eth", "mmc-controller-card-slot", "eth-phy" };
static const char *const pds[] = { "cpu-cluster0", "gpu", "eth0", "mmc0" };
static unsigned int pd_state[ARRAY_LEN(pds)];
static uint32_t sensor_value[] = { 45000, 900 };
static uint64_t sensor_timestamp;

struct scmi_msg_channel *plat_scmi_get_channel(unsigned int agent_id)
{
	return agent_id < NAGENTS ? &channels[agent_id] : NULL;
}

size_t plat_scmi_protocol_count(void)
{
	return sizeof(protocols) - 1;
}

const uint8_t *plat_scmi_protocol_list(unsigned int agent_id)
{
	return agent_id < NAGENTS ? protocols : NULL;
}

const char *plat_scmi_vendor_name(void)
{
	return "fwkit";
}

const char *plat_scmi_sub_vendor_name(void)
{
	return "emulator";
}

size_t plat_scmi_clock_count(unsigned int agent_id)
{
	return agent_id < NAGENTS ? ARRAY_LEN(clocks) : 0;
}

const char *plat_scmi_clock_get_name(unsigned int agent_id, unsigned int scmi_id)
{
	return agent_id < NAGENTS && scmi_id < ARRAY_LEN(clocks) ? clocks[scmi_id].name : NULL;
}

/* rates NULL: how many; else up to *nb_elts of them from start_idx. */
int32_t plat_scmi_clock_rates_array(unsigned int agent_id, unsigned int scmi_id,
				    unsigned long *rates, size_t *nb_elts, uint32_t start_idx)
{
	const struct clock *c;

	if (agent_id >= NAGENTS || scmi_id >= ARRAY_LEN(clocks))
		return SCMI_INVALID_PARAMETERS;
	c = &clocks[scmi_id];
	if (!c->rates)
		return SCMI_NOT_SUPPORTED;
	if (!rates) {
		*nb_elts = c->nrates;
		return SCMI_SUCCESS;
	}
	if (start_idx > c->nrates)
		return SCMI_INVALID_PARAMETERS;
	if (*nb_elts > c->nrates - start_idx)
		*nb_elts = c->nrates - start_idx;
	memcpy(rates, c->rates + start_idx, *nb_elts * sizeof(*rates));
	return SCMI_SUCCESS;
}

int32_t plat_scmi_clock_rates_by_step(unsigned int agent_id, unsigned int scmi_id,
				      unsigned long *min_max_step)
{
	if (agent_id >= NAGENTS || scmi_id >= ARRAY_LEN(clocks) || clocks[scmi_id].rates)
		return SCMI_NOT_SUPPORTED;
	memcpy(min_max_step, clocks[scmi_id].range, sizeof(clocks[scmi_id].range));
	return SCMI_SUCCESS;
}

unsigned long plat_scmi_clock_get_rate(unsigned int agent_id, unsigned int scmi_id)
{
	return agent_id < NAGENTS && scmi_id < ARRAY_LEN(clocks) ? clocks[scmi_id].rate : 0;
}

int32_t plat_scmi_clock_get_state(unsigned int agent_id, unsigned int scmi_id)
{
	if (agent_id >= NAGENTS || scmi_id >= ARRAY_LEN(clocks))
		return SCMI_INVALID_PARAMETERS;
	return clocks[scmi_id].enabled;
}

size_t plat_scmi_rstd_count(unsigned int agent_id)
{
	return agent_id < NAGENTS ? ARRAY_LEN(resets) : 0;
}

const char *plat_scmi_rstd_get_name(unsigned int agent_id, unsigned int scmi_id)
{
	return agent_id < NAGENTS && scmi_id < ARRAY_LEN(resets) ? resets[scmi_id] : NULL;
}

size_t plat_scmi_pd_count(unsigned int agent_id)
{
	return agent_id < NAGENTS ? ARRAY_LEN(pds) : 0;
}

const char *plat_scmi_pd_get_name(unsigned int agent_id, unsigned int pd_id)
{
	return agent_id < NAGENTS && pd_id < ARRAY_LEN(pds) ? pds[pd_id] : NULL;
}

unsigned int plat_scmi_pd_get_state(unsigned int agent_id, unsigned int pd_id)
{
	return agent_id < NAGENTS && pd_id < ARRAY_LEN(pds) ? pd_state[pd_id] : 0;
}

/* TF-A's sensor.c calls its platform through this table of functions. */
struct sensor_desc;
struct sensor_ops {
	uint16_t (*sensor_count)(unsigned int agent_id);
	uint8_t (*sensor_max_request)(unsigned int agent_id);
	uint32_t (*get_sensor_req)(unsigned int agent_id, unsigned int *addr);
	int32_t (*sensor_reading_get)(uint32_t agent_id, uint16_t sensor_id, uint32_t *val);
	uint32_t (*sensor_description_get)(unsigned int agent_id, uint16_t sensor_id,
					   struct sensor_desc *desc);
	uint32_t (*sensor_update_interval)(uint32_t agent_id, uint16_t sensor_id);
	uint32_t (*sensor_state)(uint32_t agent_id, uint16_t sensor_id);
	uint16_t (*sensor_timestamped)(uint32_t agent_id, uint16_t sensor_id);
};

static uint16_t sensor_count(unsigned int agent_id)
{
	return agent_id < NAGENTS ? ARRAY_LEN(sensor_value) : 0;
}

/* val: value low, high, timestamp low, high. */
static int32_t sensor_reading_get(uint32_t agent_id, uint16_t sensor_id, uint32_t *val)
{
	if (agent_id >= NAGENTS || sensor_id >= ARRAY_LEN(sensor_value))
		return -1;
	sensor_timestamp++;
	val[0] = sensor_value[sensor_id];
	val[1] = 0;
	val[2] = (uint32_t)sensor_timestamp;
	val[3] = (uint32_t)(sensor_timestamp >> 32);
	return 0;
}

extern const struct sensor_ops sensor_ops;
const struct sensor_ops sensor_ops = { .sensor_count = sensor_count,
				       .sensor_reading_get = sensor_reading_get };

static void put_le32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4); /* the host is little-endian, as SMT is */
}

/* One message as the agent writes it, then the SMC: bench_cost.c's run_one. */
static __attribute__((noinline)) int32_t run_one(uint8_t proto, uint8_t id,
						 const uint32_t *words, unsigned int nwords,
						 uint16_t token)
{
	uint8_t *tx = smt_area[0];
	int32_t st;

	for (unsigned int i = 0; i < nwords; i++)
		put_le32(tx + 28 + 4 * i, words[i]);
	put_le32(tx + 16, 0);			/* flags */
	put_le32(tx + 20, 4 + 4 * nwords);	/* length */
	put_le32(tx + 24, id | (uint32_t)proto << 10 | (uint32_t)(token & 0x3ff) << 18);
	__atomic_store_n((uint32_t *)(tx + 4), 0, __ATOMIC_RELEASE); /* status: busy */
	scmi_smt_fastcall_smc_entry(0);
	memcpy(&st, tx + 28, 4);
	return st;
}

/* harness ITERATIONS PROTOCOL MESSAGE [WORD,...]: prints the last reply. */
int main(int argc, char **argv)
{
	uint32_t words[24];
	unsigned int nwords = 0, iterations, len;
	uint8_t proto, id;
	int32_t st = 0;

	if (argc < 4)
		return 2;
	iterations = (unsigned int)strtoul(argv[1], NULL, 0);
	proto = (uint8_t)strtoul(argv[2], NULL, 0);
	id = (uint8_t)strtoul(argv[3], NULL, 0);
	for (char *w = argc > 4 ? strtok(argv[4], ",") : NULL; w && nwords < 24; w = strtok(NULL, ","))
		words[nwords++] = (uint32_t)strtoul(w, NULL, 0);
	for (unsigned int c = 0; c < NAGENTS; c++)
		scmi_smt_init_agent_channel(&channels[c]);
	for (unsigned int k = 0; k < iterations; k++)
		st = run_one(proto, id, words, nwords, (uint16_t)k);
	memcpy(&len, smt_area[0] + 20, 4);
	printf("status %d length %u words", st, len);
	for (unsigned int i = 1; i < (len - 4) / 4 && 28 + 4 * i < SMT_SLOT; i++) {
		uint32_t v;

		memcpy(&v, smt_area[0] + 28 + 4 * i, 4);
		printf(" 0x%x", v);
	}
	printf("\n");
	return 0;
}
EOF

build() { # compiler -> binary
	local cc=$1 out="$work/harness-$1" flags=(-O2 -DNDEBUG -w)
	[ "${TFA_MSGCOST_LIBC:-}" = tfa ] && flags+=(-DTFA_LIBC)
	local inc=(-I"$work/shim" -I"$tfa/include" -I"$tfa/drivers/scmi-msg" -I"$work/inc"
		-include "$work/inc/host.h")
	"$cc" "${flags[@]}" "${inc[@]}" -c "$work/support.c" -o "$work/support-$cc.o"
	for f in "$tfa"/drivers/scmi-msg/*.c; do
		"$cc" "${flags[@]}" "${inc[@]}" -c "$f" -o "$work/tfa-$cc-$(basename "$f" .c).o"
	done
	"$cc" "${flags[@]}" -c "$work/harness.c" -o "$work/harness-$cc.o"
	"$cc" -o "$out" "$work/harness-$cc.o" "$work"/tfa-"$cc"-*.o "$work/support-$cc.o"
	echo "$out"
}

count() { # binary iterations proto id words -> "total entry"
	valgrind --tool=callgrind --callgrind-out-file="$work/cg" "$1" "${@:2}" >/dev/null 2>"$work/log"
	echo "$(sed -n 's/.*Collected : \([0-9]*\).*/\1/p' "$work/log")" \
		"$(callgrind_annotate --inclusive=yes --threshold=100 "$work/cg" |
			sed -n 's/^ *\([0-9,]*\) .*:scmi_smt_fastcall_smc_entry .*/\1/p' | tr -d , | head -1)"
}

read -r -a ccs <<<"${TFA_MSGCOST_CC:-gcc clang}"
bins=()
for cc in "${ccs[@]}"; do bins+=("$(build "$cc")") || exit 1; done
printf '%-36s' message
for cc in "${ccs[@]}"; do printf ' %10s %8s' "$cc" entry; done
printf '  %s\n' reply
# The rows of bench/messages.txt whose protocol TF-A's scmi-msg serves.
while read -r spec; do
	name=${spec%%=*}
	IFS=: read -r proto id words <<<"${spec#*=}"
	printf '%-36s' "$name"
	for bin in "${bins[@]}"; do
		read -r a pa <<<"$(count "$bin" "$n" "$proto" "$id" ${words:+"$words"})"
		read -r b pb <<<"$(count "$bin" $((2 * n)) "$proto" "$id" ${words:+"$words"})"
		printf ' %10d %8d' $(((b - a) / n)) $(((${pb:-0} - ${pa:-0}) / n))
	done
	printf '  %s\n' "$("${bins[0]}" 1 "$proto" "$id" ${words:+"$words"})"
done < <(grep -E '^(base|unknown|clock|reset|power|sensor)\.[A-Za-z_]+=[^*|]*$' "$root/bench/messages.txt" |
	grep -E -- "${MSGCOST_ONLY:-.}")
