MPC_SRCS := $(wildcard mpc/src/*.c)
$(eval $(call lk_lib,mpc,$(MPC_SRCS)))

# The in-process network of mpc-demo and the protocol tests.
MPC_SIM := mpc/demo/sim.c

$(eval $(call lk_test,check_mpc,$(wildcard test/mpc/*.c) $(MPC_SIM),mpc proto lkcommon))

# mpc-demo: DKG -> aux-info -> presign -> sign on a simulated network.
$(eval $(call lk_prog,mpc-demo,mpc/demo/main.c $(MPC_SIM),mpc proto lkcommon))

# Constant-time test: built with the tree, run under valgrind by a script.
$(eval $(call lk_link,$(BUILD)/test/ctime_mpc,test/ctime/ctime_mpc.c,mpc proto lkcommon,))
ALL_PROGS += $(BUILD)/test/ctime_mpc
$(eval $(call lk_link,$(BUILD)/test/ctime_m52,test/ctime/ctime_m52.c,mpc proto lkcommon,))
ALL_PROGS += $(BUILD)/test/ctime_m52
TEST_SCRIPTS += test/ctime/ctime_mpc.sh

$(eval $(call lk_fuzz,fuzz_mpc_decode,test/fuzz/fuzz_mpc_decode.c,mpc proto lkcommon))
$(eval $(call lk_fuzz,fuzz_mpc_proto,test/fuzz/fuzz_mpc_proto.c,mpc proto lkcommon))

$(eval $(call lk_bench,bench_mpc,test/bench/bench_mpc.c,mpc proto lkcommon))
$(eval $(call lk_bench,bench_mpc_proto,test/bench/bench_mpc_proto.c $(MPC_SIM),mpc proto lkcommon))
