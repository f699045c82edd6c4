SERVER_SRCS := $(wildcard server/*.c)
$(eval $(call lk_prog,keyserver,$(SERVER_SRCS),protonet cons proto lkcommon))
