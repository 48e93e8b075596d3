# SPDX-License-Identifier: GPL-2.0
#
# tls_ssa top-level Makefile.  The kernel build itself is in Kbuild.
#
#   make            build tls_ssa.ko (and ssactl) for the target kernel
#   make deps       install/fetch what the build and tests need (idempotent)
#   make check      build, KUnit (UML), selftests in the VM; "N passed, N failed"
#   make demo       boot the VM and show IPPROTO_TLS in action
#   make bench      SSA vs OpenSSL, stunnel and TCP, side by side in one VM
#   make fuzz-sys   the syscall fuzzer on the debug kernel (FUZZ_TIME=seconds)
#   make ports      real programs ported to SSA (ports/*/build), into the cache
#
# Variables: KVER (target kernel, default: Debian's linux-image-amd64),
# KDIR (kernel build dir, default /lib/modules/$(KVER)/build),
# SSA_CACHE (default /var/cache/tls_ssa), MBEDTLS_SRC (an mbedTLS >= 3.6.7
# source tree to build with instead of Debian's, e.g. a release tarball).

SSA_CACHE ?= /var/cache/tls_ssa
export SSA_CACHE
MBEDTLS_SRC ?= $(SSA_CACHE)/mbedtls
export MBEDTLS_SRC
# What is compiled: MBEDTLS_SRC with crypto/patches/*.patch applied.
MBEDTLS_TREE := $(SSA_CACHE)/mbedtls-ssa

# Resolved by setup-deps from Debian's metapackage when not pinned.
kver = $(or $(KVER),$(shell cat $(SSA_CACHE)/default-kver 2>/dev/null))
kdir = $(or $(KDIR),/lib/modules/$(kver)/build)

SELFTESTS := selftests/ssa_socket selftests/ssa_datapath selftests/ssa_unload \
	selftests/ssa_hostile selftests/ssa_hostile32 selftests/ssa_connect selftests/ssa_flood \
	selftests/lib/tls_raw_peer \
	selftests/lib/ssa_fuzz_sys
SAMPLES := samples/ssa_client samples/ssa_server
SSACTL := tools/ssactl/ssactl
USER_CFLAGS := -O2 -g -Wall -Wextra -Werror -Iinclude/uapi
# The 6.1 kselftest harness macros leave parameters unused.
SELFTEST_CFLAGS := $(USER_CFLAGS) -Wno-unused-parameter -I$(SSA_CACHE)/kselftest

.PHONY: all module module-shadow module-debug fuzz-sys deps check demo kunit selftests clean help checkpatch fuzz \
	bench ports

all: module $(SSACTL) $(SELFTESTS) $(SAMPLES)

help:
	@sed -n '3,17p' Makefile

deps:
	@tools/testing/setup-deps $(if $(KVER),--kver $(KVER)) --quiet >/dev/null
	@tools/testing/mbedtls-tree $(MBEDTLS_SRC) $(MBEDTLS_TREE) >/dev/null
	@ln -sfn $(MBEDTLS_TREE) crypto/mbedtls

# The module builds in a copy of its sources under the cache
# (tools/testing/shadow-tree), which keeps the objects of unchanged files
# from one checkout to the next: a fresh clone recompiles what changed,
# not the hundred files of mbedTLS.
shadow_dir = $(SSA_CACHE)/build/$(if $(KDIR),kdir-$(shell echo '$(abspath $(KDIR))' | md5sum | cut -c1-12),$(kver))
module: deps
	@tools/testing/shadow-tree $(CURDIR) $(MBEDTLS_TREE) $(shadow_dir)
	$(MAKE) -C $(kdir) M=$(shadow_dir) CONFIG_TLS_SSA=m modules
	@cp -f $(shadow_dir)/tls_ssa.ko tls_ssa.ko
	@cp -f tls_ssa.ko tls_ssa-$(kver).ko
	$(MAKE) -C $(kdir) M=$(CURDIR)/tools/testing/vmtest modules

# Another kernel's module, built in its own shadow tree under the cache
# as the default one is, so the two sets of objects do not displace
# each other:
#   make module-shadow KVER=6.12     (a series or a full release)
shadow_kver = $(shell tools/testing/setup-deps --kver $(KVER) --quiet | sed -n 's/^KVER=//p')
module-shadow: deps
	@test -n "$(KVER)" || { echo "module-shadow needs KVER=" >&2; exit 1; }
	@set -e; k=$(shadow_kver); d=$(SSA_CACHE)/build/$$k; \
	tools/testing/shadow-tree $(CURDIR) $(MBEDTLS_TREE) $$d; \
	$(MAKE) -C /lib/modules/$$k/build M=$$d CONFIG_TLS_SSA=m modules; \
	cp -f $$d/tls_ssa.ko tls_ssa-$$k.ko; echo "built tls_ssa-$$k.ko"

# The module for the debug kernel (KASAN, lockdep, kmemleak, UBSAN), which
# tools/testing/debug-kernel builds once per machine from Debian's
# linux-source-6.12; "vm-run --kernel debug" boots it.
module-debug: deps
	@set -e; k=$$(tools/testing/debug-kernel --quiet | sed -n 's/^KVER=//p'); \
	test -n "$$k"; d=$(SSA_CACHE)/build/$$k; \
	tools/testing/shadow-tree $(CURDIR) $(MBEDTLS_TREE) $$d; \
	$(MAKE) -C $(SSA_CACHE)/debug/build M=$$d CONFIG_TLS_SSA=m modules; \
	mkdir -p $$d/vmtest; cp -f tools/testing/vmtest/Kbuild tools/testing/vmtest/*.c $$d/vmtest/; \
	$(MAKE) -C $(SSA_CACHE)/debug/build M=$$d/vmtest modules; \
	cp -f $$d/tls_ssa.ko tls_ssa-$$k.ko; echo "built tls_ssa-$$k.ko"

# Benchmarks (tools/testing/bench): the VM runs them all in one boot.
tools/testing/bench/ssa_bench: tools/testing/bench/ssa_bench.c include/uapi/linux/tls_ssa.h \
			     selftests/lib/ssa_stats.h
	$(CC) $(USER_CFLAGS) -o $@ $< -lssl -lcrypto -lpthread

bench: all tools/testing/bench/ssa_bench
	@tools/testing/setup-deps --bench --quiet >/dev/null
	tools/testing/bench/run

# The policy parser under libFuzzer (clang, ASan + UBSan), FUZZ_TIME seconds.
FUZZ_TIME ?= 30
fuzz/out/policy_fuzz: fuzz/policy_fuzz.c net/tls_ssa/policy_parse.c net/tls_ssa/policy_parse.h
	@mkdir -p fuzz/out
	clang -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
		-Inet/tls_ssa -o $@ fuzz/policy_fuzz.c net/tls_ssa/policy_parse.c

fuzz: fuzz/out/policy_fuzz
	@mkdir -p fuzz/out/corpus
	fuzz/out/policy_fuzz -max_total_time=$(FUZZ_TIME) -max_len=4096 -print_final_stats=1 \
		fuzz/out/corpus fuzz/corpus/policy

# ssactl shares the policy parser with the module (net/tls_ssa/policy_parse.c).
$(SSACTL): tools/ssactl/ssactl.c net/tls_ssa/policy_parse.c net/tls_ssa/policy_parse.h \
	   include/uapi/linux/tls_ssa.h
	$(CC) $(USER_CFLAGS) -Inet/tls_ssa -o $@ tools/ssactl/ssactl.c net/tls_ssa/policy_parse.c

selftests/%: selftests/%.c include/uapi/linux/tls_ssa.h selftests/lib/ssa_selftest.h | deps
	$(CC) $(SELFTEST_CFLAGS) -o $@ $<

# The SSA server under test runs in threads of the test itself.
selftests/ssa_flood: selftests/ssa_flood.c include/uapi/linux/tls_ssa.h selftests/lib/ssa_stats.h \
		     selftests/lib/ssa_selftest.h | deps
	$(CC) $(SELFTEST_CFLAGS) -o $@ $< -lpthread

# The same tests as a 32-bit program: recvmsg() through the compat path
# (the 6.1 harness compares int with size_t and casts pointers to 64-bit
# integers, which -m32 flags).
selftests/ssa_hostile32: selftests/ssa_hostile.c include/uapi/linux/tls_ssa.h \
			 selftests/lib/ssa_selftest.h | deps
	$(CC) -m32 $(SELFTEST_CFLAGS) -Wno-sign-compare -Wno-pointer-to-int-cast -o $@ $<

# The syscall fuzzer (selftests/ssa_fuzz.sh runs it against real peers).
selftests/lib/ssa_fuzz_sys: selftests/lib/ssa_fuzz_sys.c include/uapi/linux/tls_ssa.h
	$(CC) $(USER_CFLAGS) -o $@ $< -lpthread

# Longer fuzz runs, on the debug kernel: make fuzz-sys FUZZ_TIME=600 [FUZZ_SEED=N]
fuzz-sys: all module-debug
	tools/testing/vm-run --kernel debug --module tls_ssa-$$(cat $(SSA_CACHE)/debug-kver).ko \
		--timeout $$(($(FUZZ_TIME) + 300)) -- env SSA_FUZZ_SYS_TIME=$(FUZZ_TIME) \
		$(if $(FUZZ_SEED),SSA_FUZZ_SYS_SEED=$(FUZZ_SEED)) tools/testing/selftests-run ssa_fuzz.sh

# The hostile TLS peer: OpenSSL for the handshake, kTLS TX for raw records.
selftests/lib/tls_raw_peer: selftests/lib/tls_raw_peer.c
	$(CC) $(USER_CFLAGS) -Wno-deprecated-declarations -o $@ $< -lssl -lcrypto

kunit: deps
	tools/testing/kunit-run

# Each port fetches its program's Debian source into the cache, applies
# its patch and installs the binary under $(SSA_CACHE)/ports/bin.
ports: deps
	@set -e; for b in ports/*/build; do $$b; done

selftests: all
	tools/testing/selftests-run

check: deps
	tools/testing/check

demo: all
	tools/testing/demo

checkpatch:
	tools/testing/checkpatch

clean:
	-$(MAKE) -C $(kdir) M=$(CURDIR) CONFIG_TLS_SSA=m clean 2>/dev/null
	-$(MAKE) -C $(kdir) M=$(CURDIR)/tools/testing/vmtest clean 2>/dev/null
	rm -f $(SSACTL) $(SELFTESTS) $(SAMPLES) tls_ssa.ko tls_ssa-*.ko

samples/%: samples/%.c include/uapi/linux/tls_ssa.h
	$(CC) $(USER_CFLAGS) -o $@ $<
