MPC_SRCS := $(wildcard mpc/src/*.c)
$(eval $(call lk_lib,mpc,$(MPC_SRCS)))

$(eval $(call lk_test,check_mpc,$(wildcard test/mpc/*.c),mpc proto lkcommon))
