#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Memory is charged to its owner: a process in a memory cgroup, limited to
# what it uses once started plus 12 MiB, loads 1 MiB certificate chains, 8
# per socket on up to 100 sockets (800 MiB of chains if nothing stopped
# it).  The cgroup must stop it with ENOMEM from setsockopt(), not the OOM
# killer, well before that; a process outside the cgroup then loads a
# chain as usual.  (Each chain costs a few MiB of kernel memory, and each
# load near the limit runs reclaim: a small margin keeps the loads few.)
# Needs root and cgroup v2 (mounted here if it is not).  TAP with a
# "# Totals:" line.

set -u
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CG=/sys/fs/cgroup/ssa-memcg-test
. "$HERE/lib/tap.sh" memcg
PKI=$W/pki
on_exit() {
	[ -d "$CG" ] || return 0
	xargs -r kill -9 <"$CG/cgroup.procs" 2>/dev/null
	sleep 0.2
	rmdir "$CG" 2>/dev/null
}

if ! grep -q cgroup2 /proc/mounts; then
	mkdir -p /sys/fs/cgroup
	mount -t cgroup2 none /sys/fs/cgroup 2>/dev/null
fi
if ! grep -qw memory /sys/fs/cgroup/cgroup.controllers 2>/dev/null; then
	skip_all "no cgroup v2 memory controller"
fi
echo +memory >/sys/fs/cgroup/cgroup.subtree_control
mkdir -p "$CG"
echo $((48 << 20)) >"$CG/memory.max"
echo 0 >"$CG/memory.swap.max" 2>/dev/null

"$HERE/lib/mkpki.sh" "$PKI" >/dev/null 2>&1
# srv.pem, then CA copies up to 1 MiB: one chain mbedTLS parses whole.
# (One printf, not a loop of cat: over a thousand forks take a while in
# the VM.)
ca=$(<"$PKI/ca.pem")
copies=$(( ((1 << 20) - $(stat -c %s "$PKI/srv.pem")) / (${#ca} + 1) + 1 ))
{ cat "$PKI/srv.pem"; printf "%.0s$ca\n" $(seq "$copies"); } >"$W/big.pem"

sh -c "echo \$\$ >$CG/cgroup.procs && exec python3 - '$W/big.pem' '$PKI/srv.key' '$CG'" \
	>"$W/out" 2>"$W/err" <<'PY'
import errno, socket, sys
chain, key, cg = sys.argv[1], sys.argv[2], sys.argv[3]
socks, loaded = [], 0
with open(cg + "/memory.current") as f:
    used = int(f.read())
with open(cg + "/memory.max", "w") as f:
    f.write(str(used + (12 << 20)))
try:
    for i in range(100):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM, 205)
        socks.append(s)
        for j in range(8):
            s.setsockopt(205, 88, chain.encode())
            s.setsockopt(205, 89, key.encode())
            loaded += 1
    print("loaded all", loaded)
except OSError as e:
    print("stopped", errno.errorcode.get(e.errno, e.errno), "after", loaded, flush=True)
PY
rc=$?
check "the cgroup stops 1 MiB chains with ENOMEM (exit $rc)" \
	"grep -q '^stopped ENOMEM after' $W/out && [ $rc = 0 ]"
loaded=$(sed -n 's/.* after \([0-9]*\)$/\1/p' "$W/out")
# At least one loads: it is setsockopt() that meets the limit, not socket().
check "well before 800 chains (${loaded:-?} loaded)" \
	"[ -n '$loaded' ] && [ '$loaded' -ge 1 ] && [ '$loaded' -lt 100 ]"
check "no OOM kill in the cgroup" "! grep -q '^oom_kill [1-9]' $CG/memory.events"
python3 - "$W/big.pem" "$PKI/srv.key" >"$W/out" 2>"$W/err" <<'PY'
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM, 205)
s.setsockopt(205, 88, sys.argv[1].encode())
s.setsockopt(205, 89, sys.argv[2].encode())
print("outside ok")
PY
check "outside the cgroup the same chain loads" "grep -q 'outside ok' $W/out"
tap_end
