/* Threshold pieces: Shamir polynomials, Feldman commitments, Lagrange
 * coefficients and the context-bound DLEQ proof of a partial evaluation
 * (docs/TPAKE.md section "Threshold OPRF"). Indices are public, so the
 * Lagrange arithmetic may branch on them; polynomial coefficients are
 * secret and only go through libsodium's constant-time scalar ops. */
#include <string.h>

#include <sodium.h>

#include "tpake_int.h"

void
tpake_lagrange(
    struct tpake_scalar *out, uint8_t idx, const uint8_t *set, size_t m)
{
	struct tpake_scalar num, den, j, d, inv;
	size_t k;

	tpake_scalar_from_u8(&num, 1);
	tpake_scalar_from_u8(&den, 1);
	for (k = 0; k < m; k++) {
		if (set[k] == idx)
			continue;
		/* lambda_i = prod_{j != i} j / (j - i) */
		tpake_scalar_from_u8(&j, set[k]);
		tpake_scalar_from_u8(&d, idx);
		crypto_core_ristretto255_scalar_sub(d.b, j.b, d.b);
		crypto_core_ristretto255_scalar_mul(num.b, num.b, j.b);
		crypto_core_ristretto255_scalar_mul(den.b, den.b, d.b);
	}
	crypto_core_ristretto255_scalar_invert(inv.b, den.b);
	crypto_core_ristretto255_scalar_mul(out->b, num.b, inv.b);
}

void
tpake_poly_eval(struct tpake_scalar *out, const struct tpake_scalar *a,
    uint8_t t, uint8_t x)
{
	struct tpake_scalar xs, acc;
	int j;

	tpake_scalar_from_u8(&xs, x);
	acc = a[t - 1];
	for (j = (int) t - 2; j >= 0; j--) {
		crypto_core_ristretto255_scalar_mul(acc.b, acc.b, xs.b);
		crypto_core_ristretto255_scalar_add(acc.b, acc.b, a[j].b);
	}
	*out = acc;
	lk_wipe(&acc, sizeof(acc));
}

int
tpake_commit_eval(struct tpake_element *out, const struct tpake_element *commit,
    uint8_t t, uint8_t x)
{
	struct tpake_scalar xs;
	uint8_t acc[32];
	int j, rv;

	tpake_scalar_from_u8(&xs, x);
	memcpy(acc, commit[t - 1].b, 32);
	for (j = (int) t - 2; j >= 0; j--) {
		if ((rv = tpake_mul(acc, &xs, acc)) != 0)
			return rv;
		if ((rv = tpake_add(acc, acc, commit[j].b)) != 0)
			return rv;
	}
	/* A sum may land on the identity: no valid public share is that. */
	if ((rv = tpake_element_check(acc)) != 0)
		return rv;
	memcpy(out->b, acc, 32);
	return 0;
}

void
tpake_commit_hash(uint8_t out[static TPAKE_COMMIT_HASH_BYTES],
    const struct tpake_element *commit, uint8_t t, uint8_t n)
{
	struct lk_transcript tr;
	uint8_t j;

	lk_transcript_init(&tr, "TPAKE-v1/commit/ristretto255");
	lk_transcript_append_u64(&tr, "t", t);
	lk_transcript_append_u64(&tr, "n", n);
	for (j = 0; j < t; j++)
		lk_transcript_append(&tr, "C", commit[j].b, 32);
	lk_transcript_digest(&tr, out);
	lk_transcript_clear(&tr);
}

/* The statement: log_G(pk_i) == log_B(Z_i) for server `index` of a t-of-n
 * sharing with commitment hash H(C), in the login attempt attempt_id
 * (which binds the user and the whole KE1). pk_i itself is not absorbed:
 * it is a function of (C, index), both bound here, and leaving it out
 * spares the prover a scalar multiplication. */
static void
dleq_statement(struct lk_transcript *tr, const struct tpake_dleq_ctx *ctx,
    const uint8_t b[32], const uint8_t z[32])
{
	lk_transcript_init(tr, "TPAKE-v1/DLEQ/ristretto255-SHA512");
	lk_transcript_append(
	    tr, "attempt", ctx->attempt_id, TPAKE_ATTEMPT_ID_BYTES);
	lk_transcript_append_u64(tr, "t", ctx->t);
	lk_transcript_append_u64(tr, "n", ctx->n);
	lk_transcript_append_u64(tr, "index", ctx->index);
	lk_transcript_append(
	    tr, "commit", ctx->commit_hash, TPAKE_COMMIT_HASH_BYTES);
	lk_transcript_append(tr, "B", b, 32);
	lk_transcript_append(tr, "Z", z, 32);
}

static void
dleq_challenge(struct tpake_scalar *c, struct lk_transcript *tr,
    const uint8_t a1[32], const uint8_t a2[32])
{
	uint8_t d[64];

	lk_transcript_append(tr, "A1", a1, 32);
	lk_transcript_append(tr, "A2", a2, 32);
	lk_transcript_digest(tr, d);
	tpake_scalar_reduce64(c, d);
}

int
tpake_dleq_prove(uint8_t proof[TPAKE_PROOF_BYTES],
    const struct tpake_dleq_ctx *ctx, const struct tpake_scalar *k,
    const uint8_t blinded[32], const uint8_t evaluated[32],
    const uint8_t hedge[32])
{
	struct lk_transcript tr, nt;
	struct tpake_scalar r, c, s;
	struct tpake_element a1;
	uint8_t a2[32], d[64];
	int rv;

	dleq_statement(&tr, ctx, blinded, evaluated);
	/* Hedged nonce: r = H(statement, k, 32 fresh random bytes), so that
	 * neither a weak RNG nor a fault alone repeats a nonce. */
	nt = tr;
	lk_transcript_append(&nt, "k", k->b, 32);
	lk_transcript_append(&nt, "hedge", hedge, 32);
	lk_transcript_digest(&nt, d);
	lk_transcript_clear(&nt);
	tpake_scalar_reduce64(&r, d);
	if ((rv = tpake_base_mul(&a1, &r)) != 0)
		goto out;
	if ((rv = tpake_mul(a2, &r, blinded)) != 0)
		goto out;
	dleq_challenge(&c, &tr, a1.b, a2);
	crypto_core_ristretto255_scalar_mul(s.b, c.b, k->b);
	crypto_core_ristretto255_scalar_sub(s.b, r.b, s.b);
	memcpy(proof, c.b, 32);
	memcpy(proof + 32, s.b, 32);
out:
	lk_transcript_clear(&tr);
	lk_wipe(d, sizeof(d));
	lk_wipe(&r, sizeof(r));
	lk_wipe(&s, sizeof(s));
	return rv;
}

int
tpake_dleq_verify(const struct tpake_dleq_ctx *ctx,
    const struct tpake_element *pk, const uint8_t blinded[32],
    const uint8_t evaluated[32], const uint8_t proof[TPAKE_PROOF_BYTES])
{
	struct lk_transcript tr;
	struct tpake_scalar c, s, c2;
	uint8_t a1[32], a2[32];
	int rv;

	memcpy(c.b, proof, 32);
	memcpy(s.b, proof + 32, 32);
	if (!tpake_scalar_is_canonical(c.b) || !tpake_scalar_is_canonical(s.b))
		return TPAKE_EPROOF;
	/* A1 = s*G + c*pk, A2 = s*B + c*Z */
	if ((rv = tpake_mul2(a1, &s, NULL, &c, pk->b)) != 0
	    || (rv = tpake_mul2(a2, &s, blinded, &c, evaluated)) != 0)
		return TPAKE_EPROOF;
	dleq_statement(&tr, ctx, blinded, evaluated);
	dleq_challenge(&c2, &tr, a1, a2);
	lk_transcript_clear(&tr);
	return lk_ct_eq(c.b, c2.b, 32) ? 0 : TPAKE_EPROOF;
}
