/* Hex and base64url codecs: round trips and strict rejection. */
#include <string.h>

#include <check.h>

#include "lk_common.h"

Suite *enc_suite(void);

START_TEST(hex_roundtrip)
{
	uint8_t in[40], out[40];
	char hex[LK_HEX_LEN(40)];
	size_t n, len;

	for (n = 0; n <= sizeof(in); n++) {
		lk_random(in, n);
		ck_assert_int_eq(lk_hex_encode(hex, sizeof(hex), in, n), 0);
		ck_assert_uint_eq(strlen(hex), 2 * n);
		len = sizeof(out);
		ck_assert_int_eq(lk_hex_decode(out, &len, hex), 0);
		ck_assert_uint_eq(len, n);
		ck_assert_mem_eq(in, out, n);
	}
}
END_TEST

START_TEST(hex_strict)
{
	uint8_t out[4];
	size_t len;
	char small[4];

	len = sizeof(out);
	ck_assert_int_eq(lk_hex_decode(out, &len, "abc"), LK_EDECODE);
	ck_assert_uint_eq(len, 0);
	len = sizeof(out);
	ck_assert_int_eq(lk_hex_decode(out, &len, "zz"), LK_EDECODE);
	len = sizeof(out);
	ck_assert_int_eq(lk_hex_decode(out, &len, " a0b"), LK_EDECODE);
	len = sizeof(out);
	ck_assert_int_eq(lk_hex_decode(out, &len, "0011223344"), LK_ETOOBIG);
	len = sizeof(out);
	ck_assert_int_eq(lk_hex_decode(out, &len, "DEADbeef"), 0);
	ck_assert_uint_eq(len, 4);
	ck_assert_uint_eq(out[0], 0xde);
	ck_assert_int_eq(lk_hex_decode_exact(out, 4, "deadbe"), LK_EDECODE);
	ck_assert_int_eq(
	    lk_hex_encode(small, sizeof(small), out, 2), LK_ETOOBIG);
}
END_TEST

START_TEST(b64_vectors)
{
	/* RFC 4648 section 10 test strings, URL alphabet, no padding. */
	static const struct {
		const char *bin, *b64;
	} v[] = { { "", "" }, { "f", "Zg" }, { "fo", "Zm8" }, { "foo", "Zm9v" },
		{ "foob", "Zm9vYg" }, { "fooba", "Zm9vYmE" },
		{ "foobar", "Zm9vYmFy" } };
	char out[16];
	uint8_t bin[16];
	size_t i, len;

	for (i = 0; i < LK_ARRAY_LEN(v); i++) {
		ck_assert_int_eq(
		    lk_b64_encode(out, sizeof(out), (const uint8_t *) v[i].bin,
		        strlen(v[i].bin)),
		    0);
		ck_assert_str_eq(out, v[i].b64);
		len = sizeof(bin);
		ck_assert_int_eq(lk_b64_decode(bin, &len, v[i].b64), 0);
		ck_assert_uint_eq(len, strlen(v[i].bin));
		ck_assert_mem_eq(bin, v[i].bin, len);
	}
	/* URL alphabet: 0xfb 0xff -> "-_8" */
	ck_assert_int_eq(lk_b64_encode(out, sizeof(out),
	                     (const uint8_t[]) { 0xfb, 0xff }, 2),
	    0);
	ck_assert_str_eq(out, "-_8");
}
END_TEST

START_TEST(b64_strict)
{
	uint8_t bin[16];
	size_t len;
	static const char *const bad[] = {
		"Zg==", /* padding */
		"Zh", /* non-zero trailing bits */
		"Z", /* impossible length */
		"Zm9v+", /* standard alphabet */
		"Zm 9v", /* whitespace */
		"Zm9/", /* standard alphabet */
	};
	size_t i;

	for (i = 0; i < LK_ARRAY_LEN(bad); i++) {
		len = sizeof(bin);
		ck_assert_msg(lk_b64_decode(bin, &len, bad[i]) != 0,
		    "accepted %s", bad[i]);
		ck_assert_uint_eq(len, 0);
	}
	len = 2;
	ck_assert_int_eq(lk_b64_decode(bin, &len, "Zm9v"), LK_ETOOBIG);
}
END_TEST

Suite *
enc_suite(void)
{
	Suite *s = suite_create("enc");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, hex_roundtrip);
	tcase_add_test(tc, hex_strict);
	tcase_add_test(tc, b64_vectors);
	tcase_add_test(tc, b64_strict);
	suite_add_tcase(s, tc);
	return s;
}
