SERVER_SRCS := $(wildcard server/*.c)
$(eval $(call lk_prog,keyserver,$(SERVER_SRCS),protonet cons tpake proto lkcommon))
