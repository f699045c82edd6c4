/* Sealing to a recipient's long-term X25519 key (HPKE-style base mode,
 * built from libsodium primitives):
 *
 *   (e, E)  = fresh X25519 key pair
 *   dh      = X25519(e, R)            (all-zero result rejected)
 *   prk     = HKDF-Extract(salt = E || R, ikm = dh)
 *   key     = HKDF-Expand(prk, "lk-seal-v1 key" || info, 32)
 *   nonce   = HKDF-Expand(prk, "lk-seal-v1 nonce" || info, 24)
 *   sealed  = E || XChaCha20-Poly1305(key, nonce, ad, plaintext)
 *
 * info names the purpose and recipient (it must match on both sides); ad is
 * authenticated but not encrypted. A key is used for exactly one message,
 * so the derived nonce is safe. Only the holder of r can open; the sender
 * is anonymous (authenticity comes from the layer above, e.g. a Feldman
 * commitment or a login session). */
#ifndef LK_SEAL_H
#define LK_SEAL_H

#include <stddef.h>
#include <stdint.h>

#define LK_SEAL_PKBYTES  32
#define LK_SEAL_SKBYTES  32
#define LK_SEAL_OVERHEAD (32 + 16) /* E + tag */

struct lk_seal_sk {
	uint8_t b[LK_SEAL_SKBYTES];
};
struct lk_seal_pk {
	uint8_t b[LK_SEAL_PKBYTES];
};

/* Generates a key pair. */
void lk_seal_keygen(struct lk_seal_pk *pk, struct lk_seal_sk *sk);
/* Recomputes the public key of sk. Returns 0 or LK_ECRYPTO. */
int lk_seal_pk_from_sk(struct lk_seal_pk *pk, const struct lk_seal_sk *sk);

/* Out: out (ptlen + LK_SEAL_OVERHEAD bytes). Returns 0, or LK_ECRYPTO for
 * a low-order recipient key. */
int lk_seal(uint8_t *out, const struct lk_seal_pk *recipient,
    const uint8_t *info, size_t infolen, const uint8_t *ad, size_t adlen,
    const uint8_t *pt, size_t ptlen);

/* Out: out (sealedlen - LK_SEAL_OVERHEAD bytes). Returns 0, LK_EAUTH for
 * anything forged, truncated or meant for another key/info/ad (out is
 * zeroed then), or LK_EINVAL when sealedlen < LK_SEAL_OVERHEAD. */
int lk_seal_open(uint8_t *out, const struct lk_seal_sk *sk,
    const struct lk_seal_pk *pk, const uint8_t *info, size_t infolen,
    const uint8_t *ad, size_t adlen, const uint8_t *sealed, size_t sealedlen);

#endif
