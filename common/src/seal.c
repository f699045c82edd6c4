/* Sealing to a long-term X25519 key (see lk_seal.h). */
#include <string.h>

#include <sodium.h>

#include "lk_common.h"
#include "lk_seal.h"

void
lk_seal_keygen(struct lk_seal_pk *pk, struct lk_seal_sk *sk)
{
	do {
		randombytes_buf(sk->b, sizeof(sk->b));
	} while (crypto_scalarmult_base(pk->b, sk->b) != 0);
}

int
lk_seal_pk_from_sk(struct lk_seal_pk *pk, const struct lk_seal_sk *sk)
{
	return crypto_scalarmult_base(pk->b, sk->b) == 0 ? LK_OK : LK_ECRYPTO;
}

/* Derives key (32) and nonce (24) from the DH secret. */
static void
derive(uint8_t key[32], uint8_t nonce[24], const uint8_t dh[32],
    const uint8_t epk[32], const uint8_t rpk[32], const uint8_t *info,
    size_t infolen)
{
	static const char lk[] = "lk-seal-v1 key", ln[] = "lk-seal-v1 nonce";
	uint8_t salt[64], prk[64];
	struct lk_hmac512 h;
	uint8_t blk[64], one = 1;

	memcpy(salt, epk, 32);
	memcpy(salt + 32, rpk, 32);
	lk_hkdf512_extract(prk, salt, sizeof(salt), dh, 32);
	/* One HKDF-Expand block each (outputs shorter than 64 bytes). */
	lk_hmac512_init(&h, prk, sizeof(prk));
	lk_hmac512_update(&h, (const uint8_t *) lk, sizeof(lk) - 1);
	lk_hmac512_update(&h, info, infolen);
	lk_hmac512_update(&h, &one, 1);
	lk_hmac512_final(&h, blk);
	memcpy(key, blk, 32);
	lk_hmac512_init(&h, prk, sizeof(prk));
	lk_hmac512_update(&h, (const uint8_t *) ln, sizeof(ln) - 1);
	lk_hmac512_update(&h, info, infolen);
	lk_hmac512_update(&h, &one, 1);
	lk_hmac512_final(&h, blk);
	memcpy(nonce, blk, 24);
	lk_wipe(blk, sizeof(blk));
	lk_wipe(prk, sizeof(prk));
}

int
lk_seal(uint8_t *out, const struct lk_seal_pk *recipient, const uint8_t *info,
    size_t infolen, const uint8_t *ad, size_t adlen, const uint8_t *pt,
    size_t ptlen)
{
	uint8_t esk[32], dh[32], key[32], nonce[24];
	int rv = LK_ECRYPTO;

	do {
		randombytes_buf(esk, sizeof(esk));
	} while (crypto_scalarmult_base(out, esk) != 0);
	/* libsodium refuses an all-zero shared secret (low-order keys). */
	if (crypto_scalarmult(dh, esk, recipient->b) != 0)
		goto out;
	derive(key, nonce, dh, out, recipient->b, info, infolen);
	rv = lk_xaead_seal(out + 32, pt, ptlen, ad, adlen, nonce, key);
out:
	lk_wipe(esk, sizeof(esk));
	lk_wipe(dh, sizeof(dh));
	lk_wipe(key, sizeof(key));
	return rv;
}

int
lk_seal_open(uint8_t *out, const struct lk_seal_sk *sk,
    const struct lk_seal_pk *pk, const uint8_t *info, size_t infolen,
    const uint8_t *ad, size_t adlen, const uint8_t *sealed, size_t sealedlen)
{
	uint8_t dh[32], key[32], nonce[24];
	int rv = LK_EAUTH;

	if (sealedlen < LK_SEAL_OVERHEAD)
		return LK_EINVAL;
	if (crypto_scalarmult(dh, sk->b, sealed) != 0) {
		lk_wipe(out, sealedlen - LK_SEAL_OVERHEAD);
		goto out;
	}
	derive(key, nonce, dh, sealed, pk->b, info, infolen);
	if (lk_xaead_open(
	        out, sealed + 32, sealedlen - 32, ad, adlen, nonce, key)
	    == 0)
		rv = LK_OK;
out:
	lk_wipe(dh, sizeof(dh));
	lk_wipe(key, sizeof(key));
	return rv;
}
