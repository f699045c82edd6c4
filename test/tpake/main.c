/* Check runner for tpake/. */
#include <stdlib.h>

#include <check.h>

#include "lk_common.h"

Suite *oprf_suite(void);
Suite *opaque_suite(void);
Suite *threshold_suite(void);

int
main(void)
{
	SRunner *sr;
	int failed;

	if (lk_init() != 0)
		return EXIT_FAILURE;
	sr = srunner_create(oprf_suite());
	srunner_add_suite(sr, opaque_suite());
	srunner_add_suite(sr, threshold_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
