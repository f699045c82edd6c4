#include <check.h>
Suite *threshold_suite(void);
Suite *
threshold_suite(void)
{
	return suite_create("threshold");
}
