/* Check runner for the keyserver's self-contained modules. */
#include <stdlib.h>

#include <check.h>

#include "lk_common.h"

Suite *record_suite(void);
Suite *audit_suite(void);

int
main(void)
{
	SRunner *sr;
	int failed;

	if (lk_init() != 0)
		return EXIT_FAILURE;
	sr = srunner_create(record_suite());
	srunner_add_suite(sr, audit_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
