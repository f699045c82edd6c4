/* Internal cross-file declarations of tpake/. Not API. */
#ifndef TPAKE_INT_H
#define TPAKE_INT_H

#include <stddef.h>
#include <stdint.h>

#include "lk_common.h"
#include "tpake.h"

/* Programmer errors: a NULL or impossible argument returns TPAKE_EINVAL. */
#define ARG_CHECK(cond)                      \
	do {                                 \
		if (!(cond))                 \
			return TPAKE_EINVAL; \
	} while (0)

/* A scatter list: hashes over several pieces without concatenating. */
struct tpake_iov {
	const void *p;
	size_t len;
};

/* RFC 9497 contextString: "OPRFV1-" || I2OSP(mode, 1) ||
 * "-ristretto255-SHA512".
 */
#define TPAKE_CTX_BYTES 28
void tpake_ctx_string(uint8_t out[TPAKE_CTX_BYTES], enum tpake_oprf_mode mode);

/* expand_message_xmd with SHA-512 (RFC 9380 section 5.3.1) over the
 * concatenation of msg[0..nmsg). Returns 0 or TPAKE_EINVAL (outlen > 255 *
 * 64, outlen > 65535 or dstlen > 255). */
int tpake_xmd_sha512(uint8_t *out, size_t outlen, const struct tpake_iov *msg,
    size_t nmsg, const uint8_t *dst, size_t dstlen);

/* HashToGroup under mode's DST. Returns 0 or TPAKE_EDERIVE (identity). */
int tpake_hash_to_group(struct tpake_element *out, enum tpake_oprf_mode mode,
    const struct tpake_iov *msg, size_t nmsg);
/* HashToScalar with an explicit DST. */
int tpake_hash_to_scalar(struct tpake_scalar *out, const struct tpake_iov *msg,
    size_t nmsg, const uint8_t *dst, size_t dstlen);
/* HashToScalar with the default DST "HashToScalar-" || contextString. */
int tpake_hash_to_scalar_ctx(struct tpake_scalar *out,
    enum tpake_oprf_mode mode, const struct tpake_iov *msg, size_t nmsg);

/* Scalars (constant time). */
int tpake_scalar_is_canonical(const uint8_t s[32]);
/* 0 when canonical and non-zero, TPAKE_ESCALAR otherwise. */
int tpake_scalar_check(const struct tpake_scalar *s);
void tpake_scalar_random(struct tpake_scalar *s);
void tpake_scalar_from_u8(struct tpake_scalar *s, uint8_t v);
void tpake_scalar_reduce64(struct tpake_scalar *s, const uint8_t in[64]);

/* Elements: 0 when canonical and not the identity, TPAKE_EPOINT
 * otherwise. */
int tpake_element_check(const uint8_t e[32]);
/* out = s * G; TPAKE_ESCALAR when s is zero. */
int tpake_base_mul(struct tpake_element *out, const struct tpake_scalar *s);
/* out = s * P; TPAKE_EPOINT when P is invalid or the identity (the explicit
 * all-zero check: libsodium 1.0.18 accepts that encoding), TPAKE_ESCALAR
 * when the product is the identity (s = 0). */
int tpake_mul(
    uint8_t out[32], const struct tpake_scalar *s, const uint8_t p[32]);
/* out = a * P + b * Q with P = G when p is NULL. A zero scalar drops its
 * term (only a forged proof has one; the caller's challenge comparison then
 * fails). Verifier-side: not for secret scalars. */
int tpake_mul2(uint8_t out[32], const struct tpake_scalar *a, const uint8_t *p,
    const struct tpake_scalar *b, const uint8_t *q);
/* out = p + q (either may not be the identity). */
int tpake_add(uint8_t out[32], const uint8_t p[32], const uint8_t q[32]);

/* Threshold helpers (shamir.c). */
/* Lagrange coefficient at 0 of index idx over the set idx[0..m). */
void tpake_lagrange(
    struct tpake_scalar *out, uint8_t idx, const uint8_t *set, size_t m);
/* f(x) for coefficients a[0..t). */
void tpake_poly_eval(struct tpake_scalar *out, const struct tpake_scalar *a,
    uint8_t t, uint8_t x);
/* pk_i = sum_j x^j C_j (Horner). */
int tpake_commit_eval(struct tpake_element *out,
    const struct tpake_element *commit, uint8_t t, uint8_t x);

/* Context of a threshold DLEQ proof: what the challenge binds. */
struct tpake_dleq_ctx {
	const uint8_t *attempt_id; /* TPAKE_ATTEMPT_ID_BYTES */
	const uint8_t *commit_hash; /* TPAKE_COMMIT_HASH_BYTES */
	uint8_t t, n, index;
};
int tpake_dleq_prove(uint8_t proof[TPAKE_PROOF_BYTES],
    const struct tpake_dleq_ctx *ctx, const struct tpake_scalar *k,
    const uint8_t blinded[32], const uint8_t evaluated[32],
    const uint8_t hedge[32]);
int tpake_dleq_verify(const struct tpake_dleq_ctx *ctx,
    const struct tpake_element *pk, const uint8_t blinded[32],
    const uint8_t evaluated[32], const uint8_t proof[TPAKE_PROOF_BYTES]);

/* RFC 9807 key-stretching step: rwd = Extract("", y || Stretch(y)). */
int tpake_ksf_rwd(
    uint8_t rwd[64], const uint8_t y[64], const struct tpake_ksf *ksf);

/* RFC 9807 pieces shared by the RFC and the threshold paths (opaque.c). */

/* Threshold extension of the envelope's authenticated data (n > 1). */
#define TPAKE_ENV_EXT_BYTES (7 + 3 + TPAKE_COMMIT_HASH_BYTES)
struct tpake_env_ext {
	size_t len; /* 0 for n = 1 */
	uint8_t b[TPAKE_ENV_EXT_BYTES];
};
void tpake_env_ext_init(struct tpake_env_ext *x, uint8_t t, uint8_t n,
    uint8_t index, const uint8_t commit_hash[TPAKE_COMMIT_HASH_BYTES]);

/* masking_key: Expand(rwd, "MaskingKey", 64) when n = 1, else
 * Expand(rwd, "MaskingKey" || I2OSP(index, 2), 64). */
void tpake_masking_key(
    uint8_t out[64], const uint8_t rwd[64], uint8_t n, uint8_t index);

/* Keys that hang off rwd and the envelope nonce. */
struct tpake_env_keys {
	uint8_t auth_key[64];
	uint8_t export_key[64];
	struct tpake_scalar client_sk;
	struct tpake_element client_pk;
};
int tpake_env_keys(
    struct tpake_env_keys *k, const uint8_t rwd[64], const uint8_t nonce[32]);
void tpake_env_keys_clear(struct tpake_env_keys *k);

/* auth_tag = MAC(auth_key, nonce || pkS || l2(idS) || l2(idC) || ext). */
int tpake_env_tag(uint8_t tag[64], const struct tpake_env_keys *k,
    const uint8_t nonce[32], const struct tpake_element *server_pk,
    struct tpake_bytes server_id, struct tpake_bytes client_id,
    const struct tpake_env_ext *ext);

/* XORs buf[0..128) with Expand(masking_key, nonce ||
 * "CredentialResponsePad", 128). */
void tpake_mask(uint8_t buf[128], const uint8_t masking_key[64],
    const uint8_t masking_nonce[32]);

/* DeriveDiffieHellmanKeyPair(seed). */
int tpake_dh_keypair(
    struct tpake_scalar *sk, struct tpake_element *pk, const uint8_t seed[32]);

/* 3DH key schedule over the preamble (RFC 9807 section 6.4). */
struct tpake_ake_keys {
	uint8_t session_key[64];
	uint8_t server_mac[64];
	uint8_t client_mac[64];
};
int tpake_ake_keys(struct tpake_ake_keys *out, const uint8_t ikm[96],
    struct tpake_bytes context, struct tpake_bytes client_id,
    const struct tpake_element *client_pk, const uint8_t ke1[96],
    struct tpake_bytes server_id, const struct tpake_element *server_pk,
    const uint8_t ke2_head[256]);

/* HKDF-Expand of at most 64 bytes with a scattered info. */
void tpake_expand_iov(uint8_t *out, size_t outlen, const uint8_t *key,
    size_t keylen, const struct tpake_iov *info, size_t ninfo);

/* y = SHA512(l2(input) || input || l2(32) || unblinded || "Finalize"). */
void tpake_finalize_unblinded(uint8_t out[64], const uint8_t *input,
    size_t inputlen, const uint8_t unblinded[32]);

int tpake_check_len(struct tpake_bytes b, size_t max);

#endif
