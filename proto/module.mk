PROTO_SRCS := $(wildcard proto/src/*.c)
$(eval $(call lk_lib,proto,$(PROTO_SRCS)))

$(eval $(call lk_test,check_proto,$(wildcard test/proto/*.c),proto lkcommon))
