PROTO_SRCS := $(wildcard proto/src/*.c)
$(eval $(call lk_lib,proto,$(PROTO_SRCS)))

$(eval $(call lk_test,check_proto,$(wildcard test/proto/*.c),proto lkcommon))

# The nng transport is a separate archive so that pure libraries linking
# proto never pull in nng.
PROTONET_SRCS := $(wildcard proto/net/*.c)
$(eval $(call lk_lib,protonet,$(PROTONET_SRCS)))

$(eval $(call lk_fuzz,fuzz_proto,test/fuzz/fuzz_proto.c,proto lkcommon))
