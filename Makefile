# motcua - the commune one-stop console.  One non-recursive Makefile.
#
#   make            build motcua and motcua-sandbox
#   make deps       install missing Debian packages (packaging/deps.sh)
#   make test       deps, build, check-layers, unit tests, then the unit and
#                   integration tests under ASan+UBSan and under valgrind, and
#                   fuzz-smoke
#   make check-layers  the layering: includes, library owners, cycles, banned
#                   calls, thin front ends, and each layer's symbols
#   make check      unit + integration tests (no deps step, no ASan)
#   make asan       build with ASan+UBSan and run the tests under them
#   make fuzz-smoke build the libFuzzer targets (clang) and run each briefly
#   make fuzz-long  every fuzz target for ten minutes (FUZZ_SECONDS), not in CI
#   make valgrind   unit and integration tests under valgrind memcheck
#   IT_JOBS=N       integration scripts at once (default 2; VG_IT_JOBS, 4, for valgrind)
#   make bench      print performance figures against DESIGN.md section 10
#   make demo       build and run `motcua demo`
#   make install PREFIX=/usr/local DESTDIR=   /   make uninstall
#   make deb        build the Debian package (build/deb/) and check it
#   make test-deb   make deb, then install it on a fresh Debian 12 root and use it
#
# Objects go to $(B) (build/, build/test, build/asan) so that the sanitizer
# and unit-test builds never mix with the release build.

CC      ?= cc
PREFIX  ?= /usr/local
DESTDIR ?=
B       ?= build

PKGS     = jansson libcurl sqlite3 ncursesw libmicrohttpd libqrencode libsecret-1 \
           openssl libp11 zlib libkeyutils
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null)

WARN     = -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wno-format-nonliteral \
           -Wstrict-prototypes -Wmissing-prototypes -Wvla
CFLAGS  ?= -O2 -g
ALL_CFLAGS = -std=c11 $(WARN) -D_GNU_SOURCE -Isrc -I. $(PKG_CFLAGS) \
             -DMOTCUA_DATADIR='"$(PREFIX)/share/motcua"' \
             -DMOTCUA_SYSCONFDIR='"$(SYSCONFDIR)"' \
             -DMOTCUA_LOCALEDIR='"$(PREFIX)/share/locale"' $(EXTRA_CFLAGS) $(CFLAGS)
# /etc/motcua for PREFIX=/usr (the package), else under the prefix (FHS).
SYSCONFDIR ?= $(if $(filter /usr,$(PREFIX)),/etc/motcua,$(PREFIX)/etc/motcua)
MANDIR  ?= $(PREFIX)/share/man
MAN_SRC  = $(wildcard packaging/man/*.[1-8])
LDLIBS  += $(PKG_LIBS) -lm

# The layers (DESIGN.md section 3), top first: the order the linker takes
# them in, each library before the ones it uses.  Each builds as its own
# static library, build/lib/libLAYER.a, and the programs link those, so a
# call that goes the wrong way fails the link; `make check-layers` also
# checks the includes (tests/check-layers.sh) and every library's symbols
# against the layers it may use (tests/check-layer-links.sh), which catches
# what a static link lets through.
LAYERS    = cli ui app outbox sync sign auth sources config net store core
layer_dir = $(if $(filter ui,$(1)),ui,src/$(1))
LAYER_LIBS = $(foreach l,$(LAYERS),$(B)/lib/lib$(l).a)

# All of them in one archive too, for the test, fuzz and bench programs.
LIB_DIRS  = $(foreach l,$(LAYERS),$(call layer_dir,$(l)))
LIB_SRC   = $(filter-out src/cli/main.c,$(foreach d,$(LIB_DIRS),$(wildcard $(d)/*.c)))
SBX_SRC   = $(filter-out src/sandbox/main.c,$(wildcard src/sandbox/*.c))
LIB_OBJ   = $(LIB_SRC:%.c=$(B)/%.o)
SBX_OBJ   = $(SBX_SRC:%.c=$(B)/%.o)
UNIT_SRC  = $(wildcard tests/unit/test_*.c)
UNIT_BIN  = $(UNIT_SRC:tests/unit/%.c=$(B)/tests/%)
BENCH_SRC = $(wildcard tests/bench/bench_*.c)
BENCH_BIN = $(BENCH_SRC:tests/bench/%.c=$(B)/bench/%)
HAVE_SBX  = $(wildcard src/sandbox/main.c)
SBX_LIB   = $(if $(SBX_SRC),$(B)/libsandbox.a)

PROGS = $(B)/motcua $(if $(HAVE_SBX),$(B)/motcua-sandbox)

# Message catalogues: locale/LANG.po -> $(B)/locale/LANG/LC_MESSAGES/motcua.mo
PO_SRC = $(wildcard locale/*.po)
MO_OBJ = $(PO_SRC:locale/%.po=$(B)/locale/%/LC_MESSAGES/motcua.mo)

.PHONY: all deps test check unit integration asan bench demo clean install uninstall \
        fuzz-bins fuzz-smoke fuzz-long valgrind valgrind-run deb bins test-deb check-layers

all: $(PROGS) $(MO_OBJ)
	@if [ "$(B)" = build ]; then ln -sf $(B)/motcua motcua; \
	 [ -z "$(HAVE_SBX)" ] || ln -sf $(B)/motcua-sandbox motcua-sandbox; fi

deps:
	@sh packaging/deps.sh

# V=1 shows the full command lines.
Q = $(if $(V),,@)

$(B)/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(V),,echo "  CC      $@")
	$(Q)$(CC) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

$(B)/locale/%/LC_MESSAGES/motcua.mo: locale/%.po
	@mkdir -p $(dir $@)
	$(Q)msgfmt --check -o $@ $<

$(B)/libmotcua.a: $(LIB_OBJ)
	@rm -f $@
	$(Q)ar rcs $@ $^

define layer_lib
$(B)/lib/lib$(1).a: $$(patsubst %.c,$(B)/%.o,$$(filter-out src/cli/main.c,$$(wildcard $(call layer_dir,$(1))/*.c)))
	@mkdir -p $$(dir $$@)
	@rm -f $$@
	$$(Q)ar rcs $$@ $$^
endef
$(foreach l,$(LAYERS),$(eval $(call layer_lib,$(l))))

$(B)/libsandbox.a: $(SBX_OBJ)
	@rm -f $@
	$(Q)ar rcs $@ $^

$(B)/motcua: $(B)/src/cli/main.o $(LAYER_LIBS)
	@$(if $(V),,echo "  LD      $@")
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $^ $(LDLIBS)

$(B)/motcua-sandbox: $(B)/src/sandbox/main.o $(B)/libsandbox.a $(LAYER_LIBS)
	@$(if $(V),,echo "  LD      $@")
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $^ $(LDLIBS)

# The layering, three ways: includes, banned calls and thin front ends
# (tests/check-layers.sh), and each layer's library against the layers it
# may use (tests/check-layer-links.sh); the checker's own tests too.
check-layers: $(LAYER_LIBS)
	@sh tests/check-layers.sh
	@sh tests/check-layer-links.sh $(abspath $(B))
	@sh tests/layers/test_check_layers.sh > /dev/null

$(B)/tests/%: tests/unit/%.c $(SBX_LIB) $(B)/libmotcua.a
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $(filter-out %.h,$^) $(LDLIBS) -lcmocka

# The shared fixtures (tests/unit/*_fixture.h) are included by several
# programs; compiling and linking in one step leaves no dependency file.
$(UNIT_BIN): $(wildcard tests/unit/*.h)

# Benchmark programs: every tests/bench/bench_*.c, run by tests/bench/run.sh.
$(B)/bench/%: tests/bench/%.c $(SBX_LIB) $(B)/libmotcua.a
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $^ $(LDLIBS)

# libFuzzer targets (tests/fuzz): every tests/fuzz/fuzz_*.c is one program,
# fuzz_source.c once per dialect.  Only built by `make fuzz-smoke`, with clang,
# into build/fuzz (the library there is compiled for coverage and ASan+UBSan).
FUZZ_DIALECTS = tuphap congan dvcqg nnmt tinh generic
FUZZ_SRC  = $(filter-out tests/fuzz/fuzz_source.c,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BIN  = $(FUZZ_SRC:tests/fuzz/%.c=$(B)/fuzzers/%) \
            $(FUZZ_DIALECTS:%=$(B)/fuzzers/fuzz_source_%)
FUZZ_LINK = -fsanitize=fuzzer -DFUZZ_SRCDIR='"$(CURDIR)"' -Itests/fuzz

$(B)/fuzzers/fuzz_source_%: tests/fuzz/fuzz_source.c $(SBX_LIB) $(B)/libmotcua.a
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(ALL_CFLAGS) $(FUZZ_LINK) -DFUZZ_DIALECT='"$*"' -o $@ $^ $(LDLIBS)

$(B)/fuzzers/%: tests/fuzz/%.c $(SBX_LIB) $(B)/libmotcua.a
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(ALL_CFLAGS) $(FUZZ_LINK) -o $@ $^ $(LDLIBS)

fuzz-bins: $(FUZZ_BIN)

# Everything the tests run, without running them.
bins: $(UNIT_BIN) $(PROGS) $(MO_OBJ) $(B)/libmotcua.a

# Unit tests: every tests/unit/test_*.c is a cmocka program.
unit: $(UNIT_BIN) $(PROGS) $(MO_OBJ)
	@sh tests/run-unit.sh $(UNIT_BIN)

# Integration tests: every tests/integration/*.sh, against the real binaries,
# IT_JOBS scripts at once (each has its own folders, ports, tmux socket and
# D-Bus session); results in the scripts' order.
IT_JOBS ?= 2
integration: $(PROGS) $(MO_OBJ)
	@MOTCUA_LOCALEDIR=$(abspath $(B)/locale) MOTCUA_BIN=$(abspath $(B)/motcua) MOTCUA_SANDBOX_BIN=$(abspath $(B)/motcua-sandbox) \
	 IT_JOBS=$(IT_JOBS) sh tests/run-integration.sh

check:
	@$(MAKE) --no-print-directory B=build/test EXTRA_CFLAGS=-DMOTCUA_UNITTEST unit integration

ASAN_MAKE = $(MAKE) --no-print-directory B=build/asan CFLAGS='-O1 -g -fno-omit-frame-pointer' \
	  EXTRA_CFLAGS='-DMOTCUA_UNITTEST -fsanitize=address,undefined -fno-sanitize-recover=all'
asan:
	@$(ASAN_MAKE) unit integration

# Each fuzz target for FUZZ_SECONDS (10; 6 within make test, where it shares
# the CPU with memcheck) on its seeds, then every saved crash
# of tests/fuzz/regressions once; fails on any crash, leak or UB.
FUZZ_MAKE = $(MAKE) --no-print-directory B=build/fuzz CC=clang CFLAGS='-O1 -g -fno-omit-frame-pointer' \
	  EXTRA_CFLAGS='-DMOTCUA_UNITTEST -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all'
fuzz-smoke:
	@$(FUZZ_MAKE) fuzz-bins
	@sh tests/fuzz/run.sh $(abspath build/fuzz/fuzzers)

# The same for FUZZ_SECONDS each (default 600: ten minutes), two at a time,
# before a release or after a parser changed; not part of make test.
fuzz-long:
	@$(FUZZ_MAKE) fuzz-bins
	@FUZZ_SECONDS=$${FUZZ_SECONDS:-600} FUZZ_JOBS=$${FUZZ_JOBS:-2} \
	  sh tests/fuzz/run.sh $(abspath build/fuzz/fuzzers)

# Unit tests and integration scripts under valgrind memcheck, on the build/test
# objects (valgrind and ASan do not mix); fails on any error or leak that
# tests/valgrind/motcua.supp (third-party process-lifetime only) does not
# cover, and on any motcua process that ends without a verdict, but for the
# SIGKILLs crash.sh, outbox_upload.sh and profile_actions.sh deal on purpose
# (tests/valgrind/run.sh).
# VG_JOBS (2) unit programs, VG_IT_JOBS (4) scripts at once; VG_TESTS=NAMES runs
# only those scripts.
valgrind:
	@$(MAKE) --no-print-directory B=build/test EXTRA_CFLAGS=-DMOTCUA_UNITTEST valgrind-run

valgrind-run: $(UNIT_BIN) $(PROGS) $(MO_OBJ)
	@sh tests/valgrind/run.sh $(abspath $(B)) $(abspath $(UNIT_BIN))

# make test (= CI): the builds (TEST_JOBS compiles at once), the unit programs
# on the release-flag build (TEST_JOBS at once), then the whole suite twice at
# the same time: under valgrind (unit programs and the integration scripts
# but those tests/valgrind/run.sh leaves to ASan, its asan_only; printed as
# it goes) and, alongside it, under ASan+UBSan (every script, TEST_ASAN_IT_JOBS at
# once) followed by fuzz-smoke and the Debian package test (make deb, then
# packaging/test-deb-chroot.sh: apt installs it in a fresh Debian 12 root and
# `motcua demo --check` runs from it), printed when valgrind is done; its log
# is build/test-asan.log. The valgrind run is CPU-bound and the ASan one
# mostly waits on its scripts' servers and polls, so together they keep both
# cores busy. The deadlines of the ASan run are stretched
# (MOTCUA_TEST_SLOW=TEST_ASAN_SLOW) since it shares the CPU with memcheck;
# valgrind's runner sets its own (10).
# `make check` runs the suite on the release-flag build for developers.
TEST_JOBS ?= 2
TEST_ASAN_SLOW ?= 3
# scripts at once in the ASan run (they mostly wait on servers and screens)
TEST_ASAN_IT_JOBS ?= 3
test: deps
	@s=$$(date +%s); $(MAKE) --no-print-directory -j$(TEST_JOBS) all && \
	 $(MAKE) --no-print-directory -j$(TEST_JOBS) B=build/test EXTRA_CFLAGS=-DMOTCUA_UNITTEST bins && \
	 $(ASAN_MAKE) -j$(TEST_JOBS) bins && \
	 $(FUZZ_MAKE) -j$(TEST_JOBS) fuzz-bins && \
	 echo "make test: builds done ($$(( $$(date +%s) - s )) s)"
	@$(MAKE) --no-print-directory check-layers
	@UNIT_JOBS=$(TEST_JOBS) $(MAKE) --no-print-directory B=build/test EXTRA_CFLAGS=-DMOTCUA_UNITTEST unit
	@s=$$(date +%s); \
	 ( ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	   UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 MOTCUA_TEST_SLOW=$(TEST_ASAN_SLOW) \
	   $(ASAN_MAKE) IT_JOBS=$(TEST_ASAN_IT_JOBS) unit integration; a=$$?; \
	   echo "make test: ASan+UBSan run done ($$(( $$(date +%s) - s )) s)"; \
	   FUZZ_SECONDS=$${FUZZ_SECONDS:-6} $(MAKE) --no-print-directory fuzz-smoke; f=$$?; \
	   echo "make test: fuzz-smoke done ($$(( $$(date +%s) - s )) s)"; \
	   $(MAKE) --no-print-directory deb && \
	   sh packaging/test-deb-chroot.sh build/deb/motcua_*.deb; d=$$?; \
	   if [ $$d = 77 ]; then echo "make test: the package install test was skipped"; d=0; fi; \
	   echo "make test: package test done, status $$d ($$(( $$(date +%s) - s )) s)"; \
	   [ $$a = 0 ] && [ $$f = 0 ] && [ $$d = 0 ] ) > build/test-asan.log 2>&1 & bg=$$!; \
	 echo "make test: valgrind run here; ASan+UBSan, fuzz-smoke and the package test alongside (build/test-asan.log)"; \
	 $(MAKE) --no-print-directory valgrind; v=$$?; \
	 echo "make test: valgrind run done ($$(( $$(date +%s) - s )) s)"; \
	 wait $$bg; b=$$?; \
	 echo "---- make test: ASan+UBSan, fuzz-smoke, package (ran alongside valgrind) ----"; \
	 cat build/test-asan.log; \
	 [ $$v = 0 ] || echo "make test: the valgrind run failed"; \
	 [ $$b = 0 ] || echo "make test: the ASan+UBSan run, fuzz-smoke or the package test failed"; \
	 [ $$v = 0 ] && [ $$b = 0 ]
	@echo "make test: all suites passed"

bench: deps all $(BENCH_BIN)
	@sh tests/bench/run.sh $(abspath $(B))

demo: deps all
	./$(B)/motcua demo

clean:
	rm -rf build motcua motcua-sandbox

# FHS: programs in $(PREFIX)/bin, data in $(PREFIX)/share/motcua (compiled in as
# MOTCUA_DATADIR, so build with the same PREFIX), catalogues in
# $(PREFIX)/share/locale, man pages in $(MANDIR), the default config.json in
# $(SYSCONFDIR) (never overwriting one that is there).  DESTDIR stages it all.
install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/motcua/calendar
	install -m 755 $(PROGS) $(DESTDIR)$(PREFIX)/bin/
	cp -R config/. $(DESTDIR)$(PREFIX)/share/motcua/
	for mo in $(MO_OBJ); do l=$${mo#$(B)/locale/}; l=$${l%%/*}; \
	  install -D -m 644 $$mo $(DESTDIR)$(PREFIX)/share/locale/$$l/LC_MESSAGES/motcua.mo; done
	for m in $(MAN_SRC); do s=$${m##*.}; \
	  install -D -m 644 $$m $(DESTDIR)$(MANDIR)/man$$s/$${m##*/}; done
	[ -e $(DESTDIR)$(SYSCONFDIR)/config.json ] || \
	  install -D -m 644 packaging/config.json $(DESTDIR)$(SYSCONFDIR)/config.json

# Leaves $(SYSCONFDIR)/config.json when it was changed (the admin's settings).
uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/motcua $(DESTDIR)$(PREFIX)/bin/motcua-sandbox
	rm -rf $(DESTDIR)$(PREFIX)/share/motcua
	rm -f $(DESTDIR)$(PREFIX)/share/locale/*/LC_MESSAGES/motcua.mo
	for m in $(MAN_SRC); do rm -f $(DESTDIR)$(MANDIR)/man$${m##*.}/$${m##*/}; done
	if cmp -s packaging/config.json $(DESTDIR)$(SYSCONFDIR)/config.json; then \
	  rm -f $(DESTDIR)$(SYSCONFDIR)/config.json; rmdir $(DESTDIR)$(SYSCONFDIR) 2>/dev/null || true; fi

# The Debian package (packaging/debian, packaging/deb.sh): build/deb/motcua_*.deb,
# checked with lintian and by running the installed files (packaging/test-deb.sh).
deb: deps
	@sh packaging/deb.sh

# make deb, then apt-get install the package on a fresh Debian 12 root
# (mmdebstrap from the mirror; root needed), run it as a clerk and as root,
# remove and purge it (packaging/test-deb-chroot.sh).
test-deb: deb
	@sh packaging/test-deb-chroot.sh build/deb/motcua_*.deb

-include $(shell find build -name '*.d' -type f 2>/dev/null)
