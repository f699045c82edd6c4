# Top-level, non-recursive build. Each folder adds its sources through
# <dir>/module.mk using the lk_lib / lk_prog / lk_test / lk_fuzz / lk_bench
# helpers below. Build variants get their own directory (BUILD=build-asan),
# so sanitizer and plain objects never mix.

BUILD      ?= build
CC         ?= cc
PKG_CONFIG ?= pkg-config
OPT        ?= -O2 -g
SAN        ?=
V          ?= 0

CSTD  := -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE
WARN  := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
         -Wmissing-prototypes -Wundef -Wvla -Wformat=2 -Wno-unused-parameter
HARDEN := -fstack-protector-strong -fPIE -D_FORTIFY_SOURCE=2

DEPS := libsodium libsecp256k1 gmp libcrypto lmdb inih json-c
DEP_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(DEPS) 2>/dev/null)
DEP_LIBS   := $(shell $(PKG_CONFIG) --libs $(DEPS) 2>/dev/null)
# Debian's nng 1.5.2 ships no .pc file.
NNG_LIBS   := $(shell $(PKG_CONFIG) --libs nng 2>/dev/null || echo -lnng -lpthread)
CHECK_LIBS := $(shell $(PKG_CONFIG) --libs check 2>/dev/null || echo -lcheck -lsubunit -lm -lrt -lpthread)

INCLUDES := -Icommon/include -Iproto/include -Itpake/include -Impc/include \
            -Iconsensus/include -Iclient/include -Iserver -Iaggregator
ALL_CFLAGS  = $(CSTD) $(WARN) $(HARDEN) $(OPT) $(SAN) $(INCLUDES) $(DEP_CFLAGS) $(CFLAGS)
ALL_LDFLAGS = -pie -Wl,-z,relro,-z,now $(SAN) $(LDFLAGS)
SYS_LIBS    = $(DEP_LIBS) $(NNG_LIBS) -lm -lpthread

ifeq ($(V),1)
Q :=
else
Q := @
endif

.DEFAULT_GOAL := all
ALL_LIBS  :=
ALL_PROGS :=
TEST_BINS :=
TEST_SCRIPTS :=
FUZZ_SRCS :=
BENCH_BINS :=
BENCH_SCRIPTS :=
ALL_SRCS  :=

# $(call lk_lib,name,sources): build/lib/lib<name>.a
define lk_lib
$(BUILD)/lib/lib$(1).a: $(patsubst %.c,$(BUILD)/obj/%.o,$(2))
	@mkdir -p $$(@D)
	$$(Q)rm -f $$@ && $(AR) rcs $$@ $$^
ALL_LIBS += $(BUILD)/lib/lib$(1).a
ALL_SRCS += $(2)
endef

# $(call lk_link,out,sources,libs,extra-ldlibs)
define lk_link
$(1): $(patsubst %.c,$(BUILD)/obj/%.o,$(2)) $(foreach l,$(3),$(BUILD)/lib/lib$(l).a)
	@mkdir -p $$(@D)
	@$(if $(filter 1,$(V)),true,echo "  LD      $$@")
	$$(Q)$$(CC) $$(ALL_LDFLAGS) -o $$@ $(patsubst %.c,$(BUILD)/obj/%.o,$(2)) \
	    $(foreach l,$(3),$(BUILD)/lib/lib$(l).a) $(4) $$(SYS_LIBS)
ALL_SRCS += $(2)
endef

# $(call lk_prog,name,sources,libs): build/bin/<name>
define lk_prog
$(call lk_link,$(BUILD)/bin/$(1),$(2),$(3),)
ALL_PROGS += $(BUILD)/bin/$(1)
endef

# $(call lk_test,name,sources,libs): build/test/<name>, run by `make test`
define lk_test
$(call lk_link,$(BUILD)/test/$(1),$(2),$(3),$$(CHECK_LIBS))
TEST_BINS += $(BUILD)/test/$(1)
endef

# $(call lk_bench,name,sources,libs): build/bench/<name>, run by `make bench`
define lk_bench
$(call lk_link,$(BUILD)/bench/$(1),$(2),$(3),)
BENCH_BINS += $(BUILD)/bench/$(1)
endef

# $(call lk_fuzz,name,source,libs): libFuzzer target, built by `make fuzz`
define lk_fuzz
FUZZ_TARGETS += $(1)
FUZZ_$(1)_SRC := $(2)
FUZZ_$(1)_LIBS := $(3)
ALL_SRCS += $(2)
endef

MODULES := common proto tpake mpc consensus server aggregator client test
-include $(foreach m,$(MODULES),$(m)/module.mk)

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(@D)
	@$(if $(filter 1,$(V)),true,echo "  CC      $<")
	$(Q)$(CC) $(ALL_CFLAGS) -MMD -MP -c $< -o $@

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)

.PHONY: all deps test check asan fuzz bench format format-check lint demo \
        compose-test clean test-unit test-integration
all: $(ALL_LIBS) $(ALL_PROGS) $(TEST_BINS) $(BENCH_BINS)

deps:
	@sh deploy/deps.sh

# The README's test command: install what is missing, build, run every suite.
test: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)$(MAKE) --no-print-directory check

# Runs the suites of an already-built tree (BUILD=...).
check: all
	$(Q)BUILD=$(BUILD) TEST_BINS="$(TEST_BINS)" TEST_SCRIPTS="$(TEST_SCRIPTS)" \
	    sh test/run.sh

# Same suites under AddressSanitizer and UBSan; the simulator runs 200 seeds
# per size instead of 2000 (it is 5-10x slower there).
asan:
	$(Q)LK_SIM_SEEDS_PER_CASE=50 LK_SUITE_TIMEOUT=3600 \
	    LSAN_OPTIONS=suppressions=$(CURDIR)/test/lsan-nng.supp:print_suppressions=0 \
	    $(MAKE) --no-print-directory BUILD=build-asan \
	    OPT="-O1 -g -fno-omit-frame-pointer" \
	    SAN="-fsanitize=address,undefined -fno-sanitize-recover=all" check

FUZZ_SECONDS ?= 30
FUZZ_BUILD   := build-fuzz
fuzz:
	$(Q)$(MAKE) --no-print-directory BUILD=$(FUZZ_BUILD) CC=clang \
	    OPT="-O1 -g -fno-omit-frame-pointer" \
	    SAN="-fsanitize=address,undefined" fuzz-build
	$(Q)sh test/fuzz/run.sh $(FUZZ_BUILD) $(FUZZ_SECONDS) $(FUZZ_TARGETS)

fuzz-build: $(ALL_LIBS) $(foreach f,$(FUZZ_TARGETS),$(BUILD)/fuzz/$(f))

$(BUILD)/fuzz/%: $(ALL_LIBS)
	@mkdir -p $(@D)
	@echo "  FUZZ    $@"
	$(Q)$(CC) $(ALL_CFLAGS) -fsanitize=fuzzer -o $@ $(FUZZ_$*_SRC) \
	    $(foreach l,$(FUZZ_$*_LIBS),$(BUILD)/lib/lib$(l).a) $(SYS_LIBS)

bench: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)BUILD=$(BUILD) BENCH_BINS="$(BENCH_BINS)" \
	    BENCH_SCRIPTS="$(BENCH_SCRIPTS)" sh test/bench/run.sh

demo: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)BUILD=$(BUILD) sh deploy/demo.sh

compose-test: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)sh deploy/compose-test.sh

FORMAT_SRCS = $(shell git ls-files '*.c' '*.h' 2>/dev/null)
format:
	clang-format -i $(FORMAT_SRCS)
format-check:
	clang-format --dry-run -Werror $(FORMAT_SRCS)
lint:
	cppcheck --quiet --error-exitcode=1 --enable=warning,portability \
	    --inline-suppr --suppress=missingIncludeSystem $(INCLUDES) \
	    -D__GNUC__ common proto tpake mpc consensus server aggregator client

clean:
	rm -rf build build-asan build-fuzz
