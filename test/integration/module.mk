$(eval $(call lk_link,$(BUILD)/bin/lk-fuzzsend,test/integration/fuzzsend.c,protonet proto lkcommon,))
ALL_PROGS += $(BUILD)/bin/lk-fuzzsend
TEST_SCRIPTS += test/integration/skeleton.sh
