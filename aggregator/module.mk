AGG_SRCS := $(wildcard aggregator/*.c)
$(eval $(call lk_prog,aggregator,$(AGG_SRCS),protonet proto lkcommon))
