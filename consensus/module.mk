# consensus/: the pure Raft core, state machine and wire codec, plus the
# LMDB and in-memory stores (libcons); the deterministic simulator
# (libconssim) and its driver cons-sim.
CONS_SRCS := $(wildcard consensus/src/*.c)
$(eval $(call lk_lib,cons,$(CONS_SRCS)))

$(eval $(call lk_lib,conssim,consensus/sim/sim.c))

$(eval $(call lk_prog,cons-sim,consensus/sim/main.c,conssim cons proto lkcommon))

$(eval $(call lk_test,check_cons,$(wildcard test/consensus/*.c),conssim cons proto lkcommon))

$(eval $(call lk_fuzz,fuzz_cons_wire,test/fuzz/fuzz_cons_wire.c,cons proto lkcommon))
$(eval $(call lk_fuzz,fuzz_cons_wal,test/fuzz/fuzz_cons_wal.c,cons proto lkcommon))

# make bench: commit latency and throughput of real keyserver clusters (3
# and 5 processes) beside a 3-member etcd cluster, same run, same workload.
BENCH_SCRIPTS += test/bench/consensus.sh
