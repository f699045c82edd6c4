/* Check runner for consensus/. */
#include <stdlib.h>

#include <check.h>

#include "lk_common.h"

Suite *wire_suite(void);
Suite *sm_suite(void);
Suite *core_suite(void);
Suite *store_suite(void);
Suite *wal_suite(void);
Suite *sim_suite(void);

int
main(void)
{
	SRunner *sr;
	int failed;

	if (lk_init() != 0)
		return EXIT_FAILURE;
	sr = srunner_create(wire_suite());
	srunner_add_suite(sr, sm_suite());
	srunner_add_suite(sr, core_suite());
	srunner_add_suite(sr, store_suite());
	srunner_add_suite(sr, wal_suite());
	srunner_add_suite(sr, sim_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
