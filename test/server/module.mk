# Unit suites of the keyserver's self-contained modules (linked from their
# sources; the daemon itself is tested by test/integration/).
$(eval $(call lk_test,check_server,$(wildcard test/server/*.c) server/record.c server/audit.c,proto lkcommon))
