#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ssa_failslab.sh - fault injection on tls_ssa's own allocations (debug
# kernel only: failslab and fail_page_alloc through debugfs).
#
# Only allocations whose call stack passes through tls_ssa.ko fail (the
# stacktrace filter, set to the module's address range), one in PERCENT,
# while clients and servers run: socket, setsockopt (chains, keys, pinned
# anchors), connect and the handshake, listen/accept and the server's
# handshake, the hand-off to kTLS.  Every call must end in an error or a
# success, never a crash or a hang (vm-run watches the console); then,
# with injection off, the module must still work, and no socket state may
# be left (sockets_active 0).  selftests-run's kmemleak scan after this
# suite catches what a failure path forgot to free.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
CLIENT=$REPO/samples/ssa_client
SERVER=$REPO/samples/ssa_server
DBG=/sys/kernel/debug
FS=/sys/kernel/security/tls_ssa
ROUNDS=${SSA_FAILSLAB_ROUNDS:-6}
PERCENT=${SSA_FAILSLAB_PERCENT:-2}
. "$HERE/lib/tap.sh" failslab
on_exit() { for f in failslab fail_page_alloc; do echo 0 >"$DBG/$f/probability"; done 2>/dev/null; }
[ -d $DBG/failslab ] && [ -d $DBG/fail_page_alloc ] ||
	skip_all "no failslab/fail_page_alloc in debugfs (not the debug kernel)"
"$HERE/lib/mkpki.sh" "$W/pki" >/dev/null 2>&1 || bail mkpki
PKI=$W/pki

# The module's range, from /proc/modules: "tls_ssa SIZE REFS DEPS STATE ADDR".
# Kernel addresses are above 2^63: bash's signed arithmetic would make them
# negative, and debugfs refuses a negative number (keeping the filter off,
# so every allocation in the VM would fail).  Written as hex.
read -r _ size _ _ _ addr _ < <(grep '^tls_ssa ' /proc/modules)
start=$addr
end=$(printf '0x%x' $((addr + size)))
check "tls_ssa's address range known ($start-$end)" \
	"[[ $start == 0xffff* ]] && [ ${size:-0} -gt 0 ]"

# inject PERCENT: fail that share of tls_ssa's slab and page allocations.
inject() {
	local f
	for f in failslab fail_page_alloc; do
		echo "$start" >"$DBG/$f/require-start" || return 1
		echo "$end" >"$DBG/$f/require-end" || return 1
		# debugfs shows it in hex ("0x..."): compare as numbers.
		[ $(($(cat "$DBG/$f/require-end"))) = $((end)) ] || return 1
		echo 32 >"$DBG/$f/stacktrace-depth"
		echo 0 >"$DBG/$f/verbose"
		echo 1000000 >"$DBG/$f/times"
		echo 0 >"$DBG/$f/interval"
		echo N >"$DBG/$f/task-filter"
		echo "$1" >"$DBG/$f/probability"
	done
	LEVEL=$1
	echo N >"$DBG/failslab/ignore-gfp-wait"
	echo N >"$DBG/fail_page_alloc/ignore-gfp-wait"
	echo N >"$DBG/fail_page_alloc/ignore-gfp-highmem"
	echo 0 >"$DBG/fail_page_alloc/min-order"
}

# stat_zero NAME: wait up to 20 s for the module's stats counter NAME to be 0.
stat_zero() {
	local j
	for j in $(seq 100); do
		[ "$(sed -n "s/^$1 //p" "$FS/stats")" = 0 ] && return 0
		sleep 0.2
	done
	return 1
}

# probability PERCENT: pause (0) or resume ($LEVEL) injection, counters kept.
LEVEL=0
probability() {
	echo "$1" >"$DBG/failslab/probability"
	echo "$1" >"$DBG/fail_page_alloc/probability"
}

PORT_OS=$((20000 + RANDOM % 10000))
PORT_SSA=$((PORT_OS + 1))
PORT_LONG=$((PORT_OS + 2))
openssl s_server -accept "$PORT_OS" -quiet -www -cert "$PKI/srv.pem" -key "$PKI/srv.key" \
	>/dev/null 2>&1 &
PIDS+=($!)
wait_port "$PORT_OS" 20 $!

# A server set up while injection is paused: a server started under it
# nearly always fails in its setup (thousands of allocations parse its
# chain and key), so its handshakes would never meet a fault.  This one
# serves each round's second client under injection; if a fault ends it,
# it is started again, paused, and that is counted.
LONG= restarts=-1 long_rcs=() long_faults=0
# long_gone: if the server has ended, keep its exit status.
long_gone() {
	[ -n "$LONG" ] && ! kill -0 "$LONG" 2>/dev/null || return 1
	wait "$LONG" 2>/dev/null
	long_rcs+=($?)
	LONG=
}
# faults_left: what failslab and fail_page_alloc may still inject, summed.
faults_left() { echo $(($(cat "$DBG/failslab/times") + $(cat "$DBG/fail_page_alloc/times"))); }
long_server() {
	probability 0
	"$SERVER" -c "$PKI/srv.pem" -k "$PKI/srv.key" -e "$PORT_LONG" >>"$W/long.log" 2>&1 &
	LONG=$!
	PIDS+=($LONG)
	restarts=$((restarts + 1))
	wait_port "$PORT_LONG" 20 "$LONG"
	probability "$LEVEL"
}
long_server

# One round of everything, each call under its own time limit.
round() {
	local i=$1 t0=$SECONDS
	# Client: pinned anchors, name, connect, handshake, GET, close.
	timeout -k 5 60 "$CLIENT" -A "$PKI/ca.pem" -G / localhost "$PORT_OS" \
		>"$W/c$i.out" 2>"$W/c$i.err"
	echo $? >"$W/c$i.rc"
	# Server: chain and key, listen, accept, handshake with s_client.
	timeout -k 5 60 "$SERVER" -c "$PKI/srv.pem" -k "$PKI/srv.key" -e -n 1 "$PORT_SSA" \
		>"$W/s$i.out" 2>"$W/s$i.err" &
	local sp=$!
	wait_port "$PORT_SSA" 20 "$sp" &&
		"$HERE/lib/s_client_ping.sh" "$W/sc$i.out" -connect "127.0.0.1:$PORT_SSA" \
			-verify_return_error -CAfile "$PKI/ca.pem" -servername localhost
	# A server still running here is stuck (it serves one client): 124.
	if kill -0 "$sp" 2>/dev/null; then
		kill "$sp" 2>/dev/null
		wait "$sp" 2>/dev/null
		echo 124 >"$W/s$i.rc"
	else
		wait "$sp" 2>/dev/null
		echo $? >"$W/s$i.rc"
	fi
	# Server side, a handshake and the hand-off under injection.
	long_gone
	[ -n "$LONG" ] || long_server
	local before
	# Abandoned handshakes of this round's client and server run on in
	# the module's workers: let them end, or their faults count here.
	stat_zero handshakes_in_flight
	before=$(faults_left)
	"$HERE/lib/s_client_ping.sh" "$W/l$i.out" -connect "127.0.0.1:$PORT_LONG" \
		-verify_return_error -CAfile "$PKI/ca.pem" -servername localhost
	echo $? >"$W/l$i.rc"
	# s_client allocates nothing in tls_ssa: these faults were the server's.
	long_faults=$((long_faults + before - $(faults_left)))
	long_gone
	echo $((SECONDS - t0)) >"$W/t$i"
}

# With injection: PERCENT% of tls_ssa's allocations fail.  Without the filter
# every allocation in the VM would fail, so no filter, no injection.
if ! inject "$PERCENT"; then
	inject 0
	check "the stacktrace filter takes tls_ssa's range" false
	tap_end
fi
t0=$(date +%s)
for i in $(seq "$ROUNDS"); do round "$i"; done
left=$(cat "$DBG/failslab/times")
inject 0
check "faults were injected into tls_ssa's allocations ($((1000000 - left)))" \
	"[ $left -lt 1000000 ]"
hung=$(cat "$W"/c*.rc | grep -c '^124$')
shung=$(cat "$W"/s*.rc | grep -c '^124$')
ok=$(cat "$W"/c*.rc | grep -c '^0$')
slowest=$(cat "$W"/t[0-9]* | sort -n | tail -n1)
check "$ROUNDS client and server rounds with $PERCENT% of allocations failing ended ($ok clients succeeded, $(($(date +%s) - t0)) s)" \
	"[ $hung = 0 ]"
# Rounds used to take 30 s: s_client -quiet outwaited the echo server
# until its own timeout (lib/s_client_ping.sh ends that).  The time is
# reported, not judged: a failure path may wait for a handshake timeout.
echo "# the slowest round took ${slowest}s"
# What the failed clients said, most frequent first.
for f in "$W"/c*.err; do
	[ -s "$f" ] && tail -n1 "$f"
done | sort | uniq -c | sort -rn | head -n 8 | sed 's/^/# /'
# Servers that hung are reported, not judged (see the timing note below).
echo "# servers still running when their client was done: $shung of $ROUNDS"
echo "# handshakes with the server set up beforehand: $(cat "$W"/l[0-9]*.rc | grep -c '^0$') of $ROUNDS completed; it was started again $restarts times"
# Each failed client says why, in its own error output.
mute=0
for f in "$W"/c[0-9]*.rc; do
	[ "$(cat "$f")" = 0 ] && continue
	# "ssa_client: CALL: ERRNO (strerror)[: TLS_ERROR]"; a fixed list
	# of words missed "could not derive the traffic keys".
	grep -qE '^ssa_client: .+: E[A-Z0-9]+ \(' "${f%.rc}.err" 2>/dev/null || mute=$((mute + 1))
done
check "each failed client reported an error in words ($mute without)" "[ $mute = 0 ]"
# Its inputs are valid, so EINVAL can only be a failed allocation under
# another name (key derivation said so until its mbedTLS errors were mapped).
einval=$(cat "$W"/c[0-9]*.err 2>/dev/null | grep -c ': EINVAL (')
check "no failed client was told EINVAL for an allocation failure ($einval)" "[ $einval = 0 ]"

# Afterwards the module works as before, and no state is left behind.
round after
check "with injection off, a client connects again" "[ \$(cat $W/cafter.rc) = 0 ]"
check "with injection off, the server set up beforehand serves" "[ \$(cat $W/lafter.rc) = 0 ]"
check "the server set up beforehand met faults in its handshakes ($long_faults)" \
	"[ $long_faults -gt 0 ]"
[ -z "$LONG" ] || { kill "$LONG" 2>/dev/null; wait "$LONG" 2>/dev/null; }
# None may crash (a signal: exit status > 128, 124 is timeout's own).
crashed=$(cat "$W"/c*.rc "$W"/s*.rc | awk '$1 > 128 && $1 != 143' | wc -l)
crashed=$((crashed + $(printf '%s\n' "${long_rcs[@]}" | awk '$1 > 128 && $1 != 143' | wc -l)))
check "no client or server died of a signal" "[ $crashed = 0 ]"
check "sockets_active returns to 0" "stat_zero sockets_active"

tap_end
