# Test-only programs and scripts of each test folder register themselves.
-include $(wildcard test/*/module.mk)
