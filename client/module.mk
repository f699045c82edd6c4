CLIENT_LIB_SRCS := client/src/client.c client/src/admin.c client/src/acct.c
$(eval $(call lk_lib,lkclient,$(CLIENT_LIB_SRCS)))
$(eval $(call lk_prog,lkctl,client/src/lkctl.c client/src/lkctl_acct.c,lkclient protonet cons tpake proto lkcommon))
$(eval $(call lk_link,$(BUILD)/bin/lk-loginbench,test/bench/bench_login.c,lkclient protonet cons tpake proto lkcommon,))
ALL_PROGS += $(BUILD)/bin/lk-loginbench
BENCH_SCRIPTS += test/bench/cluster.sh
