#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ssa_fuzz.sh - the syscall fuzzer (lib/ssa_fuzz_sys.c) against real local
# peers: its own SSA server and "openssl s_server", with policy reloads
# and rmmod attempts in between.  Inside the VM (tools/testing/vm-run).
#
#   SSA_FUZZ_SYS_TIME (seconds, default 60), SSA_FUZZ_SYS_SEED (default:
#   from the clock; the seed is printed), SSA_FUZZ_SYS_THREADS (default 3).
#
# "make fuzz-sys FUZZ_TIME=600" runs it longer, on the debug kernel.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
W=$(mktemp -d /tmp/ssa-fuzz.XXXXXX)
SRV=
# The fuzzer loads policies; whatever way it ends, the defaults come back.
trap '[ -z "$SRV" ] || kill $SRV 2>/dev/null; printf "[default]\n" >/sys/kernel/security/tls_ssa/policy 2>/dev/null
      rm -rf "$W"' EXIT
PKI=$W/pki
"$HERE/lib/mkpki.sh" "$PKI" >/dev/null 2>&1 || { echo "Bail out! cannot make certificates"; exit 1; }
PORT=$((20000 + RANDOM % 20000))
openssl s_server -accept "$PORT" -quiet -www -cert "$PKI/srv.pem" -key "$PKI/srv.key" \
	>/dev/null 2>&1 &
SRV=$!
for _ in $(seq 50); do ss -ltn | grep -q ":$PORT " && break; sleep 0.1; done
args=(-t "${SSA_FUZZ_SYS_TIME:-60}" -j "${SSA_FUZZ_SYS_THREADS:-3}" -c "$PKI/srv.pem"
      -k "$PKI/srv.key" -a "$PKI/ca.pem" -o "$PORT" -P)
[ -z "${SSA_FUZZ_SYS_SEED:-}" ] || args+=(-s "$SSA_FUZZ_SYS_SEED")
[ -z "${SSA_VM_MODULE:-}" ] || args+=(-m "$SSA_VM_MODULE")
"$HERE/lib/ssa_fuzz_sys" "${args[@]}"
