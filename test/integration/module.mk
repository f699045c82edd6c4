$(eval $(call lk_link,$(BUILD)/bin/lk-fuzzsend,test/integration/fuzzsend.c,protonet proto lkcommon,))
ALL_PROGS += $(BUILD)/bin/lk-fuzzsend
TEST_SCRIPTS += test/integration/skeleton.sh
$(eval $(call lk_link,$(BUILD)/bin/lk-consload,test/integration/consload.c,protonet proto lkcommon,))
ALL_PROGS += $(BUILD)/bin/lk-consload
TEST_SCRIPTS += test/integration/consensus.sh
TEST_SCRIPTS += test/integration/accounts.sh
