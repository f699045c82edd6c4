/* Check runner for common/. */
#include <stdlib.h>

#include <check.h>

#include "lk_common.h"

Suite *enc_suite(void);
Suite *crypto_suite(void);
Suite *transcript_suite(void);
Suite *config_suite(void);
Suite *seal_suite(void);

int
main(void)
{
	SRunner *sr;
	int failed;

	if (lk_init() != 0)
		return EXIT_FAILURE;
	sr = srunner_create(enc_suite());
	srunner_add_suite(sr, crypto_suite());
	srunner_add_suite(sr, transcript_suite());
	srunner_add_suite(sr, config_suite());
	srunner_add_suite(sr, seal_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
