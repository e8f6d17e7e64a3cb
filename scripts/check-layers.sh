#!/usr/bin/env bash
# The dependency rules of docs/ARCHITECTURE.md ("Layers"), checked on the
# #include lines of the tree, so that a rule broken by a change fails the
# suite instead of waiting for a reviewer. One rule per folder: the folder's
# files may not include what the rule forbids. Prints each breach as
# FILE: #include ... (rule) and exits 1 if there is any.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
bad=0

# rule FOLDER REGEX WHY: no file under FOLDER may include a header matching REGEX.
rule() {
	local dir=$1 re=$2 why=$3 hits
	[ -d "$dir" ] || return 0
	hits=$(grep -rnE --include='*.c' --include='*.h' "^#include [<\"]($re)[>\"]" "$dir" || true)
	if [ -n "$hits" ]; then
		echo "$hits" | sed "s|\$|   ($why)|"
		bad=1
	fi
}

role='fwkit/scmi/|fwkit/issei|fwkit/hw\.h|libfdt\.h'
rule src/base "$role|fwkit/board\.h|fwkit/dt\.h" "base/ is the bottom: nothing but libc"
rule src/config "fwkit/scmi/|fwkit/issei|fwkit/hw\.h" "config/ stays at the bottom: base and libfdt only"
rule src/hw "fwkit/scmi/|fwkit/issei|fwkit/board\.h|fwkit/dt\.h|libfdt\.h" "hw/ knows no protocol and no board"
rule src/scmi/common "fwkit/scmi/(agent|platform|modules|board|session)[a-z_]*\.h" "common/ is wire formats only"
rule src/scmi/agent "fwkit/scmi/(platform|modules|board|session)[a-z_]*\.h|(\.\./)+platform/.*" "agent code never includes platform code"
rule src/scmi/agent/protocols "(\.\./)?internal\.h|fwkit/scmi/agent_transport\.h|fwkit/hw\.h|fwkit/scmi/smt\.h" "protocol clients use the agent core's public calls only"
rule src/scmi/agent/transports "(\.\./)?internal\.h" "transports use the core's seam, not its internals"
rule src/scmi/agent/transports "fwkit/optee/(tee|pta|system|remote|nsmem|smc|tee_client_api)\.h" "agent transports reach OP-TEE through the driver's kernel-client API only"
rule src/scmi/agent/protocols "fwkit/optee/" "protocol clients know no transport"
rule src/scmi/platform "fwkit/scmi/(agent|agent_transport|agent_protocol|transport_smc|session)\.h" "platform code never includes agent code"
rule src/scmi/platform/protocols "internal\.h|\.\./internal\.h|fwkit/scmi/platform_transport\.h|fwkit/scmi/smt\.h|fwkit/hw\.h" "protocol modules use the platform core's public calls only"
rule src/scmi/platform/transports "\.\./internal\.h|internal\.h" "transports use the core's seam, not its internals"
rule src/virtio "fwkit/(scmi|issei|optee)/|fwkit/issei|fwkit/hw\.h|fwkit/board\.h|fwkit/dt\.h|libfdt\.h" "virtio/ is pure rings and guest memory: base only"
rule src/scmi/platform/transports "fwkit/optee/(client|driver|nsmem|remote|smc|system|tee|tee_client_api)\.h" "a platform transport uses only OP-TEE's PTA API (pta.h)"
rule src/scmi/platform/protocols "fwkit/optee/" "protocol modules know no transport"
rule src/vhost "fwkit/scmi/|fwkit/issei|fwkit/optee/|fwkit/board\.h|fwkit/dt\.h|libfdt\.h|fwkit/virtio/virtq\.h" "vhost/ speaks vhost-user over hw: no protocol, no board, guest memory only through virtio/mem.h"
rule src/issei "fwkit/scmi/" "ISSEI does not depend on SCMI"
rule tools/issei_preload "fwkit/(scmi/|optee/|hw\.h|board\.h|dt\.h|sync\.h|issei_(fw|heci|link)\.h)" "the preload carries the device client only"
rule src/optee "fwkit/scmi/|fwkit/issei" "OP-TEE does not depend on SCMI or ISSEI"
rule include/fwkit/scmi "fwkit/issei[a-z_]*\.h" "SCMI headers do not depend on ISSEI"
rule src/mediator "fwkit/scmi/(platform|modules|board|session|agent_transport)[a-z_]*\.h|fwkit/issei|fwkit/optee/|(\.\./)+scmi/.*|internal\.h" "the mediator is an SCMI agent: the agent's public API, hw, config and base only"

if [ $bad -ne 0 ]; then
	echo "check-layers: dependency rules broken (docs/ARCHITECTURE.md, Layers)" >&2
	exit 1
fi
echo "check-layers: every folder keeps its dependency rule"
