# pvmm: a static ppc64le micro-VMM.  `make` cross-builds ./pvmm; `make check`
# runs every test; `make demo` boots a guest inside an emulated POWER host.
-include .cache/env

CROSS	?= powerpc64le-linux-gnu-
XCC	:= $(CROSS)gcc
CC	?= cc
SYSROOT	?= .cache/sysroot
B	:= build

CPPFLAGS := -I. -D_GNU_SOURCE
CWARN	:= -Wall -Wextra -Werror
CFLAGS	?= -O2 -g
CFLAGS	+= -std=gnu11 $(CWARN) -MMD -MP

# The seam: cpu/kvm/ talks to KVM on POWER and is built only for ppc64le,
# but for its host probe (it tells a host without KVM-HV so) and its stats
# parser, which build on any Linux.  Everything else is portable and
# unit-tested natively; the composition root (the top-level files beside
# main.c) too, but for main.c itself.
KVM_PORT  := cpu/kvm/host.c cpu/kvm/stats.c
POWER_SRC := $(filter-out $(KVM_PORT),$(wildcard cpu/kvm/*.c))
ROOT_SRC  := $(filter-out main.c,$(wildcard *.c))

# Devices: config.h's CONFIG_VIRTIO_* choose which device modules are
# built (make CONFIG_VIRTIO_NET=0 overrides one for a build); the files
# and unit tests of a kind left out are not compiled at all.
config_of = $(or $($(1)),$(shell sed -n \
	's/^\#define[ \t]*$(1)[ \t]*\([0-9]*\).*/\1/p' config.h))
DEV_CONFIGS := CONFIG_VIRTIO_BLK CONFIG_VIRTIO_NET CONFIG_VIRTIO_RNG \
	       CONFIG_VIRTIO_VSOCK
SRC_CONFIG_VIRTIO_BLK   := io/virtio_blk.c
SRC_CONFIG_VIRTIO_NET   := io/virtio_net.c
SRC_CONFIG_VIRTIO_RNG   := io/virtio_rng.c
SRC_CONFIG_VIRTIO_VSOCK := io/virtio_vsock.c io/vsock_conn.c \
			   io/vsock_host.c io/vsock_events.c
TEST_CONFIG_VIRTIO_BLK   := tests/unit/test_virtio_blk.c
TEST_CONFIG_VIRTIO_NET   := tests/unit/test_virtio_net.c
TEST_CONFIG_VIRTIO_RNG   := tests/unit/test_virtio_rng.c tests/unit/test_tce.c \
			    tests/unit/test_snapshot_state.c
TEST_CONFIG_VIRTIO_VSOCK := tests/unit/test_vsock.c
DEV_OFF   := $(foreach c,$(DEV_CONFIGS),$(if $(filter 1,$(call config_of,$(c))),,$(c)))
DEV_SKIP  := $(foreach c,$(DEV_OFF),$(SRC_$(c)))
CPPFLAGS  += $(foreach c,$(DEV_CONFIGS),-D$(c)=$(call config_of,$(c)))

PORT_SRC  := $(ROOT_SRC) $(KVM_PORT) $(filter-out cpu/nokvm.c $(DEV_SKIP),\
	     $(wildcard cpu/*.c papr/*.c hpt/*.c io/*.c migrate/*.c))
PVMM_SRC  := main.c $(PORT_SRC) $(POWER_SRC)

# --- cross build: static, musl, libfdt, liburing, zlib, cJSON ------------
# The libraries and musl's libc.a/crt*.o are built for size from their
# Debian sources by scripts/build-libs.sh (run by setup.sh) into OSLIBS,
# whose headers come first (libfdt's may be newer than the sysroot's).
OSLIBS	?= $(patsubst %/sysroot,%,$(SYSROOT))/oslibs
XLIB	:= $(OSLIBS)/lib
OSLIBS_NOW := $(OSLIBS)/lib/libcjson.a $(OSLIBS)/include/cjson/cJSON.h
MUSL	:= $(OSLIBS)/lib
XINC	:= -nostdinc -isystem $(SYSROOT)/usr/include/powerpc64le-linux-musl \
	   -isystem $(OSLIBS)/include -isystem $(SYSROOT)/usr/include \
	   -isystem $(shell $(XCC) -print-file-name=include 2>/dev/null)
XOBJ	:= $(PVMM_SRC:%.c=$(B)/ppc/%.o) $(B)/ppc/build_info.o \
	   $(B)/ppc/seccomp_filters.o

# Size (issue #16): pvmm's own code for size (-Os: its hot paths are a
# few instructions between syscalls), every function and object in its
# own section so the link drops what nothing calls (--gc-sections, also
# in the libraries, built the same way by scripts/build-libs.sh), no
# unwind tables (C, no backtraces: scripts/no-eh-frame.ld drops any
# left), and no RELRO, whose 64 KiB alignment only padded the file (a
# static binary has no dynamic linker to make it read-only).  Not
# position-independent code (the compiler's default), as the link is
# not.  LTO across pvmm's objects (17 KiB): it lays the device modules'
# section in its own order, which io/devices.c sorts by rank.
XOPT	?= -Os -ffunction-sections -fdata-sections -fno-pie \
	   -fno-asynchronous-unwind-tables -fno-unwind-tables -flto
XLDOPT	:= -Wl,--gc-sections,-z,norelro,-T,scripts/no-eh-frame.ld \
	   -Wl,-Map,$(B)/pvmm.map -flto=2 -Os

# --version's text: git describe and the libraries' versions, written
# by scripts/build-info.sh on every make, replaced only when it changes.
$(B)/gen/%/build_info.c: FORCE
	@scripts/build-info.sh $* $@

$(B)/ppc/build_info.o: $(B)/gen/ppc/build_info.c
	@$(XCC) $(XINC) $(CFLAGS) $(XOPT) -c -o $@ $<

$(B)/native/build_info.o: $(B)/gen/native/build_info.c
	@$(CC) $(CFLAGS) -c -o $@ $<

# The sandbox's seccomp filters (sandbox.h), generated on the build
# machine with libseccomp for the target: tools/seccomp/gen.c turns the
# rules (tools/seccomp/rules.c) into BPF, with the ioctl requests' values
# taken from the target's own compiler and headers (ioctls.c, -S).  The
# native build gets x86_64 filters the same way, for the unit tests.
SECCOMP_GEN := $(B)/host/seccomp-gen
SECCOMP_AWK := '/^ioctl_value_[A-Za-z0-9_]*:/ { n = substr($$1, 13); \
	sub(/:$$/, "", n) } /\.(long|zero)/ && n != "" { \
	print n, ($$1 == ".zero" ? 0 : $$2); n = "" }'

$(SECCOMP_GEN): tools/seccomp/gen.c tools/seccomp/rules.c \
		tools/seccomp/rules.h sandbox.h cpu/thread.h
	@mkdir -p $(dir $@)
	@echo "  HOSTCC  $@"
	@$(CC) -O2 $(CWARN) -I. -Itools/seccomp -o $@ tools/seccomp/gen.c \
		tools/seccomp/rules.c -lseccomp

$(B)/gen/ppc/ioctls.txt: tools/seccomp/ioctls.c | $(SYSROOT)
	@mkdir -p $(dir $@)
	@$(XCC) $(XINC) $(CPPFLAGS) -O0 -S -o - $< | awk $(SECCOMP_AWK) >$@.tmp
	@mv $@.tmp $@

$(B)/gen/native/ioctls.txt: tools/seccomp/ioctls.c
	@mkdir -p $(dir $@)
	@$(CC) $(CPPFLAGS) -O0 -S -o - $< | awk $(SECCOMP_AWK) >$@.tmp
	@mv $@.tmp $@

$(B)/gen/ppc/seccomp_filters.c: $(SECCOMP_GEN) $(B)/gen/ppc/ioctls.txt
	@echo "  SECCOMP $@ (ppc64le)"
	@$(SECCOMP_GEN) ppc64le $(B)/gen/ppc/ioctls.txt $@ $(@:.c=.pfc)

$(B)/gen/native/seccomp_filters.c: $(SECCOMP_GEN) $(B)/gen/native/ioctls.txt
	@echo "  SECCOMP $@ (native)"
	@$(SECCOMP_GEN) $$(uname -m) $(B)/gen/native/ioctls.txt $@ $(@:.c=.pfc)

$(B)/ppc/seccomp_filters.o: $(B)/gen/ppc/seccomp_filters.c | $(SYSROOT)
	@$(XCC) $(XINC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(B)/native/seccomp_filters.o: $(B)/gen/native/seccomp_filters.c
	@$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(B)/fuzz/seccomp_filters.o: $(B)/gen/native/seccomp_filters.c
	@mkdir -p $(dir $@)
	@$(FUZZ_CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

# The binary; a variant build (other CONFIG_* values) names its own, with
# its own B: make B=build/nodev PVMM=build/nodev/pvmm CONFIG_VIRTIO_...=0
PVMM	?= pvmm

all: $(PVMM)

$(PVMM): $(XOBJ) scripts/no-eh-frame.ld $(OSLIBS)/stamp $(OSLIBS_NOW) | \
	 $(SYSROOT)
	@echo "  XLD     $@"
	@$(XCC) -static -nostdlib $(XLDOPT) $(XLDFLAGS) -o $@ $(MUSL)/crt1.o $(MUSL)/crti.o \
		$(shell $(XCC) -print-file-name=crtbeginT.o) $(XOBJ) \
		$(XLIB)/libfdt.a $(XLIB)/liburing.a $(XLIB)/libz.a \
		$(XLIB)/libcjson.a -Wl,--start-group \
		$(MUSL)/libc.a $(shell $(XCC) -print-libgcc-file-name) \
		-Wl,--end-group $(shell $(XCC) -print-file-name=crtend.o) \
		$(MUSL)/crtn.o
	@$(CROSS)strip -o $(B)/pvmm.stripped $@
	@echo "pvmm: $$(stat -c %s $(B)/pvmm.stripped) bytes stripped; $$(file -b $@ | cut -d, -f1,5)"

# The flags the objects were built with: a change (say -flto or -Os added)
# rebuilds them all; objects from older flags had stayed, out of LTO,
# and made the binary 8 KB larger than a clean build.
XFLAGS_NOW := $(XCC) $(CPPFLAGS) $(CFLAGS) $(XOPT)
$(B)/ppc/.flags: FORCE
	@mkdir -p $(dir $@)
	@echo '$(XFLAGS_NOW)' | cmp -s - $@ || echo '$(XFLAGS_NOW)' >$@

$(B)/ppc/%.o: %.c $(B)/ppc/.flags | $(SYSROOT) $(OSLIBS)/stamp $(OSLIBS_NOW)
	@mkdir -p $(dir $@)
	@echo "  XCC     $<"
	@$(XCC) $(XINC) $(CPPFLAGS) $(CFLAGS) $(XOPT) -c -o $@ $<

$(SYSROOT) $(OSLIBS)/stamp:
	scripts/setup.sh

# A cache built by an older scripts/build-libs.sh lacks what the current
# one makes (cJSON, since revision 7): setup.sh then rebuilds the lot.
$(OSLIBS_NOW) &:
	scripts/setup.sh

# --- native build: portable code under ASan/UBSan -------------------------
NFLAGS	:= -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer \
	   -fno-sanitize-recover=all
NOBJ_PORT := $(PORT_SRC:%.c=$(B)/native/%.o) $(B)/native/seccomp_filters.o
# liburing's archive, as pvmm links it: Debian's liburing.so.2.3 does not
# export io_uring_register_restrictions() and io_uring_enable_rings().
NLIBS	:= -lfdt -l:liburing.a -lz -lcjson -lpthread

$(B)/native/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(CPPFLAGS) $(CFLAGS) $(NFLAGS) -c -o $@ $<

# pvmm built for this (non-POWER) host: it must refuse with one clear line.
$(B)/native/pvmm: $(B)/native/main.o $(NOBJ_PORT) $(B)/native/cpu/nokvm.o \
		  $(B)/native/build_info.o
	$(CC) $(NFLAGS) -o $@ $^ $(NLIBS)

UNIT_SRC  := $(filter-out $(foreach c,$(DEV_OFF),$(TEST_$(c))),\
	     $(wildcard tests/unit/test_*.c))
UNIT_BIN  := $(UNIT_SRC:tests/unit/%.c=$(B)/native/tests/%)
UNIT_HELP := $(filter-out $(wildcard tests/unit/test_*.c),$(wildcard tests/unit/*.c))
UNIT_HOBJ := $(UNIT_HELP:%.c=$(B)/native/%.o)

# Link-time seams besides fake_hv.c: tests/unit/fake_sys.h.
UNIT_WRAP := -Wl,--wrap=loop_call,--wrap=loop_sqe,--wrap=loop_watch,--wrap=loop_unwatch,--wrap=getrandom

$(B)/native/tests/%: $(B)/native/tests/unit/%.o $(UNIT_HOBJ) $(NOBJ_PORT)
	@mkdir -p $(dir $@)
	$(CC) $(NFLAGS) $(UNIT_WRAP) -o $@ $^ -lcmocka $(NLIBS)

# The sandbox's tests also check the rules the filters come from; and
# test_seccomp_ppc checks pvmm's own (ppc64le) filters, as data, alone.
$(B)/native/tests/test_sandbox: $(B)/native/tools/seccomp/rules.o

$(B)/native/gen-ppc/seccomp_filters.o: $(B)/gen/ppc/seccomp_filters.c
	@mkdir -p $(dir $@)
	@$(CC) $(CPPFLAGS) $(CFLAGS) $(NFLAGS) -c -o $@ $<

$(B)/native/tests/test_seccomp_ppc: $(B)/native/tests/unit/test_seccomp_ppc.o \
		$(B)/native/gen-ppc/seccomp_filters.o
	$(CC) $(NFLAGS) -o $@ $^ -lcmocka

native: $(B)/native/pvmm $(UNIT_BIN)

unit: native
	tests/unit/run.sh $(B)

# --- fuzz targets: libFuzzer, ASan+UBSan, clang ---------------------------
# tests/fuzz/fuzz_NAME.c against the portable objects built again with
# clang's coverage, and the unit tests' link-time fakes (fake_hv.c,
# fake_sys.c, the same --wrap seams).  `make fuzz` builds them; the check
# stage (tests/fuzz/run.sh) runs each for FUZZ_TIME seconds on its seed
# corpus (tests/fuzz/corpus/NAME/); `make fuzz-long` for FUZZ_LONG each.
FUZZ_CC	  ?= clang
FUZZ_TIME ?= 10
FUZZ_LONG ?= 600
FFLAGS	:= -O1 -g -fsanitize=fuzzer-no-link,address,undefined \
	   -fno-omit-frame-pointer -fno-sanitize-recover=all
FUZZ_SRC  := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BIN  := $(FUZZ_SRC:tests/fuzz/%.c=$(B)/fuzz/bin/%)
FOBJ_PORT := $(PORT_SRC:%.c=$(B)/fuzz/%.o) $(B)/fuzz/seccomp_filters.o
FUZZ_HELP := tests/fuzz/guest.c
FOBJ_HELP := $(UNIT_HELP:%.c=$(B)/fuzz/%.o) $(FUZZ_HELP:%.c=$(B)/fuzz/%.o)

$(B)/fuzz/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  FUZZCC  $<"
	@$(FUZZ_CC) $(CPPFLAGS) $(CFLAGS) $(FFLAGS) -c -o $@ $<

$(B)/fuzz/bin/%: $(B)/fuzz/tests/fuzz/%.o $(FOBJ_HELP) $(FOBJ_PORT)
	@mkdir -p $(dir $@)
	@echo "  FUZZLD  $@"
	@$(FUZZ_CC) -fsanitize=fuzzer,address,undefined $(UNIT_WRAP) -o $@ \
		$^ -lcmocka $(NLIBS)

.SECONDARY: $(FOBJ_PORT) $(FOBJ_HELP) $(FUZZ_SRC:%.c=$(B)/fuzz/%.o)

fuzz: $(FUZZ_BIN)

fuzz-run: fuzz
	tests/fuzz/run.sh $(B) $(FUZZ_TIME)

fuzz-long: fuzz
	tests/fuzz/run.sh $(B) $(FUZZ_LONG)

# --- guests, tools, e2e and the rest ---------------------------------------
# Small static ppc64le programs the e2e scenarios run inside the host.
TOOLS	:= $(patsubst tests/tools/%.c,$(B)/tools/%,$(wildcard tests/tools/*.c))

# ... and the ones the L2 guest runs (tests/l2/*.c, into its initramfs).
L2BIN	:= $(patsubst tests/l2/%.c,$(B)/l2-bin/%,$(wildcard tests/l2/*.c))

define static_musl
	@mkdir -p $(dir $@)
	@echo "  XCC     $<"
	@$(XCC) $(XINC) $(CFLAGS) -static -nostdlib -o $@ $(MUSL)/crt1.o \
		$(MUSL)/crti.o $(shell $(XCC) -print-file-name=crtbeginT.o) $< \
		-Wl,--start-group $(MUSL)/libc.a \
		$(shell $(XCC) -print-libgcc-file-name) -Wl,--end-group \
		$(shell $(XCC) -print-file-name=crtend.o) $(MUSL)/crtn.o
endef

$(B)/tools/%: tests/tools/%.c | $(SYSROOT)
	$(static_musl)

# nvram-oops inflates Linux's compressed oops log: zlib, as pvmm links it.
# It runs in the host (on a --nvram file) and in the L2 guest (/dev/nvram).
$(B)/tools/nvram-oops: tests/tools/nvram-oops.c | $(SYSROOT)
	@mkdir -p $(dir $@)
	@echo "  XCC     $<"
	@$(XCC) $(XINC) $(CFLAGS) -static -nostdlib -o $@ $(MUSL)/crt1.o \
		$(MUSL)/crti.o $(shell $(XCC) -print-file-name=crtbeginT.o) $< \
		$(XLIB)/libz.a -Wl,--start-group $(MUSL)/libc.a \
		$(shell $(XCC) -print-libgcc-file-name) -Wl,--end-group \
		$(shell $(XCC) -print-file-name=crtend.o) $(MUSL)/crtn.o

L2BIN	+= $(B)/l2-bin/nvram-oops
$(B)/l2-bin/nvram-oops: $(B)/tools/nvram-oops
	@mkdir -p $(dir $@)
	cp $< $@

$(B)/l2-bin/%: tests/l2/%.c | $(SYSROOT)
	$(static_musl)

tools: $(TOOLS)

guests: | $(SYSROOT)
	$(MAKE) -C tests/guests O=$(CURDIR)/$(B)/guests CROSS=$(CROSS)

e2e: pvmm guests tools l2
	python3 tests/e2e/run.py --host A --host B

check: | $(SYSROOT)
	tests/check.sh

# The Linux guest payload: Debian's vmlinux and a busybox initramfs.
l2: $(L2BIN) | $(SYSROOT)
	tests/l2/build.sh

demo: | $(SYSROOT)
	scripts/setup.sh
	$(MAKE) pvmm guests tools l2
	python3 tests/e2e/run.py --demo

# Issue #16: the stripped binary, all devices built in, stays under
# 300 KiB (SIZE_GOAL, 307,200 bytes).  `make size`, a stage of `make
# check`, fails at or above the goal (it runs size-goal's test) and above
# SIZE_CEILING, a guard against growth just above what the steps of
# README "Footprint" reached (305,736 bytes on 2026-12-05, from
# 466,824): a change that needs more bytes says so by raising it.
SIZE_GOAL ?= 307200
SIZE_CEILING ?= 306432
size: $(PVMM)
	@s=$$(stat -c %s $(B)/pvmm.stripped); \
	echo "pvmm: $$s bytes stripped; goal $(SIZE_GOAL): $$(( $(SIZE_GOAL) - s )) under; ceiling $(SIZE_CEILING): $$(( $(SIZE_CEILING) - s )) left"; \
	if [ $$s -lt $(SIZE_GOAL) ] && [ $$s -le $(SIZE_CEILING) ]; then \
		echo "1 passed, 0 failed"; \
	else echo "0 passed, 1 failed"; exit 1; fi

# Where the bytes are, per object and archive, from the link map.
size-map: $(PVMM)
	@chmod +x scripts/size-map.py
	@scripts/size-map.py $(B)/pvmm.map libc.a libcjson.a libz.a libfdt.a liburing.a

size-goal: $(PVMM)
	@s=$$(stat -c %s $(B)/pvmm.stripped); \
	echo "pvmm: $$s bytes stripped, goal $(SIZE_GOAL)"; \
	[ $$s -lt $(SIZE_GOAL) ]

CPPCHECK := cppcheck --quiet --error-exitcode=1 --enable=warning,portability \
	--inline-suppr -I. --std=c11 -D__GNUC__ *.c cpu papr hpt io migrate

bench: | $(SYSROOT)
	scripts/setup.sh
	bench/setup-qemu.sh
	bench/setup-qemu.sh sid || echo "bench: no newest QEMU: its column is left out"
	$(MAKE) pvmm guests tools l2
	python3 bench/bench.py

# The floors (README, Architecture): no file uses a higher floor, no
# circles; and the check's own test that it catches both.
FLOORS := scripts/floors.py && scripts/floors.py --self-test >/dev/null

lint:
	$(CPPCHECK)
	$(FLOORS)

# For tests/check.sh: the lint verdict as a closing count line.
lint-report:
	@if $(CPPCHECK) && $(FLOORS); then echo "1 passed, 0 failed"; \
	else echo "0 passed, 1 failed"; fi

setup:
	scripts/setup.sh

# The man page (scdoc) and make install: PREFIX (default /usr/local),
# DESTDIR for staging (debian/ uses both).
PREFIX	?= /usr/local
$(B)/pvmm.1: doc/pvmm.1.scd
	@mkdir -p $(B)
	scdoc <$< >$@

man: $(B)/pvmm.1

install: $(PVMM) $(B)/pvmm.1
	install -D -m 755 $(PVMM) $(DESTDIR)$(PREFIX)/bin/pvmm
	install -D -m 644 $(B)/pvmm.1 $(DESTDIR)$(PREFIX)/share/man/man1/pvmm.1
	install -D -m 644 doc/pvmm.bash-completion \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions/pvmm

clean:
	rm -rf $(B) pvmm

FORCE:

.PHONY: FORCE size size-map size-goal man install all native unit fuzz fuzz-run fuzz-long guests tools l2 bench e2e check demo lint lint-report setup clean
-include $(shell find $(B) -name '*.d' 2>/dev/null)
