/* Hash, HMAC, HKDF and AEAD against published vectors (RFC 4231, Wycheproof,
 * RFC 8439) and against OpenSSL's independent HKDF. */
#include <string.h>

#include <check.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>

#include "lk_common.h"

Suite *crypto_suite(void);

static size_t
unhex(uint8_t *out, size_t cap, const char *hex)
{
	size_t len = cap;

	ck_assert_int_eq(lk_hex_decode(out, &len, hex), 0);
	return len;
}

START_TEST(hmac_rfc4231)
{
	/* RFC 4231 test cases 1 and 2, HMAC-SHA-512. */
	uint8_t key[20], mac[64], want[64];

	memset(key, 0x0b, sizeof(key));
	lk_hmac512(mac, key, sizeof(key), (const uint8_t *) "Hi There", 8);
	unhex(want, sizeof(want),
	    "87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cde"
	    "daa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854");
	ck_assert_mem_eq(mac, want, 64);

	lk_hmac512(mac, (const uint8_t *) "Jefe", 4,
	    (const uint8_t *) "what do ya want for nothing?", 28);
	unhex(want, sizeof(want),
	    "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea250554"
	    "9758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737");
	ck_assert_mem_eq(mac, want, 64);
}
END_TEST

START_TEST(hmac_wycheproof)
{
	/* Wycheproof hmac_sha512_test.json tcId 1 and 2. */
	uint8_t key[64], msg[1], mac[64], want[64];

	unhex(key, sizeof(key),
	    "5365244bb43f23f18dfc86c09d62db4741138bec1fbddc282d295e0a098eb5c3"
	    "e37bd6f4cc16d5ce7d77b1d474a1eb4db313cc0c24e48992ac125196549df9a8");
	lk_hmac512(mac, key, 64, msg, 0);
	unhex(want, sizeof(want),
	    "d0a556bd1afa8df1ebf9e3ee683a8a2450a7c83eba2daf2e2ff2f953f0cd64da"
	    "216e67134cf55578b205c8a1e241ba1369516a5ef4298b9c1d31e9d59fc04fe4");
	ck_assert_mem_eq(mac, want, 64);

	unhex(key, sizeof(key),
	    "00698977f7102c67b594166919aa99dc3e58c7b6697a6422e238d04d2f57b2c7"
	    "4e4e84f5c4c6b792952df72f1c09244802f0bcf8752efb90e836110703bfa21c");
	msg[0] = 0x01;
	lk_hmac512(mac, key, 64, msg, 1);
	unhex(want, sizeof(want),
	    "4d1609cc2c2f1ab5ddc35815ae1b5dc046f226bde17ec37a4c89ec46fbd31af2"
	    "aeb810b196dffdd11924d3772bef26a7a542e0a1673b76b915d41cbd3df0f6a6");
	ck_assert_mem_eq(mac, want, 64);
}
END_TEST

/* Wycheproof hkdf_sha512_test.json, tcIds 1, 2, 3, 5, 9, 11, 12, 19. */
static const struct {
	const char *ikm, *salt, *info, *okm;
} hkdf_vec[] = {
	{ "60ab7f45b0ad534683b3a6c020d4f775", "", "",
	    "2109bd244744acae2b8caa9e70f57596ad680212" },
	{ "e3db76e02278cbd2adbcb4555803da11", "", "",
	    "b28e3c338c70ede899f2a2654f2cd7e0d958d16eab2fa2a76035a2696054b68fa9"
	    "63c617b8fc2a826917" },
	{ "d4dcb92a769f57c8bab8a420ee0aa351", "", "",
	    "a8420281c08c5f087c9d54d5660847805b0fff2d6257f02bf849badfa8a29bee84"
	    "ebe704a6eadc0beba0c33805d5843e167b1966aeba6a15b0f1f7b3db8c407a" },
	{ "4055536896c406d5fe14a6cd6b999bff", "",
	    "2094768a8816f7df070d6e08b7ad93755dc9024b",
	    "0191ca548ab4c1f91eeaeaa2e561f954983885dd363c80079f7bbd053da4274b23"
	    "6f4ef0e4954b34a386" },
	{ "08867e76311126089356623ba5381e73",
	    "0c164c443edcdfaedb1ab150f047951f", "",
	    "098d9f9e0e0c609b94e8aa57b0449cdb3929605f821cda305e4d93746553a40a1e"
	    "4c97565183e116511c3dc5d9d56561c698849a114692c8128b5d3c1cd728f7" },
	{ "5d3db20e8238a90b62a600fa57fdb318",
	    "1d6f3b38a1e607b5e6bcd4af1800a9d3",
	    "2bc5f39032b6fc87da69ba8711ce735b169646fd",
	    "8c3cf7122dcb5eb7efaf02718f1faf70bca20dcb75070e9d0871a413a6c05fc195"
	    "a75aa9ffc349d70aae" },
	{ "8677dc79233ef3480777c4c601ef4f0b",
	    "ad88db718244e2cb60e35f874d7ad81f",
	    "a38f634d947819a9bfa792174b42baa20c9fce15",
	    "918e9cda37bf7f52506111048a878e64a503f9869d0c2615047b995f1efedc4f71"
	    "3b4dbcc940838e68f6a2bf772ebefae9154e9075da80ea1fd68b9df580ad76" },
	{ "a319ff7b5ba9b14ac72b681cecf0f742",
	    "d7e3bc6daed343ce77ef793e15a8246e4bfcbaf83d2ac956d0661d1df7262b2e73"
	    "11623dfe4152caddbfda8fa8ed7a82656ec00b72c5adf7c9d388e5b3bc8d24",
	    "",
	    "ca31c0e0f5ddaa7fded85be96d6311d8b935307b08127f690f15f5ce3ed5a44d1c"
	    "226e354e8d7e5069ef" },
};

START_TEST(hkdf_wycheproof)
{
	uint8_t ikm[64], salt[64], info[64], okm[128], want[128];
	size_t il, sl, nl, ol;

	il = unhex(ikm, sizeof(ikm), hkdf_vec[_i].ikm);
	sl = unhex(salt, sizeof(salt), hkdf_vec[_i].salt);
	nl = unhex(info, sizeof(info), hkdf_vec[_i].info);
	ol = unhex(want, sizeof(want), hkdf_vec[_i].okm);
	ck_assert_int_eq(lk_hkdf512(okm, ol, salt, sl, ikm, il, info, nl), 0);
	ck_assert_mem_eq(okm, want, ol);
}
END_TEST

static void
openssl_hkdf(uint8_t *out, size_t outlen, const uint8_t *salt, size_t sl,
    const uint8_t *ikm, size_t il, const uint8_t *info, size_t nl)
{
	EVP_KDF *kdf = EVP_KDF_fetch(NULL, "HKDF", NULL);
	EVP_KDF_CTX *ctx = EVP_KDF_CTX_new(kdf);
	OSSL_PARAM p[5], *q = p;
	static uint8_t zero[64];

	*q++ = OSSL_PARAM_construct_utf8_string(
	    OSSL_KDF_PARAM_DIGEST, (char *) "SHA512", 0);
	*q++ = OSSL_PARAM_construct_octet_string(
	    OSSL_KDF_PARAM_KEY, (void *) ikm, il);
	*q++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT,
	    sl ? (void *) salt : (void *) zero, sl ? sl : sizeof(zero));
	*q++ = OSSL_PARAM_construct_octet_string(
	    OSSL_KDF_PARAM_INFO, (void *) info, nl);
	*q = OSSL_PARAM_construct_end();
	ck_assert_int_eq(EVP_KDF_derive(ctx, out, outlen, p), 1);
	EVP_KDF_CTX_free(ctx);
	EVP_KDF_free(kdf);
}

START_TEST(hkdf_vs_openssl)
{
	uint8_t ikm[100], salt[80], info[60], a[300], b[300];
	int i;

	for (i = 0; i < 200; i++) {
		size_t il = randombytes_uniform(sizeof(ikm)) + 1;
		size_t sl = randombytes_uniform(sizeof(salt));
		size_t nl = randombytes_uniform(sizeof(info));
		size_t ol = randombytes_uniform(sizeof(a)) + 1;

		lk_random(ikm, il);
		lk_random(salt, sl);
		lk_random(info, nl);
		ck_assert_int_eq(
		    lk_hkdf512(a, ol, salt, sl, ikm, il, info, nl), 0);
		openssl_hkdf(b, ol, salt, sl, ikm, il, info, nl);
		ck_assert_mem_eq(a, b, ol);
	}
}
END_TEST

START_TEST(hkdf_limits)
{
	static uint8_t out[LK_HKDF512_MAX + 1];
	uint8_t prk[64] = { 1 };

	ck_assert_int_eq(
	    lk_hkdf512_expand(out, LK_HKDF512_MAX, prk, 64, NULL, 0), 0);
	ck_assert_int_eq(
	    lk_hkdf512_expand(out, LK_HKDF512_MAX + 1, prk, 64, NULL, 0),
	    LK_ETOOBIG);
}
END_TEST

START_TEST(aead_rfc8439)
{
	/* RFC 8439 section 2.8.2. */
	static const char pt[]
	    = "Ladies and Gentlemen of the class of '99: If I could offer you "
	      "only one tip for the future, sunscreen would be it.";
	uint8_t key[32], nonce[12], ad[12], ct[sizeof(pt) + 16],
	    back[sizeof(pt)], tag[16];
	size_t n = sizeof(pt) - 1;

	unhex(key, sizeof(key),
	    "808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f");
	unhex(nonce, sizeof(nonce), "070000004041424344454647");
	unhex(ad, sizeof(ad), "50515253c0c1c2c3c4c5c6c7");
	unhex(tag, sizeof(tag), "1ae10b594f09e26a7e902ecbd0600691");
	ck_assert_int_eq(
	    lk_aead_seal(ct, (const uint8_t *) pt, n, ad, 12, nonce, key), 0);
	ck_assert_uint_eq(ct[0], 0xd3);
	ck_assert_mem_eq(ct + n, tag, 16);
	ck_assert_int_eq(lk_aead_open(back, ct, n + 16, ad, 12, nonce, key), 0);
	ck_assert_mem_eq(back, pt, n);
	ct[5] ^= 1;
	ck_assert_int_eq(
	    lk_aead_open(back, ct, n + 16, ad, 12, nonce, key), LK_EAUTH);
	ck_assert(lk_is_zero(back, n));
	ck_assert_int_eq(
	    lk_aead_open(back, ct, 3, ad, 12, nonce, key), LK_EAUTH);
}
END_TEST

START_TEST(xaead_roundtrip)
{
	uint8_t key[32], nonce[24], pt[77], ct[77 + 16], back[77];

	lk_random(key, sizeof(key));
	lk_random(nonce, sizeof(nonce));
	lk_random(pt, sizeof(pt));
	ck_assert_int_eq(
	    lk_xaead_seal(ct, pt, sizeof(pt), NULL, 0, nonce, key), 0);
	ck_assert_int_eq(
	    lk_xaead_open(back, ct, sizeof(ct), NULL, 0, nonce, key), 0);
	ck_assert_mem_eq(back, pt, sizeof(pt));
	ck_assert_int_eq(lk_xaead_open(back, ct, sizeof(ct),
	                     (const uint8_t *) "x", 1, nonce, key),
	    LK_EAUTH);
}
END_TEST

START_TEST(ct_helpers)
{
	uint8_t a[32] = { 0 }, b[32] = { 0 };

	ck_assert(lk_ct_eq(a, b, 32));
	ck_assert(lk_is_zero(a, 32));
	b[31] = 1;
	ck_assert(!lk_ct_eq(a, b, 32));
	ck_assert(!lk_is_zero(b, 32));
	lk_wipe(b, sizeof(b));
	ck_assert(lk_is_zero(b, 32));
}
END_TEST

Suite *
crypto_suite(void)
{
	Suite *s = suite_create("crypto");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, hmac_rfc4231);
	tcase_add_test(tc, hmac_wycheproof);
	tcase_add_loop_test(
	    tc, hkdf_wycheproof, 0, (int) LK_ARRAY_LEN(hkdf_vec));
	tcase_add_test(tc, hkdf_vs_openssl);
	tcase_add_test(tc, hkdf_limits);
	tcase_add_test(tc, aead_rfc8439);
	tcase_add_test(tc, xaead_roundtrip);
	tcase_add_test(tc, ct_helpers);
	suite_add_tcase(s, tc);
	return s;
}
