/* RFC 9497 OPRF (mode 0) client and server steps, and the VOPRF (mode 1)
 * DLEQ proof with composite batching (section 2.2). */
#include <string.h>

#include <sodium.h>

#include "tpake_int.h"

int
tpake_oprf_blind(struct tpake_scalar *blind, struct tpake_element *blinded,
    enum tpake_oprf_mode mode, const uint8_t *input, size_t inputlen,
    const struct tpake_scalar *fixed_blind)
{
	struct tpake_element p;
	struct tpake_iov in = { input, inputlen };
	int rv;

	ARG_CHECK(blind != NULL && blinded != NULL);
	ARG_CHECK(input != NULL || inputlen == 0);
	ARG_CHECK(mode == TPAKE_MODE_OPRF || mode == TPAKE_MODE_VOPRF);
	if (inputlen > 65535)
		return TPAKE_ETOOBIG;
	if (fixed_blind != NULL) {
		if ((rv = tpake_scalar_check(fixed_blind)) != 0)
			return rv;
		*blind = *fixed_blind;
	} else {
		tpake_scalar_random(blind);
	}
	if ((rv = tpake_hash_to_group(&p, mode, &in, 1)) != 0)
		goto out;
	rv = tpake_mul(blinded->b, blind, p.b);
out:
	lk_wipe(&p, sizeof(p));
	if (rv != 0) {
		lk_wipe(blind, sizeof(*blind));
		memset(blinded, 0, sizeof(*blinded));
	}
	return rv;
}

int
tpake_oprf_evaluate(struct tpake_element *evaluated,
    const struct tpake_scalar *sk, const struct tpake_element *blinded)
{
	int rv;

	ARG_CHECK(evaluated != NULL && sk != NULL && blinded != NULL);
	if ((rv = tpake_scalar_check(sk)) != 0)
		return rv;
	return tpake_mul(evaluated->b, sk, blinded->b);
}

void
tpake_finalize_unblinded(uint8_t out[64], const uint8_t *input, size_t inputlen,
    const uint8_t unblinded[32])
{
	crypto_hash_sha512_state st;
	uint8_t l2[2];

	crypto_hash_sha512_init(&st);
	l2[0] = (uint8_t) (inputlen >> 8);
	l2[1] = (uint8_t) inputlen;
	crypto_hash_sha512_update(&st, l2, 2);
	if (inputlen > 0)
		crypto_hash_sha512_update(&st, input, inputlen);
	l2[0] = 0;
	l2[1] = 32;
	crypto_hash_sha512_update(&st, l2, 2);
	crypto_hash_sha512_update(&st, unblinded, 32);
	crypto_hash_sha512_update(&st, (const uint8_t *) "Finalize", 8);
	crypto_hash_sha512_final(&st, out);
	lk_wipe(&st, sizeof(st));
}

int
tpake_oprf_finalize(uint8_t out[static TPAKE_OPRF_OUTPUT_BYTES],
    const uint8_t *input, size_t inputlen, const struct tpake_scalar *blind,
    const struct tpake_element *evaluated)
{
	struct tpake_scalar inv;
	uint8_t unblinded[32];
	int rv;

	ARG_CHECK(out != NULL && blind != NULL && evaluated != NULL);
	ARG_CHECK(input != NULL || inputlen == 0);
	if (inputlen > 65535)
		return TPAKE_ETOOBIG;
	if ((rv = tpake_scalar_check(blind)) != 0)
		return rv;
	crypto_core_ristretto255_scalar_invert(inv.b, blind->b);
	if ((rv = tpake_mul(unblinded, &inv, evaluated->b)) != 0)
		goto out;
	tpake_finalize_unblinded(out, input, inputlen, unblinded);
out:
	lk_wipe(&inv, sizeof(inv));
	lk_wipe(unblinded, sizeof(unblinded));
	return rv;
}

/* ComputeComposites (section 2.2.1): M = sum d_i C_i and, when k is NULL,
 * Z = sum d_i D_i (the verifier); the prover's fast variant sets Z = k*M. */
static int
composites(uint8_t m_out[32], uint8_t z_out[32], const struct tpake_scalar *k,
    const struct tpake_element *pk, const struct tpake_element *c,
    const struct tpake_element *d, size_t m)
{
	static const uint8_t l32[2] = { 0, 32 }, l64[2] = { 0, 64 };
	uint8_t dst[5 + TPAKE_CTX_BYTES], l2dst[2], seed[64], i2[2];
	uint8_t term[32];
	struct tpake_scalar di;
	crypto_hash_sha512_state st;
	struct tpake_iov h2[9];
	size_t i;
	int rv = 0;

	memcpy(dst, "Seed-", 5);
	tpake_ctx_string(dst + 5, TPAKE_MODE_VOPRF);
	l2dst[0] = 0;
	l2dst[1] = (uint8_t) sizeof(dst);
	crypto_hash_sha512_init(&st);
	crypto_hash_sha512_update(&st, l32, 2);
	crypto_hash_sha512_update(&st, pk->b, 32);
	crypto_hash_sha512_update(&st, l2dst, 2);
	crypto_hash_sha512_update(&st, dst, sizeof(dst));
	crypto_hash_sha512_final(&st, seed);

	for (i = 0; i < m; i++) {
		i2[0] = (uint8_t) (i >> 8);
		i2[1] = (uint8_t) i;
		h2[0] = (struct tpake_iov) { l64, 2 };
		h2[1] = (struct tpake_iov) { seed, 64 };
		h2[2] = (struct tpake_iov) { i2, 2 };
		h2[3] = (struct tpake_iov) { l32, 2 };
		h2[4] = (struct tpake_iov) { c[i].b, 32 };
		h2[5] = (struct tpake_iov) { l32, 2 };
		h2[6] = (struct tpake_iov) { d[i].b, 32 };
		h2[7] = (struct tpake_iov) { "Composite", 9 };
		rv = tpake_hash_to_scalar_ctx(&di, TPAKE_MODE_VOPRF, h2, 8);
		if (rv != 0)
			goto out;
		if ((rv = tpake_mul(term, &di, c[i].b)) != 0)
			goto out;
		if (i == 0)
			memcpy(m_out, term, 32);
		else if ((rv = tpake_add(m_out, m_out, term)) != 0)
			goto out;
		if (k != NULL)
			continue;
		if ((rv = tpake_mul(term, &di, d[i].b)) != 0)
			goto out;
		if (i == 0)
			memcpy(z_out, term, 32);
		else if ((rv = tpake_add(z_out, z_out, term)) != 0)
			goto out;
	}
	if (k != NULL)
		rv = tpake_mul(z_out, k, m_out);
out:
	lk_wipe(&di, sizeof(di));
	return rv;
}

/* c = HashToScalar(l2(pk) || pk || l2(M) || M || l2(Z) || Z || l2(t2) ||
 * t2 || l2(t3) || t3 || "Challenge"). */
static int
challenge(struct tpake_scalar *c, const struct tpake_element *pk,
    const uint8_t m[32], const uint8_t z[32], const uint8_t t2[32],
    const uint8_t t3[32])
{
	static const uint8_t l32[2] = { 0, 32 };
	struct tpake_iov in[11] = {
		{ l32, 2 },
		{ pk->b, 32 },
		{ l32, 2 },
		{ m, 32 },
		{ l32, 2 },
		{ z, 32 },
		{ l32, 2 },
		{ t2, 32 },
		{ l32, 2 },
		{ t3, 32 },
		{ "Challenge", 9 },
	};

	return tpake_hash_to_scalar_ctx(c, TPAKE_MODE_VOPRF, in, 11);
}

int
tpake_voprf_prove(uint8_t proof[static TPAKE_PROOF_BYTES],
    const struct tpake_scalar *sk, const struct tpake_element *pk,
    const struct tpake_element *blinded, const struct tpake_element *evaluated,
    size_t m, const struct tpake_scalar *fixed_r)
{
	uint8_t mm[32], zz[32], t3[32];
	struct tpake_element t2;
	struct tpake_scalar r, c, s;
	int rv;

	ARG_CHECK(proof != NULL && sk != NULL && pk != NULL);
	ARG_CHECK(blinded != NULL && evaluated != NULL && m > 0);
	memset(proof, 0, TPAKE_PROOF_BYTES);
	if ((rv = tpake_scalar_check(sk)) != 0)
		return rv;
	if ((rv = tpake_element_check(pk->b)) != 0)
		return rv;
	if (fixed_r != NULL) {
		if ((rv = tpake_scalar_check(fixed_r)) != 0)
			return rv;
		r = *fixed_r;
	} else {
		tpake_scalar_random(&r);
	}
	if ((rv = composites(mm, zz, sk, pk, blinded, evaluated, m)) != 0)
		goto out;
	if ((rv = tpake_base_mul(&t2, &r)) != 0)
		goto out;
	if ((rv = tpake_mul(t3, &r, mm)) != 0)
		goto out;
	if ((rv = challenge(&c, pk, mm, zz, t2.b, t3)) != 0)
		goto out;
	crypto_core_ristretto255_scalar_mul(s.b, c.b, sk->b);
	crypto_core_ristretto255_scalar_sub(s.b, r.b, s.b);
	memcpy(proof, c.b, 32);
	memcpy(proof + 32, s.b, 32);
out:
	lk_wipe(&r, sizeof(r));
	lk_wipe(&s, sizeof(s));
	lk_wipe(zz, sizeof(zz));
	return rv;
}

int
tpake_voprf_verify(const struct tpake_element *pk,
    const struct tpake_element *blinded, const struct tpake_element *evaluated,
    size_t m, const uint8_t proof[static TPAKE_PROOF_BYTES])
{
	uint8_t mm[32], zz[32], t2[32], t3[32];
	struct tpake_scalar c, s, c2;
	size_t i;
	int rv;

	ARG_CHECK(pk != NULL && blinded != NULL && evaluated != NULL);
	ARG_CHECK(proof != NULL && m > 0);
	if ((rv = tpake_element_check(pk->b)) != 0)
		return rv;
	for (i = 0; i < m; i++) {
		if ((rv = tpake_element_check(blinded[i].b)) != 0
		    || (rv = tpake_element_check(evaluated[i].b)) != 0)
			return rv;
	}
	memcpy(c.b, proof, 32);
	memcpy(s.b, proof + 32, 32);
	if (!tpake_scalar_is_canonical(c.b) || !tpake_scalar_is_canonical(s.b))
		return TPAKE_ESCALAR;
	if ((rv = composites(mm, zz, NULL, pk, blinded, evaluated, m)) != 0)
		return rv;
	if ((rv = tpake_mul2(t2, &s, NULL, &c, pk->b)) != 0)
		return rv;
	if ((rv = tpake_mul2(t3, &s, mm, &c, zz)) != 0)
		return rv;
	if ((rv = challenge(&c2, pk, mm, zz, t2, t3)) != 0)
		return rv;
	return lk_ct_eq(c.b, c2.b, 32) ? 0 : TPAKE_EPROOF;
}
