# consensus/: the pure Raft core, state machine and wire codec, plus the
# LMDB and in-memory stores (libcons).
CONS_SRCS := $(wildcard consensus/src/*.c)
$(eval $(call lk_lib,cons,$(CONS_SRCS)))
