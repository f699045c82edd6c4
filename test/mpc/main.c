/* Check runner for mpc/. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "lk_common.h"
#include "mpc.h"

Suite *group_suite(void);
Suite *bn_suite(void);
Suite *m52emu_suite(void);
Suite *prime_suite(void);
Suite *paillier_suite(void);
Suite *rped_suite(void);
Suite *zk_suite(void);
Suite *zk_aux_suite(void);
Suite *codec_suite(void);
Suite *presign_suite(void);
Suite *harness_suite(void);
Suite *sm_suite(void);
Suite *dkg_suite(void);
Suite *aux_suite(void);

int
main(void)
{
	SRunner *sr;
	int failed;

	if (lk_init() != 0)
		return EXIT_FAILURE;
	mpc_init();
	/* MPC_ACCEL=0 runs every suite on the OpenSSL engine */
	if (getenv("MPC_ACCEL") != NULL
	    && strcmp(getenv("MPC_ACCEL"), "0") == 0)
		mpc_accel_set(0);
	printf("exponentiation engine: %s\n",
	    mpc_accel_active() ? "AVX-512 IFMA" : "OpenSSL");
	sr = srunner_create(group_suite());
	srunner_add_suite(sr, bn_suite());
	srunner_add_suite(sr, m52emu_suite());
	srunner_add_suite(sr, prime_suite());
	srunner_add_suite(sr, paillier_suite());
	srunner_add_suite(sr, rped_suite());
	srunner_add_suite(sr, zk_suite());
	srunner_add_suite(sr, zk_aux_suite());
	srunner_add_suite(sr, codec_suite());
	srunner_add_suite(sr, sm_suite());
	srunner_add_suite(sr, dkg_suite());
	srunner_add_suite(sr, presign_suite());
	srunner_add_suite(sr, harness_suite());
	srunner_add_suite(sr, aux_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
