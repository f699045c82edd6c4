/* Sealing: round trip; anything else (other key, info, ad, a flipped bit,
 * truncation, a low-order ephemeral key) fails and zeroes the output. */
#include <string.h>

#include <check.h>

#include "lk_common.h"

Suite *seal_suite(void);

START_TEST(roundtrip_and_binding)
{
	struct lk_seal_pk pk, pk2;
	struct lk_seal_sk sk, sk2;
	uint8_t pt[100], sealed[100 + LK_SEAL_OVERHEAD], back[100];
	static const uint8_t info[] = "share for server 2", ad[] = "user-1";
	size_t i;

	lk_seal_keygen(&pk, &sk);
	lk_seal_keygen(&pk2, &sk2);
	{
		struct lk_seal_pk again;
		ck_assert_int_eq(lk_seal_pk_from_sk(&again, &sk), 0);
		ck_assert_mem_eq(again.b, pk.b, 32);
	}
	lk_random(pt, sizeof(pt));
	ck_assert_int_eq(lk_seal(sealed, &pk, info, sizeof(info), ad,
	                     sizeof(ad), pt, sizeof(pt)),
	    0);
	ck_assert_int_eq(lk_seal_open(back, &sk, &pk, info, sizeof(info), ad,
	                     sizeof(ad), sealed, sizeof(sealed)),
	    0);
	ck_assert_mem_eq(back, pt, sizeof(pt));

	/* wrong recipient, info, ad */
	ck_assert_int_eq(lk_seal_open(back, &sk2, &pk2, info, sizeof(info), ad,
	                     sizeof(ad), sealed, sizeof(sealed)),
	    LK_EAUTH);
	ck_assert(lk_is_zero(back, sizeof(back)));
	ck_assert_int_eq(lk_seal_open(back, &sk, &pk, info, sizeof(info) - 1,
	                     ad, sizeof(ad), sealed, sizeof(sealed)),
	    LK_EAUTH);
	ck_assert_int_eq(lk_seal_open(back, &sk, &pk, info, sizeof(info), ad,
	                     sizeof(ad) - 1, sealed, sizeof(sealed)),
	    LK_EAUTH);
	/* every single-bit flip */
	for (i = 0; i < sizeof(sealed) * 8; i += 7) {
		sealed[i / 8] ^= (uint8_t) (1u << (i % 8));
		ck_assert_int_ne(
		    lk_seal_open(back, &sk, &pk, info, sizeof(info), ad,
		        sizeof(ad), sealed, sizeof(sealed)),
		    0);
		sealed[i / 8] ^= (uint8_t) (1u << (i % 8));
	}
	/* truncation */
	ck_assert_int_eq(lk_seal_open(back, &sk, &pk, info, sizeof(info), ad,
	                     sizeof(ad), sealed, sizeof(sealed) - 1),
	    LK_EAUTH);
	ck_assert_int_eq(lk_seal_open(back, &sk, &pk, info, sizeof(info), ad,
	                     sizeof(ad), sealed, LK_SEAL_OVERHEAD - 1),
	    LK_EINVAL);
	/* a low-order ephemeral key (the all-zero point) is refused */
	memset(sealed, 0, 32);
	ck_assert_int_eq(lk_seal_open(back, &sk, &pk, info, sizeof(info), ad,
	                     sizeof(ad), sealed, sizeof(sealed)),
	    LK_EAUTH);
	/* two seals of the same message differ (fresh ephemeral key) */
	{
		uint8_t s2[100 + LK_SEAL_OVERHEAD];
		ck_assert_int_eq(lk_seal(sealed, &pk, info, sizeof(info), NULL,
		                     0, pt, sizeof(pt)),
		    0);
		ck_assert_int_eq(lk_seal(s2, &pk, info, sizeof(info), NULL, 0,
		                     pt, sizeof(pt)),
		    0);
		ck_assert(memcmp(sealed, s2, sizeof(s2)) != 0);
	}
}
END_TEST

START_TEST(low_order_recipient)
{
	struct lk_seal_pk zero;
	uint8_t sealed[LK_SEAL_OVERHEAD + 1], pt[1] = { 7 };

	memset(&zero, 0, sizeof(zero));
	ck_assert_int_eq(
	    lk_seal(sealed, &zero, NULL, 0, NULL, 0, pt, 1), LK_ECRYPTO);
}
END_TEST

Suite *
seal_suite(void)
{
	Suite *s = suite_create("seal");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, roundtrip_and_binding);
	tcase_add_test(tc, low_order_recipient);
	suite_add_tcase(s, tc);
	return s;
}
