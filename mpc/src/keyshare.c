/* Key shares: the output of DKG, refresh and import. Also Lagrange
 * coefficients, Feldman evaluation and key export (reconstruction). */
#include <stdlib.h>
#include <string.h>

#include "proto_int.h"

#define KS_VERSION 1

int
keyshare_new(struct mpc_keyshare **out)
{
	*out = calloc(1, sizeof(**out));
	return *out == NULL ? MPC_ENOMEM : 0;
}

void
mpc_keyshare_free(struct mpc_keyshare *ks)
{
	if (ks != NULL)
		lk_free_wipe(ks, sizeof(*ks));
}

uint32_t
mpc_keyshare_index(const struct mpc_keyshare *ks)
{
	return ks->index;
}

uint32_t
mpc_keyshare_n(const struct mpc_keyshare *ks)
{
	return ks->n;
}

uint32_t
mpc_keyshare_t(const struct mpc_keyshare *ks)
{
	return ks->t;
}

uint64_t
mpc_keyshare_epoch(const struct mpc_keyshare *ks)
{
	return ks->epoch;
}

void
mpc_keyshare_key_id(const struct mpc_keyshare *ks, uint8_t id[MPC_ID_BYTES])
{
	memcpy(id, ks->key_id, MPC_ID_BYTES);
}

void
mpc_keyshare_pubkey(
    const struct mpc_keyshare *ks, uint8_t pub[static MPC_POINT_BYTES])
{
	mpc_point_encode(pub, &ks->X);
}

void
mpc_keyshare_chaincode(
    const struct mpc_keyshare *ks, uint8_t cc[static MPC_CHAINCODE_BYTES])
{
	memcpy(cc, ks->chaincode, MPC_CHAINCODE_BYTES);
}

int
mpc_keyshare_public_share(const struct mpc_keyshare *ks, uint32_t j,
    uint8_t pub[static MPC_POINT_BYTES])
{
	ARG_CHECK(ks != NULL && j < ks->n);
	mpc_point_encode(pub, &ks->Xj[j]);
	return 0;
}

static void
scalar_small(struct mpc_scalar *r, int64_t v)
{
	mpc_scalar_set_u64(r, (uint64_t) (v < 0 ? -v : v));
	if (v < 0)
		mpc_scalar_neg(r, r);
}

/* Lagrange coefficient of `who` at x0 over the evaluation points
 * set[m] + 1 (public values). */
static void
lagrange_at(struct mpc_scalar *l, uint32_t who, const uint32_t *set, size_t k,
    int64_t x0)
{
	struct mpc_scalar num, den, a;
	size_t m;

	mpc_scalar_set_u64(&num, 1);
	mpc_scalar_set_u64(&den, 1);
	for (m = 0; m < k; m++) {
		if (set[m] == who)
			continue;
		scalar_small(&a, x0 - ((int64_t) set[m] + 1));
		mpc_scalar_mul(&num, &num, &a);
		scalar_small(&a, (int64_t) who - (int64_t) set[m]);
		mpc_scalar_mul(&den, &den, &a);
	}
	mpc_scalar_inv(&den, &den);
	mpc_scalar_mul(l, &num, &den);
}

void
lagrange0(struct mpc_scalar *l, uint32_t who, const uint32_t *set, size_t k)
{
	lagrange_at(l, who, set, k, 0);
}

int
feldman_eval(struct mpc_ctx *ctx, struct mpc_point *r,
    const struct mpc_point *C, uint32_t t, uint32_t i)
{
	struct mpc_scalar pw[MPC_MAX_PARTIES], x;
	uint32_t k;

	if (t == 0 || t > MPC_MAX_PARTIES)
		return MPC_EINVAL;
	mpc_scalar_set_u64(&x, (uint64_t) i + 1);
	mpc_scalar_set_u64(&pw[0], 1);
	for (k = 1; k < t; k++)
		mpc_scalar_mul(&pw[k], &pw[k - 1], &x);
	return mpc_point_lincomb_var(ctx, r, pw, C, t);
}

int
keyshare_validate(struct mpc_ctx *ctx, const struct mpc_keyshare *ks)
{
	struct mpc_scalar l[MPC_MAX_PARTIES];
	uint32_t set[MPC_MAX_PARTIES], i, j;
	struct mpc_point P;
	int rv;

	if (ks->n < 1 || ks->n > MPC_MAX_PARTIES || ks->t < 1 || ks->t > ks->n
	    || ks->index >= ks->n)
		return MPC_EDECODE;
	if ((rv = mpc_point_mul_base(ctx, &P, &ks->x)) != 0)
		return rv;
	if (!mpc_point_eq_var(&P, &ks->Xj[ks->index]))
		return MPC_EMISMATCH;
	/* X and every X_j lie on one polynomial of degree t-1 */
	for (i = 0; i < ks->t; i++)
		set[i] = i;
	for (i = 0; i < ks->t; i++)
		lagrange0(&l[i], i, set, ks->t);
	if ((rv = mpc_point_lincomb_var(ctx, &P, l, ks->Xj, ks->t)) != 0)
		return rv;
	if (!mpc_point_eq_var(&P, &ks->X))
		return MPC_EMISMATCH;
	for (j = ks->t; j < ks->n; j++) {
		for (i = 0; i < ks->t; i++)
			lagrange_at(&l[i], i, set, ks->t, (int64_t) j + 1);
		if ((rv = mpc_point_lincomb_var(ctx, &P, l, ks->Xj, ks->t))
		    != 0)
			return rv;
		if (!mpc_point_eq_var(&P, &ks->Xj[j]))
			return MPC_EMISMATCH;
	}
	return 0;
}

void
mpc_keyshare_encode(struct proto_wbuf *w, const struct mpc_keyshare *ks)
{
	uint32_t j;

	proto_put_u8(w, KS_VERSION);
	proto_put_fixed(w, ks->key_id, MPC_ID_BYTES);
	proto_put_u64(w, ks->epoch);
	proto_put_u16(w, (uint16_t) ks->n);
	proto_put_u16(w, (uint16_t) ks->t);
	proto_put_u16(w, (uint16_t) ks->index);
	w_scalar(w, NULL, &ks->x);
	w_point(w, NULL, &ks->X);
	for (j = 0; j < ks->n; j++)
		w_point(w, NULL, &ks->Xj[j]);
	proto_put_fixed(w, ks->chaincode, MPC_CHAINCODE_BYTES);
}

int
mpc_keyshare_decode(
    struct mpc_ctx *ctx, struct proto_rbuf *r, struct mpc_keyshare **out)
{
	struct proto_rbuf save = *r;
	struct mpc_keyshare *ks;
	uint16_t n, t, idx;
	uint8_t v;
	uint32_t j;
	int rv;

	ARG_CHECK(ctx != NULL && r != NULL && out != NULL);
	*out = NULL;
	if ((rv = keyshare_new(&ks)) != 0)
		return rv;
	if ((rv = proto_get_u8(r, &v)) != 0
	    || (rv = r_fixed(r, ks->key_id, MPC_ID_BYTES)) != 0
	    || (rv = proto_get_u64(r, &ks->epoch)) != 0
	    || (rv = proto_get_u16(r, &n)) != 0
	    || (rv = proto_get_u16(r, &t)) != 0
	    || (rv = proto_get_u16(r, &idx)) != 0)
		goto fail;
	rv = MPC_EDECODE;
	if (v != KS_VERSION || n < 1 || n > MPC_MAX_PARTIES || t < 1 || t > n
	    || idx >= n)
		goto fail;
	ks->n = n;
	ks->t = t;
	ks->index = idx;
	if ((rv = r_scalar(r, &ks->x)) != 0
	    || (rv = r_point(ctx, r, &ks->X, 0)))
		goto fail;
	for (j = 0; j < n; j++)
		if ((rv = r_point(ctx, r, &ks->Xj[j], 0)) != 0)
			goto fail;
	if ((rv = r_fixed(r, ks->chaincode, MPC_CHAINCODE_BYTES)) != 0
	    || (rv = keyshare_validate(ctx, ks)) != 0)
		goto fail;
	*out = ks;
	return 0;
fail:
	*r = save;
	mpc_keyshare_free(ks);
	return rv;
}

/* ---- export ---- */

int
mpc_export_part(struct mpc_ctx *ctx, struct mpc_export_part *out,
    const struct mpc_keyshare *ks)
{
	ARG_CHECK(ctx != NULL && out != NULL && ks != NULL);
	memset(out, 0, sizeof(*out));
	memcpy(out->key_id, ks->key_id, MPC_ID_BYTES);
	out->epoch = ks->epoch;
	out->index = ks->index;
	out->n = ks->n;
	out->t = ks->t;
	out->share = ks->x;
	mpc_point_encode(out->pubkey, &ks->X);
	mpc_point_encode(out->public_share, &ks->Xj[ks->index]);
	return 0;
}

void
mpc_export_part_clear(struct mpc_export_part *p)
{
	if (p != NULL)
		lk_wipe(p, sizeof(*p));
}

void
mpc_export_part_encode(struct proto_wbuf *w, const struct mpc_export_part *p)
{
	proto_put_u8(w, KS_VERSION);
	proto_put_fixed(w, p->key_id, MPC_ID_BYTES);
	proto_put_u64(w, p->epoch);
	proto_put_u32(w, p->index);
	proto_put_u32(w, p->n);
	proto_put_u32(w, p->t);
	w_scalar(w, NULL, &p->share);
	proto_put_fixed(w, p->pubkey, MPC_POINT_BYTES);
	proto_put_fixed(w, p->public_share, MPC_POINT_BYTES);
}

int
mpc_export_part_decode(struct proto_rbuf *r, struct mpc_export_part *p)
{
	struct proto_rbuf save = *r;
	uint8_t v;
	int rv;

	ARG_CHECK(r != NULL && p != NULL);
	memset(p, 0, sizeof(*p));
	if ((rv = proto_get_u8(r, &v)) != 0
	    || (rv = r_fixed(r, p->key_id, MPC_ID_BYTES)) != 0
	    || (rv = proto_get_u64(r, &p->epoch)) != 0
	    || (rv = proto_get_u32(r, &p->index)) != 0
	    || (rv = proto_get_u32(r, &p->n)) != 0
	    || (rv = proto_get_u32(r, &p->t)) != 0
	    || (rv = r_scalar(r, &p->share)) != 0
	    || (rv = r_fixed(r, p->pubkey, MPC_POINT_BYTES)) != 0
	    || (rv = r_fixed(r, p->public_share, MPC_POINT_BYTES)) != 0)
		goto fail;
	rv = MPC_EDECODE;
	if (v != KS_VERSION || p->n < 1 || p->n > MPC_MAX_PARTIES || p->t < 1
	    || p->t > p->n || p->index >= p->n)
		goto fail;
	return 0;
fail:
	*r = save;
	mpc_export_part_clear(p);
	return rv;
}

int
mpc_export_combine(struct mpc_ctx *ctx, uint8_t secret[static MPC_SCALAR_BYTES],
    uint32_t *bad, const struct mpc_export_part *parts, size_t nparts)
{
	struct mpc_scalar x, l, term;
	struct mpc_point P, Q;
	uint32_t set[MPC_MAX_PARTIES], seen = 0, t;
	size_t i;
	int rv = 0;

	ARG_CHECK(
	    ctx != NULL && secret != NULL && bad != NULL && parts != NULL);
	memset(secret, 0, MPC_SCALAR_BYTES);
	*bad = MPC_PARTY_NONE;
	if (nparts == 0)
		return MPC_ECOUNT;
	t = parts[0].t;
	for (i = 0; i < nparts; i++) {
		const struct mpc_export_part *p = &parts[i];
		if (memcmp(p->key_id, parts[0].key_id, MPC_ID_BYTES) != 0
		    || p->epoch != parts[0].epoch || p->n != parts[0].n
		    || p->t != t
		    || memcmp(p->pubkey, parts[0].pubkey, MPC_POINT_BYTES) != 0
		    || p->index >= p->n || p->n > MPC_MAX_PARTIES) {
			*bad = p->index;
			return MPC_EMISMATCH;
		}
		if (seen & (1u << p->index))
			return MPC_ECOUNT;
		seen |= 1u << p->index;
		/* the share must match the public share it came with */
		if ((rv = mpc_point_mul_base(ctx, &P, &p->share)) != 0
		    || (rv = mpc_point_decode(ctx, &Q, p->public_share, 0)) != 0
		    || !mpc_point_eq_var(&P, &Q)) {
			*bad = p->index;
			return rv == 0 || rv == MPC_EPOINT ? MPC_EMISMATCH : rv;
		}
	}
	if (nparts < t)
		return MPC_ECOUNT;
	for (i = 0; i < t; i++)
		set[i] = parts[i].index;
	mpc_scalar_set_u64(&x, 0);
	for (i = 0; i < t; i++) {
		lagrange0(&l, set[i], set, t);
		mpc_scalar_mul(&term, &l, &parts[i].share);
		mpc_scalar_add(&x, &x, &term);
	}
	if ((rv = mpc_point_mul_base(ctx, &P, &x)) != 0
	    || (rv = mpc_point_decode(ctx, &Q, parts[0].pubkey, 0)) != 0)
		goto out;
	if (!mpc_point_eq_var(&P, &Q)) {
		rv = MPC_ERECON;
		goto out;
	}
	mpc_scalar_encode(secret, &x);
out:
	mpc_scalar_clear(&x);
	mpc_scalar_clear(&term);
	return rv;
}
