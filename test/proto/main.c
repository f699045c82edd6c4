/* Check runner for proto/. */
#include <stdlib.h>

#include <check.h>

#include "lk_common.h"

Suite *buf_suite(void);
Suite *schema_suite(void);
Suite *chan_suite(void);

int
main(void)
{
	SRunner *sr;
	int failed;

	if (lk_init() != 0)
		return EXIT_FAILURE;
	sr = srunner_create(buf_suite());
	srunner_add_suite(sr, schema_suite());
	srunner_add_suite(sr, chan_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
