/* ristretto255 and SHA-512 building blocks of RFC 9497 / RFC 9380:
 * expand_message_xmd, HashToGroup, HashToScalar, DeriveKeyPair, and the
 * validated scalar and element operations every other file goes through.
 *
 * libsodium 1.0.18 accepts the all-zero (identity) encoding as a valid
 * point; every entry point here rejects it explicitly. */
#include <string.h>

#include <sodium.h>

#include "tpake_int.h"

/* The group order L, little-endian. */
static const uint8_t group_order[32] = { 0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63,
	0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10 };

void
tpake_ctx_string(uint8_t out[TPAKE_CTX_BYTES], enum tpake_oprf_mode mode)
{
	memcpy(out, "OPRFV1-", 7);
	out[7] = (uint8_t) mode;
	memcpy(out + 8, "-ristretto255-SHA512", 20);
}

int
tpake_check_len(struct tpake_bytes b, size_t max)
{
	if (b.p == NULL && b.len != 0)
		return TPAKE_EINVAL;
	return b.len > max ? TPAKE_ETOOBIG : 0;
}

int
tpake_xmd_sha512(uint8_t *out, size_t outlen, const struct tpake_iov *msg,
    size_t nmsg, const uint8_t *dst, size_t dstlen)
{
	static const uint8_t zpad[128];
	crypto_hash_sha512_state st;
	uint8_t b0[64], bi[64], lib[2], dlen, ctr;
	size_t ell, i, j, n;

	if (outlen == 0 || outlen > 65535 || dstlen > 255)
		return TPAKE_EINVAL;
	ell = (outlen + 63) / 64;
	if (ell > 255)
		return TPAKE_EINVAL;
	lib[0] = (uint8_t) (outlen >> 8);
	lib[1] = (uint8_t) outlen;
	dlen = (uint8_t) dstlen;

	/* b_0 = H(Z_pad || msg || I2OSP(len, 2) || I2OSP(0, 1) || DST') */
	crypto_hash_sha512_init(&st);
	crypto_hash_sha512_update(&st, zpad, sizeof(zpad));
	for (i = 0; i < nmsg; i++)
		crypto_hash_sha512_update(&st, msg[i].p, msg[i].len);
	crypto_hash_sha512_update(&st, lib, 2);
	ctr = 0;
	crypto_hash_sha512_update(&st, &ctr, 1);
	crypto_hash_sha512_update(&st, dst, dstlen);
	crypto_hash_sha512_update(&st, &dlen, 1);
	crypto_hash_sha512_final(&st, b0);

	/* b_1 = H(b_0 || 1 || DST'); b_i = H((b_0 ^ b_{i-1}) || i || DST') */
	memset(bi, 0, sizeof(bi));
	for (i = 1; i <= ell; i++) {
		for (j = 0; j < 64; j++)
			bi[j] ^= b0[j];
		ctr = (uint8_t) i;
		crypto_hash_sha512_init(&st);
		crypto_hash_sha512_update(&st, bi, 64);
		crypto_hash_sha512_update(&st, &ctr, 1);
		crypto_hash_sha512_update(&st, dst, dstlen);
		crypto_hash_sha512_update(&st, &dlen, 1);
		crypto_hash_sha512_final(&st, bi);
		n = outlen - (i - 1) * 64;
		memcpy(out + (i - 1) * 64, bi, n < 64 ? n : 64);
	}
	lk_wipe(b0, sizeof(b0));
	lk_wipe(bi, sizeof(bi));
	lk_wipe(&st, sizeof(st));
	return 0;
}

int
tpake_hash_to_group(struct tpake_element *out, enum tpake_oprf_mode mode,
    const struct tpake_iov *msg, size_t nmsg)
{
	uint8_t dst[12 + TPAKE_CTX_BYTES], u[64];
	int rv;

	memcpy(dst, "HashToGroup-", 12);
	tpake_ctx_string(dst + 12, mode);
	if ((rv = tpake_xmd_sha512(u, 64, msg, nmsg, dst, sizeof(dst))) != 0)
		return rv;
	crypto_core_ristretto255_from_hash(out->b, u);
	lk_wipe(u, sizeof(u));
	return lk_is_zero(out->b, 32) ? TPAKE_EDERIVE : 0;
}

int
tpake_hash_to_scalar(struct tpake_scalar *out, const struct tpake_iov *msg,
    size_t nmsg, const uint8_t *dst, size_t dstlen)
{
	uint8_t u[64];
	int rv;

	if ((rv = tpake_xmd_sha512(u, 64, msg, nmsg, dst, dstlen)) != 0)
		return rv;
	crypto_core_ristretto255_scalar_reduce(out->b, u);
	lk_wipe(u, sizeof(u));
	return 0;
}

int
tpake_hash_to_scalar_ctx(struct tpake_scalar *out, enum tpake_oprf_mode mode,
    const struct tpake_iov *msg, size_t nmsg)
{
	uint8_t dst[13 + TPAKE_CTX_BYTES];

	memcpy(dst, "HashToScalar-", 13);
	tpake_ctx_string(dst + 13, mode);
	return tpake_hash_to_scalar(out, msg, nmsg, dst, sizeof(dst));
}

int
tpake_scalar_is_canonical(const uint8_t s[32])
{
	unsigned lt = 0, eq = 1;
	int i;

	/* s < L, most significant byte first, without branching on s. */
	for (i = 31; i >= 0; i--) {
		lt |= (((unsigned) s[i] - group_order[i]) >> 8) & eq;
		eq &= (((unsigned) (s[i] ^ group_order[i])) - 1) >> 8;
	}
	return (int) (lt & 1);
}

int
tpake_scalar_check(const struct tpake_scalar *s)
{
	int ok = tpake_scalar_is_canonical(s->b) & !lk_is_zero(s->b, 32);

	return ok ? 0 : TPAKE_ESCALAR;
}

void
tpake_scalar_random(struct tpake_scalar *s)
{
	/* crypto_core_ristretto255_scalar_random never returns zero. */
	crypto_core_ristretto255_scalar_random(s->b);
}

void
tpake_scalar_from_u8(struct tpake_scalar *s, uint8_t v)
{
	memset(s->b, 0, sizeof(s->b));
	s->b[0] = v;
}

void
tpake_scalar_reduce64(struct tpake_scalar *s, const uint8_t in[64])
{
	uint8_t tmp[64];

	memcpy(tmp, in, 64); /* scalar_reduce takes a non-const input */
	crypto_core_ristretto255_scalar_reduce(s->b, tmp);
	lk_wipe(tmp, sizeof(tmp));
}

int
tpake_element_check(const uint8_t e[32])
{
	if (lk_is_zero(e, 32) || !crypto_core_ristretto255_is_valid_point(e))
		return TPAKE_EPOINT;
	return 0;
}

int
tpake_base_mul(struct tpake_element *out, const struct tpake_scalar *s)
{
	if (crypto_scalarmult_ristretto255_base(out->b, s->b) != 0) {
		memset(out->b, 0, 32);
		return TPAKE_ESCALAR;
	}
	return 0;
}

int
tpake_mul(uint8_t out[32], const struct tpake_scalar *s, const uint8_t p[32])
{
	uint8_t tmp[32];

	if (lk_is_zero(p, 32))
		goto bad_point;
	/* Fails for a non-canonical encoding and for an identity product. */
	if (crypto_scalarmult_ristretto255(tmp, s->b, p) != 0) {
		if (!crypto_core_ristretto255_is_valid_point(p))
			goto bad_point;
		lk_wipe(tmp, sizeof(tmp));
		memset(out, 0, 32);
		return TPAKE_ESCALAR;
	}
	memcpy(out, tmp, 32);
	lk_wipe(tmp, sizeof(tmp));
	return 0;
bad_point:
	lk_wipe(tmp, sizeof(tmp));
	memset(out, 0, 32);
	return TPAKE_EPOINT;
}

int
tpake_add(uint8_t out[32], const uint8_t p[32], const uint8_t q[32])
{
	if (lk_is_zero(p, 32) || lk_is_zero(q, 32)
	    || crypto_core_ristretto255_add(out, p, q) != 0) {
		memset(out, 0, 32);
		return TPAKE_EPOINT;
	}
	return 0;
}

/* out = a * P + b * Q, where a or b may be zero (that term drops out). */
int
tpake_mul2(uint8_t out[32], const struct tpake_scalar *a, const uint8_t *p,
    const struct tpake_scalar *b, const uint8_t *q)
{
	uint8_t x[32], y[32];
	int ax, by;

	if (p == NULL)
		ax = crypto_scalarmult_ristretto255_base(x, a->b) == 0;
	else
		ax = tpake_mul(x, a, p) == 0;
	by = tpake_mul(y, b, q) == 0;
	if (ax && by)
		return tpake_add(out, x, y);
	/* A zero scalar only comes from a forged proof: the verifier then
	 * simply compares against a challenge that will not match. */
	if (ax)
		memcpy(out, x, 32);
	else if (by)
		memcpy(out, y, 32);
	else
		memset(out, 0, 32);
	return 0;
}

int
tpake_oprf_derive_key_pair(struct tpake_scalar *sk, struct tpake_element *pk,
    enum tpake_oprf_mode mode, const uint8_t seed[static TPAKE_SEED_BYTES],
    const uint8_t *info, size_t infolen)
{
	uint8_t dst[13 + TPAKE_CTX_BYTES], l2[2], ctr;
	struct tpake_iov in[4];
	unsigned c;
	int rv;

	ARG_CHECK(sk != NULL && seed != NULL && (info != NULL || infolen == 0));
	ARG_CHECK(mode == TPAKE_MODE_OPRF || mode == TPAKE_MODE_VOPRF);
	if (infolen > 65535)
		return TPAKE_ETOOBIG;
	memcpy(dst, "DeriveKeyPair", 13);
	tpake_ctx_string(dst + 13, mode);
	l2[0] = (uint8_t) (infolen >> 8);
	l2[1] = (uint8_t) infolen;
	in[0] = (struct tpake_iov) { seed, TPAKE_SEED_BYTES };
	in[1] = (struct tpake_iov) { l2, 2 };
	in[2] = (struct tpake_iov) { info, infolen };
	in[3] = (struct tpake_iov) { &ctr, 1 };
	/* The loop runs again only when sk == 0 (probability 2^-252). */
	for (c = 0; c < 256; c++) {
		ctr = (uint8_t) c;
		rv = tpake_hash_to_scalar(sk, in, 4, dst, sizeof(dst));
		if (rv != 0)
			return rv;
		if (!lk_is_zero(sk->b, 32))
			break;
	}
	if (c == 256)
		return TPAKE_EDERIVE;
	if (pk != NULL)
		return tpake_base_mul(pk, sk);
	return 0;
}

int
tpake_dh_keypair(
    struct tpake_scalar *sk, struct tpake_element *pk, const uint8_t seed[32])
{
	static const char info[] = "OPAQUE-DeriveDiffieHellmanKeyPair";

	return tpake_oprf_derive_key_pair(sk, pk, TPAKE_MODE_OPRF, seed,
	    (const uint8_t *) info, sizeof(info) - 1);
}
