# recsys-ecom: a plain Makefile.  Every cmd/NAME.c becomes bin/NAME, linked
# against common/libcommon.a; tests/unit/test_*.c are C unit tests of
# common/; tests/*.bats are the program tests; scripts/bench-*.sh are the
# benchmarks; tests/fuzz/fuzz_*.c are libFuzzer harnesses.
#
# User CFLAGS and LDFLAGS are appended to ours, so "make CFLAGS=-g" works.

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
DESTDIR ?=

CC ?= cc
# O and B name the object and program directories (the sanitizer build uses
# its own pair, so it never mixes objects with the normal build).
O ?= obj
B ?= bin

WARN = -Wall -Wextra
ALL_CFLAGS = -std=c11 $(WARN) -O2 -D_GNU_SOURCE -Icommon -MMD -MP $(CFLAGS)
ALL_LDFLAGS = $(LDFLAGS)
LDLIBS = -lcsv -lz -lopenblas -lm -lpthread

PROGS   := $(patsubst cmd/%.c,$(B)/%,$(wildcard cmd/*.c))
LIBSRC  := $(wildcard common/*.c)
LIBOBJ  := $(LIBSRC:common/%.c=$(O)/common/%.o)
LIB     := $(O)/libcommon.a
UNITSRC := $(wildcard tests/unit/test_*.c)
UNITS   := $(UNITSRC:tests/unit/%.c=$(O)/tests/%)
MANS    := $(wildcard man/*.[1-8])
FUZZSRC := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_SECONDS ?= 20

all: $(PROGS)

$(O)/common/%.o: common/%.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(O)/cmd/%.o: cmd/%.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(LIB): $(LIBOBJ)
	@rm -f $@
	$(AR) rcs $@ $(LIBOBJ)

$(B)/%: $(O)/cmd/%.o $(LIB)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(LIB) $(LDLIBS)

$(O)/tests/%.o: tests/unit/%.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Itests/unit -c -o $@ $<

$(O)/tests/%: $(O)/tests/%.o $(LIB)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(LIB) $(LDLIBS)

units: $(UNITS)

# Debian packages by purpose (the lists are in scripts/install-deps.sh):
# silent when all are present, apt-get update and install otherwise.
# "make deps" installs every purpose's packages, "make deps DEPS=test" one.
DEPS ?= run test bench fuzz
deps:
	@scripts/install-deps.sh $(DEPS)
deps-run deps-test deps-bench deps-fuzz:
	@scripts/install-deps.sh $(@:deps-%=%)

# What the README's test command (scripts/test.sh) runs once the packages
# are there: a quiet build (only warnings would show), the unit tests and
# every bats file, ending with one summary line.
check: deps-test
	@$(MAKE) -s --no-print-directory all units
	@scripts/run-tests.sh $(O) $(B)

# The whole suite again on an AddressSanitizer + UBSan build.
SAN = -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
sanitize: deps-test
	@$(MAKE) -s --no-print-directory O=obj-san B=bin-san \
	    CFLAGS="$(CFLAGS) -g -O1 $(SAN)" LDFLAGS="$(LDFLAGS) $(SAN)" all units
	@ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 RS_SANITIZE=1 \
	    scripts/run-tests.sh obj-san bin-san

# libFuzzer harnesses over the parsers, each run for FUZZ_SECONDS.
fuzz: deps-fuzz
	@scripts/fuzz.sh $(FUZZ_SECONDS) $(FUZZSRC)

bench: deps-bench
	@$(MAKE) -s --no-print-directory all
	@for s in scripts/bench-*.sh; do echo "== $$s"; $$s || exit 1; done

lint-man:
	mandoc -Tlint -W warning $(MANS)

install: all
	mkdir -p $(DESTDIR)$(BINDIR)
	for p in $(PROGS); do install -m 755 $$p $(DESTDIR)$(BINDIR)/; done
	for m in $(MANS); do s=$${m##*.}; mkdir -p $(DESTDIR)$(MANDIR)/man$$s; \
	    install -m 644 $$m $(DESTDIR)$(MANDIR)/man$$s/; done

uninstall:
	for p in $(PROGS); do rm -f $(DESTDIR)$(BINDIR)/$${p##*/}; done
	for m in $(MANS); do s=$${m##*.}; \
	    rm -f $(DESTDIR)$(MANDIR)/man$$s/$${m##*/}; done

clean:
	rm -rf obj bin obj-san bin-san obj-fuzz

.PHONY: all units deps deps-run deps-test deps-bench deps-fuzz check sanitize \
    fuzz bench lint-man install uninstall clean

# A failing recipe leaves no half-made target behind.
.DELETE_ON_ERROR:
# The objects of the programs and unit tests are intermediate files of a
# chain of pattern rules: keep them, so that a second "make check" does not
# compile them all again.
.SECONDARY: $(PROGS:$(B)/%=$(O)/cmd/%.o) $(UNITS:=.o)

-include $(LIBOBJ:.o=.d) $(PROGS:$(B)/%=$(O)/cmd/%.d) $(UNITS:=.d)
