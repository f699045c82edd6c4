# tpake/: threshold OPAQUE library, its JSON driver, tests, fuzz targets,
# benchmark and the @serenity-kit/opaque interop suite.
TPAKE_SRCS := $(wildcard tpake/src/*.c)
$(eval $(call lk_lib,tpake,$(TPAKE_SRCS)))

$(eval $(call lk_prog,tpake-driver,tpake/driver/main.c,tpake lkcommon))

$(eval $(call lk_test,check_tpake,$(wildcard test/tpake/*.c),tpake lkcommon))

$(eval $(call lk_bench,bench_tpake,test/bench/bench_tpake.c,tpake lkcommon))

$(foreach f,$(wildcard test/fuzz/fuzz_tpake*.c),$(eval $(call lk_fuzz,$(basename $(notdir $(f))),$(f),tpake lkcommon)))

# Interop with @serenity-kit/opaque (needs build/bin/tpake-driver and the
# pinned npm package that deploy/deps.sh installs), and the peer benchmark.
TEST_SCRIPTS += test/interop/run.sh
BENCH_SCRIPTS += test/bench/tpake_serenity.sh
