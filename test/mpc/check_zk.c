#include <check.h>
Suite *zk_suite(void);
Suite *
zk_suite(void)
{
	return suite_create("zk");
}
