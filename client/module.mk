CLIENT_LIB_SRCS := client/src/client.c client/src/admin.c
$(eval $(call lk_lib,lkclient,$(CLIENT_LIB_SRCS)))
$(eval $(call lk_prog,lkctl,client/src/lkctl.c,lkclient protonet cons proto lkcommon))
