/* Hashes, MACs, KDF, AEAD and randomness used across the project.
 * All functions return 0 on success or an LK_E* code. */
#ifndef LK_CRYPTO_H
#define LK_CRYPTO_H

#include <stddef.h>
#include <stdint.h>

#include <sodium.h>

#define LK_SHA512_BYTES     64
#define LK_SHA256_BYTES     32
#define LK_HMAC512_BYTES    64
#define LK_HKDF512_MAX      (255 * 64)
#define LK_AEAD_KEYBYTES    32
#define LK_AEAD_NONCEBYTES  12 /* ChaCha20-Poly1305-IETF */
#define LK_XAEAD_NONCEBYTES 24 /* XChaCha20-Poly1305-IETF */
#define LK_AEAD_TAGBYTES    16

/* Fills buf with n bytes from the process CSPRNG (libsodium). */
void lk_random(void *buf, size_t n);

void lk_sha512(uint8_t out[LK_SHA512_BYTES], const uint8_t *in, size_t len);
void lk_sha256(uint8_t out[LK_SHA256_BYTES], const uint8_t *in, size_t len);

/* HMAC-SHA512 with a key of any length. */
struct lk_hmac512 {
	crypto_auth_hmacsha512_state st;
};
void lk_hmac512_init(struct lk_hmac512 *h, const uint8_t *key, size_t keylen);
void lk_hmac512_update(struct lk_hmac512 *h, const uint8_t *in, size_t len);
void lk_hmac512_final(struct lk_hmac512 *h, uint8_t out[LK_HMAC512_BYTES]);
void lk_hmac512(uint8_t out[LK_HMAC512_BYTES], const uint8_t *key,
    size_t keylen, const uint8_t *in, size_t len);

/* HKDF-SHA512 (RFC 5869). An empty salt means 64 zero bytes. */
void lk_hkdf512_extract(uint8_t prk[LK_SHA512_BYTES], const uint8_t *salt,
    size_t saltlen, const uint8_t *ikm, size_t ikmlen);
/* Returns LK_ETOOBIG when outlen > LK_HKDF512_MAX. */
int lk_hkdf512_expand(uint8_t *out, size_t outlen, const uint8_t *prk,
    size_t prklen, const uint8_t *info, size_t infolen);
int lk_hkdf512(uint8_t *out, size_t outlen, const uint8_t *salt, size_t saltlen,
    const uint8_t *ikm, size_t ikmlen, const uint8_t *info, size_t infolen);

/* ChaCha20-Poly1305-IETF with an explicit 96-bit nonce (callers use counter
 * nonces; a key must never see the same nonce twice). out receives
 * ptlen + LK_AEAD_TAGBYTES bytes; out may equal pt. */
int lk_aead_seal(uint8_t *out, const uint8_t *pt, size_t ptlen,
    const uint8_t *ad, size_t adlen, const uint8_t nonce[LK_AEAD_NONCEBYTES],
    const uint8_t key[LK_AEAD_KEYBYTES]);
/* Returns LK_EAUTH on a forged or corrupted input; out then holds zeros. */
int lk_aead_open(uint8_t *out, const uint8_t *ct, size_t ctlen,
    const uint8_t *ad, size_t adlen, const uint8_t nonce[LK_AEAD_NONCEBYTES],
    const uint8_t key[LK_AEAD_KEYBYTES]);

/* XChaCha20-Poly1305-IETF: 192-bit nonces, safe to draw at random. */
int lk_xaead_seal(uint8_t *out, const uint8_t *pt, size_t ptlen,
    const uint8_t *ad, size_t adlen, const uint8_t nonce[LK_XAEAD_NONCEBYTES],
    const uint8_t key[LK_AEAD_KEYBYTES]);
int lk_xaead_open(uint8_t *out, const uint8_t *ct, size_t ctlen,
    const uint8_t *ad, size_t adlen, const uint8_t nonce[LK_XAEAD_NONCEBYTES],
    const uint8_t key[LK_AEAD_KEYBYTES]);

#endif
