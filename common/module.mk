COMMON_SRCS := $(wildcard common/src/*.c)
$(eval $(call lk_lib,lkcommon,$(COMMON_SRCS)))

$(eval $(call lk_test,check_common,$(wildcard test/common/*.c),lkcommon))
