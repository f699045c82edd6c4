#include <check.h>
Suite *zk_aux_suite(void);
Suite *
zk_aux_suite(void)
{
	return suite_create("zk_aux");
}
