/* Fiat-Shamir transcript layout and helpers shared by the proofs.
 *
 * Transcript of every proof (docs/MPC.md §4.1), each item framed by
 * lk_transcript as u16 len(label) || label || u64 len(data) || data:
 *   tag "LK-MPC-ZK/<proof>/v1", "sid", "prover" (u64), "aux",
 *   "level" (the mpc_seclevel as ten u32), then the verifier's
 *   ring-Pedersen parameters, the statement and the first message in a
 *   fixed order. Integers are a sign byte then the minimal big-endian
 *   magnitude; points their 33-byte encoding. */
#include <stdlib.h>
#include <string.h>

#include "mpc_int.h"

int
zk_sess_check(const struct mpc_zk_sess *s)
{
	if (s == NULL || s->sid == NULL || s->sid_len < MPC_SID_MIN
	    || s->sid_len > MPC_SID_MAX || s->aux_len > MPC_ZK_AUX_MAX
	    || (s->aux == NULL && s->aux_len != 0))
		return MPC_EINVAL;
	return 0;
}

void
zk_ts_start(
    struct lk_transcript *t, const char *tag, const struct mpc_zk_sess *s)
{
	const struct mpc_seclevel *l = &mpc_seclevel_default;
	const uint32_t v[10] = { l->paillier_bits, l->n_min_bits, l->n_max_bits,
		l->ell, l->ell_prime, l->eps, l->chal_bits, l->m_prm, l->m_mod,
		l->ell_wide };
	uint8_t lv[40];
	int i;

	for (i = 0; i < 10; i++) {
		lv[4 * i] = (uint8_t) (v[i] >> 24);
		lv[4 * i + 1] = (uint8_t) (v[i] >> 16);
		lv[4 * i + 2] = (uint8_t) (v[i] >> 8);
		lv[4 * i + 3] = (uint8_t) v[i];
	}
	lk_transcript_init(t, tag);
	lk_transcript_append(t, "sid", s->sid, s->sid_len);
	lk_transcript_append_u64(t, "prover", s->prover);
	lk_transcript_append(t, "aux", s->aux, s->aux_len);
	lk_transcript_append(t, "level", lv, sizeof(lv));
}

void
ts_bn(struct lk_transcript *t, const char *label, mpz_srcptr x)
{
	size_t n = (mpz_sizeinbase(x, 2) + 7) / 8, cnt = 0;
	uint8_t *buf = malloc(n + 1);

	if (buf == NULL)
		abort();
	buf[0] = mpz_sgn(x) < 0 ? 1 : 0;
	if (mpz_sgn(x) != 0)
		mpz_export(buf + 1, &cnt, 1, 1, 1, 0, x);
	lk_transcript_append(t, label, buf, 1 + cnt);
	free(buf); /* public data */
}

void
ts_point(struct lk_transcript *t, const char *label, const struct mpc_point *p)
{
	uint8_t b[MPC_POINT_BYTES];

	mpc_point_encode(b, p);
	lk_transcript_append(t, label, b, sizeof(b));
}

void
ts_rped(struct lk_transcript *t, const struct mpc_rped *R)
{
	ts_bn(t, "rped.N", R->n);
	ts_bn(t, "rped.s", R->s);
	ts_bn(t, "rped.t", R->t);
}

void
ts_pk(struct lk_transcript *t, const char *label,
    const struct mpc_paillier_pk *pk)
{
	ts_bn(t, label, pk->n);
}

void
ts_challenge(const struct lk_transcript *t, mpz_ptr e)
{
	uint8_t b[MPC_CHAL_BITS / 8];

	lk_transcript_challenge(t, "challenge", b, sizeof(b));
	mpz_import(e, sizeof(b), 1, 1, 1, 0, b);
}

int
zk_fail(struct mpc_blame *b, uint32_t party, int reason, int check)
{
	if (b != NULL) {
		b->party = party;
		b->reason = (uint16_t) reason;
		b->check = (uint16_t) check;
	}
	return MPC_EPROOF;
}

void
zk_e_scalar(struct mpc_scalar *r, mpz_srcptr e)
{
	mpc_scalar_from_mpz(r, e); /* handles any size and sign */
}

int
zk_unit(mpz_srcptr x, mpz_srcptr m)
{
	return mpc_bn_is_unit_var(x, m);
}

int
zk_rped_eq(const struct mpc_rped *R, mpz_srcptr a, mpz_srcptr b, mpz_srcptr c,
    mpz_srcptr d, mpz_srcptr e, int *ok)
{
	mpz_t l, r;
	int rv;

	*ok = 0;
	mpz_inits(l, r, NULL);
	if ((rv = mpc_rped_commit_var(R, l, a, b)) == 0
	    && (rv = mx_powm_var(&R->xn, r, d, e)) == 0) {
		mpz_mul(r, r, c);
		mpz_mod(r, r, R->n);
		*ok = mpz_cmp(l, r) == 0;
	}
	mpz_clears(l, r, NULL);
	return rv;
}

void
zk_put_point(struct proto_wbuf *w, const struct mpc_point *p)
{
	uint8_t b[MPC_POINT_BYTES];

	mpc_point_encode(b, p);
	proto_put_fixed(w, b, sizeof(b));
}

int
zk_get_point(struct mpc_ctx *ctx, struct proto_rbuf *r, struct mpc_point *p)
{
	struct proto_rbuf save = *r;
	uint8_t b[MPC_POINT_BYTES];
	int rv;

	mpc_point_set_identity(p);
	if ((rv = proto_get_fixed(r, b, sizeof(b))) != 0)
		return rv;
	if ((rv = mpc_point_decode(ctx, p, b, 0)) != 0)
		*r = save;
	return rv;
}

int
zk_get_tag(struct proto_rbuf *r, uint8_t tag)
{
	struct proto_rbuf save = *r;
	uint8_t v;
	int rv;

	if ((rv = proto_get_u8(r, &v)) != 0)
		return rv;
	if (v != tag) {
		*r = save;
		return MPC_EDECODE;
	}
	return 0;
}

int
zk_resp_nonce(const struct mpc_paillier_pk *pk, mpz_ptr w, mpz_srcptr r,
    mpz_srcptr rho, mpz_srcptr e)
{
	mpz_t t;
	int rv;

	/* w = r * rho^e mod N: rho is secret, e public */
	mpz_init(t);
	if ((rv = mx_powm_sec(&pk->xn, t, rho, e)) == 0)
		rv = mx_mulmod(&pk->xn, w, r, t);
	MPC_DECLASSIFY(w->_mp_d, mpz_size(w) * sizeof(mp_limb_t));
	mpz_clear(t);
	return rv;
}

int
zk_secret_point(struct mpc_ctx *ctx, struct mpc_point *r, mpz_srcptr a,
    const struct mpc_point *B)
{
	struct mpc_scalar s;
	int rv;

	mpc_scalar_from_mpz(&s, a);
	if (B == NULL)
		rv = mpc_point_mul_base(ctx, r, &s);
	else
		rv = mpc_point_mul(ctx, r, &s, B);
	mpc_scalar_clear(&s);
	return rv;
}

int
zk_point_eq(struct mpc_ctx *ctx, mpz_srcptr z, const struct mpc_point *B,
    const struct mpc_point *Y, mpz_srcptr e, const struct mpc_point *X, int *ok)
{
	struct mpc_scalar zs, es;
	struct mpc_point l, r, g;
	int rv;

	/* z*B == Y + e*X, z and e public */
	*ok = 0;
	mpc_scalar_from_mpz(&zs, z);
	zk_e_scalar(&es, e);
	if (B == NULL) {
		struct mpc_scalar one;
		mpc_scalar_set_u64(&one, 1);
		if ((rv = mpc_point_mul_base(ctx, &g, &one)) != 0)
			return rv;
		B = &g;
	}
	if ((rv = mpc_point_mul_var(ctx, &l, &zs, B)) != 0
	    || (rv = mpc_point_mul_var(ctx, &r, &es, X)) != 0
	    || (rv = mpc_point_add_var(ctx, &r, &r, Y)) != 0)
		return rv;
	*ok = mpc_point_eq_var(&l, &r);
	return 0;
}

int
zk_paillier_eq(const struct mpc_paillier_pk *pk, mpz_srcptr m, mpz_srcptr rho,
    mpz_srcptr A, mpz_srcptr C, mpz_srcptr e, int *ok)
{
	mpz_t l, r, ne;
	int rv;

	/* Enc(m; rho) == A * C^e mod N^2 */
	*ok = 0;
	mpz_inits(l, r, ne, NULL);
	if (pk->sk != NULL) {
		/* own key: rho^N by CRT, C^e separately */
		if ((rv = paillier_enc_var(pk, l, m, rho)) == 0
		    && (rv = mx_powm_var(&pk->xn2, r, C, e)) == 0) {
			mpz_mul(r, r, A);
			mpz_mod(r, r, pk->n2);
			*ok = mpz_cmp(l, r) == 0;
		}
	} else {
		/* a peer's key: (1 + mN) * rho^N * C^-e == A, the two
		 * exponentiations simultaneous (BN_mod_exp2_mont) */
		mpz_neg(ne, e);
		if ((rv = mx_powm2_var(&pk->xn2, l, rho, pk->n, C, ne)) == 0) {
			mpz_mod(r, m, pk->n);
			mpz_mul(r, r, pk->n);
			mpz_add_ui(r, r, 1);
			mpz_mul(l, l, r);
			mpz_mod(l, l, pk->n2);
			*ok = mpz_cmp(l, A) == 0;
		}
	}
	mpz_clears(l, r, ne, NULL);
	return rv;
}
