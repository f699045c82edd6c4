/* SHA-2, HMAC-SHA512, HKDF-SHA512 and AEAD wrappers. libsodium 1.0.18 has no
 * HKDF, so it is built here on its HMAC-SHA512 (RFC 5869 section 2). */
#include <string.h>

#include <sodium.h>

#include "lk_common.h"

int
lk_init(void)
{
	return sodium_init() < 0 ? LK_ECRYPTO : LK_OK;
}

void
lk_random(void *buf, size_t n)
{
	randombytes_buf(buf, n);
}

void
lk_sha512(uint8_t out[LK_SHA512_BYTES], const uint8_t *in, size_t len)
{
	crypto_hash_sha512(out, in, len);
}

void
lk_sha256(uint8_t out[LK_SHA256_BYTES], const uint8_t *in, size_t len)
{
	crypto_hash_sha256(out, in, len);
}

void
lk_hmac512_init(struct lk_hmac512 *h, const uint8_t *key, size_t keylen)
{
	crypto_auth_hmacsha512_init(&h->st, key, keylen);
}

void
lk_hmac512_update(struct lk_hmac512 *h, const uint8_t *in, size_t len)
{
	crypto_auth_hmacsha512_update(&h->st, in, len);
}

void
lk_hmac512_final(struct lk_hmac512 *h, uint8_t out[LK_HMAC512_BYTES])
{
	crypto_auth_hmacsha512_final(&h->st, out);
	sodium_memzero(h, sizeof(*h));
}

void
lk_hmac512(uint8_t out[LK_HMAC512_BYTES], const uint8_t *key, size_t keylen,
    const uint8_t *in, size_t len)
{
	struct lk_hmac512 h;

	lk_hmac512_init(&h, key, keylen);
	lk_hmac512_update(&h, in, len);
	lk_hmac512_final(&h, out);
}

void
lk_hkdf512_extract(uint8_t prk[LK_SHA512_BYTES], const uint8_t *salt,
    size_t saltlen, const uint8_t *ikm, size_t ikmlen)
{
	static const uint8_t zero[LK_SHA512_BYTES];

	if (saltlen == 0) {
		salt = zero;
		saltlen = sizeof(zero);
	}
	lk_hmac512(prk, salt, saltlen, ikm, ikmlen);
}

int
lk_hkdf512_expand(uint8_t *out, size_t outlen, const uint8_t *prk,
    size_t prklen, const uint8_t *info, size_t infolen)
{
	struct lk_hmac512 h;
	uint8_t t[LK_SHA512_BYTES];
	size_t done = 0, n;
	uint8_t ctr;

	if (outlen > LK_HKDF512_MAX)
		return LK_ETOOBIG;
	for (ctr = 1; done < outlen; ctr++) {
		lk_hmac512_init(&h, prk, prklen);
		if (ctr > 1)
			lk_hmac512_update(&h, t, sizeof(t));
		lk_hmac512_update(&h, info, infolen);
		lk_hmac512_update(&h, &ctr, 1);
		lk_hmac512_final(&h, t);
		n = outlen - done < sizeof(t) ? outlen - done : sizeof(t);
		memcpy(out + done, t, n);
		done += n;
	}
	sodium_memzero(t, sizeof(t));
	return LK_OK;
}

int
lk_hkdf512(uint8_t *out, size_t outlen, const uint8_t *salt, size_t saltlen,
    const uint8_t *ikm, size_t ikmlen, const uint8_t *info, size_t infolen)
{
	uint8_t prk[LK_SHA512_BYTES];
	int rv;

	lk_hkdf512_extract(prk, salt, saltlen, ikm, ikmlen);
	rv = lk_hkdf512_expand(out, outlen, prk, sizeof(prk), info, infolen);
	sodium_memzero(prk, sizeof(prk));
	return rv;
}

int
lk_aead_seal(uint8_t *out, const uint8_t *pt, size_t ptlen, const uint8_t *ad,
    size_t adlen, const uint8_t nonce[LK_AEAD_NONCEBYTES],
    const uint8_t key[LK_AEAD_KEYBYTES])
{
	if (crypto_aead_chacha20poly1305_ietf_encrypt(
	        out, NULL, pt, ptlen, ad, adlen, NULL, nonce, key)
	    != 0)
		return LK_ECRYPTO;
	return LK_OK;
}

int
lk_aead_open(uint8_t *out, const uint8_t *ct, size_t ctlen, const uint8_t *ad,
    size_t adlen, const uint8_t nonce[LK_AEAD_NONCEBYTES],
    const uint8_t key[LK_AEAD_KEYBYTES])
{
	if (ctlen < LK_AEAD_TAGBYTES)
		return LK_EAUTH;
	if (crypto_aead_chacha20poly1305_ietf_decrypt(
	        out, NULL, NULL, ct, ctlen, ad, adlen, nonce, key)
	    != 0) {
		sodium_memzero(out, ctlen - LK_AEAD_TAGBYTES);
		return LK_EAUTH;
	}
	return LK_OK;
}

int
lk_xaead_seal(uint8_t *out, const uint8_t *pt, size_t ptlen, const uint8_t *ad,
    size_t adlen, const uint8_t nonce[LK_XAEAD_NONCEBYTES],
    const uint8_t key[LK_AEAD_KEYBYTES])
{
	if (crypto_aead_xchacha20poly1305_ietf_encrypt(
	        out, NULL, pt, ptlen, ad, adlen, NULL, nonce, key)
	    != 0)
		return LK_ECRYPTO;
	return LK_OK;
}

int
lk_xaead_open(uint8_t *out, const uint8_t *ct, size_t ctlen, const uint8_t *ad,
    size_t adlen, const uint8_t nonce[LK_XAEAD_NONCEBYTES],
    const uint8_t key[LK_AEAD_KEYBYTES])
{
	if (ctlen < LK_AEAD_TAGBYTES)
		return LK_EAUTH;
	if (crypto_aead_xchacha20poly1305_ietf_decrypt(
	        out, NULL, NULL, ct, ctlen, ad, adlen, nonce, key)
	    != 0) {
		sodium_memzero(out, ctlen - LK_AEAD_TAGBYTES);
		return LK_EAUTH;
	}
	return LK_OK;
}
