/* Transcript framing: different item splittings never collide. */
#include <string.h>

#include <check.h>

#include "lk_common.h"

Suite *transcript_suite(void);

static void
digest_of(uint8_t out[64], const char *tag, const char *l1, const char *d1,
    const char *l2, const char *d2)
{
	struct lk_transcript t;

	lk_transcript_init(&t, tag);
	lk_transcript_append(&t, l1, d1, strlen(d1));
	if (l2 != NULL)
		lk_transcript_append(&t, l2, d2, strlen(d2));
	lk_transcript_digest(&t, out);
}

START_TEST(splittings_differ)
{
	uint8_t a[64], b[64], c[64], d[64], e[64];

	/* The TSSHOCK shape: moving bytes between adjacent fields, or between
	 * a label and its data, must change the digest. */
	digest_of(a, "T", "x", "ab", "y", "c");
	digest_of(b, "T", "x", "a", "y", "bc");
	digest_of(c, "T", "x", "abyc", NULL, NULL);
	digest_of(d, "T", "xa", "b", "y", "c");
	digest_of(e, "Tx", "", "ab", "y", "c");
	ck_assert(memcmp(a, b, 64) != 0);
	ck_assert(memcmp(a, c, 64) != 0);
	ck_assert(memcmp(a, d, 64) != 0);
	ck_assert(memcmp(a, e, 64) != 0);
	ck_assert(memcmp(b, c, 64) != 0);
}
END_TEST

START_TEST(deterministic_and_forkable)
{
	struct lk_transcript t;
	uint8_t a[64], b[64], c1[100], c2[100], c3[100];

	lk_transcript_init(&t, "proto");
	lk_transcript_append_u64(&t, "party", 3);
	lk_transcript_digest(&t, a);
	lk_transcript_digest(&t, b);
	ck_assert_mem_eq(a, b, 64);
	lk_transcript_challenge(&t, "e", c1, sizeof(c1));
	lk_transcript_challenge(&t, "e", c2, sizeof(c2));
	lk_transcript_challenge(&t, "f", c3, sizeof(c3));
	ck_assert_mem_eq(c1, c2, sizeof(c1));
	ck_assert(memcmp(c1, c3, sizeof(c1)) != 0);
	lk_transcript_append_u64(&t, "party", 3);
	lk_transcript_digest(&t, b);
	ck_assert(memcmp(a, b, 64) != 0);
	lk_transcript_clear(&t);
}
END_TEST

Suite *
transcript_suite(void)
{
	Suite *s = suite_create("transcript");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, splittings_differ);
	tcase_add_test(tc, deterministic_and_forkable);
	suite_add_tcase(s, tc);
	return s;
}
