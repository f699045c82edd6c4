/* secp256k1 points over libsecp256k1's public API, with an explicit
 * identity (libsecp256k1 cannot represent infinity). */
#include <string.h>

#include <secp256k1_ecdh.h>

#include "mpc_int.h"

void
mpc_point_set_identity(struct mpc_point *r)
{
	memset(r, 0, sizeof(*r));
	r->infinity = 1;
}

int
mpc_point_is_identity(const struct mpc_point *p)
{
	return p->infinity != 0;
}

int
mpc_point_mul_base(
    struct mpc_ctx *ctx, struct mpc_point *r, const struct mpc_scalar *k)
{
	uint8_t kb[32];
	int ok;

	ARG_CHECK(ctx != NULL && r != NULL && k != NULL);
	mpc_scalar_encode(kb, k);
	/* Constant time in k; k = 0 fails inside with a cmov to 1, which we
	 * turn into the identity flag without branching. */
	ok = secp256k1_ec_pubkey_create(ctx->secp, &r->pk, kb);
	r->infinity = (uint32_t) (ok ^ 1);
	lk_wipe(kb, sizeof(kb));
	/* k*G is public in every protocol use (commitments, public shares) */
	MPC_DECLASSIFY(r, sizeof(*r));
	return 0;
}

/* ECDH "hash" that hands back the full point (x || y). */
static int
copy_xy(unsigned char *out, const unsigned char *x32, const unsigned char *y32,
    void *data)
{
	(void) data;
	memcpy(out, x32, 32);
	memcpy(out + 32, y32, 32);
	return 1;
}

int
mpc_point_mul(struct mpc_ctx *ctx, struct mpc_point *r,
    const struct mpc_scalar *k, const struct mpc_point *p)
{
	uint8_t kb[32], xy[65];
	int ok, parsed;

	ARG_CHECK(ctx != NULL && r != NULL && k != NULL && p != NULL);
	if (p->infinity) {
		mpc_point_set_identity(r);
		return 0;
	}
	mpc_scalar_encode(kb, k);
	/* secp256k1_ecdh runs the constant-time ladder and, for k = 0,
	 * multiplies by 1 instead and reports failure (ok = 0). */
	ok = secp256k1_ecdh(ctx->secp, xy + 1, &p->pk, kb, copy_xy, NULL);
	lk_wipe(kb, sizeof(kb));
	/* The product is public in every protocol use. */
	MPC_DECLASSIFY(xy, sizeof(xy));
	MPC_DECLASSIFY(&ok, sizeof(ok));
	xy[0] = 0x04;
	parsed = secp256k1_ec_pubkey_parse(ctx->secp, &r->pk, xy, sizeof(xy));
	r->infinity = (uint32_t) (ok ^ 1);
	if (!parsed)
		return MPC_ECRYPTO;
	return 0;
}

int
mpc_point_mul_var(struct mpc_ctx *ctx, struct mpc_point *r,
    const struct mpc_scalar *k, const struct mpc_point *p)
{
	uint8_t kb[32];
	secp256k1_pubkey pk;

	ARG_CHECK(ctx != NULL && r != NULL && k != NULL && p != NULL);
	if (p->infinity || mpc_scalar_is_zero(k)) {
		mpc_point_set_identity(r);
		return 0;
	}
	mpc_scalar_encode(kb, k);
	pk = p->pk;
	if (!secp256k1_ec_pubkey_tweak_mul(ctx->secp, &pk, kb))
		return MPC_ECRYPTO;
	r->pk = pk;
	r->infinity = 0;
	return 0;
}

int
mpc_point_add_var(struct mpc_ctx *ctx, struct mpc_point *r,
    const struct mpc_point *a, const struct mpc_point *b)
{
	const secp256k1_pubkey *ins[2];
	secp256k1_pubkey out;

	ARG_CHECK(ctx != NULL && r != NULL && a != NULL && b != NULL);
	if (a->infinity) {
		*r = *b;
		return 0;
	}
	if (b->infinity) {
		*r = *a;
		return 0;
	}
	ins[0] = &a->pk;
	ins[1] = &b->pk;
	/* combine fails only when the sum is the point at infinity */
	if (!secp256k1_ec_pubkey_combine(ctx->secp, &out, ins, 2)) {
		mpc_point_set_identity(r);
		return 0;
	}
	r->pk = out;
	r->infinity = 0;
	return 0;
}

void
mpc_point_neg_var(
    struct mpc_ctx *ctx, struct mpc_point *r, const struct mpc_point *a)
{
	int ok;

	*r = *a;
	if (!a->infinity) {
		ok = secp256k1_ec_pubkey_negate(ctx->secp, &r->pk);
		(void) ok; /* cannot fail on a valid key */
	}
}

int
mpc_point_sum_var(struct mpc_ctx *ctx, struct mpc_point *r,
    const struct mpc_point *p, size_t n)
{
	struct mpc_point acc;
	size_t i;
	int rv;

	ARG_CHECK(ctx != NULL && r != NULL && (p != NULL || n == 0));
	mpc_point_set_identity(&acc);
	for (i = 0; i < n; i++)
		if ((rv = mpc_point_add_var(ctx, &acc, &acc, &p[i])) != 0)
			return rv;
	*r = acc;
	return 0;
}

int
mpc_point_lincomb_var(struct mpc_ctx *ctx, struct mpc_point *r,
    const struct mpc_scalar *k, const struct mpc_point *p, size_t n)
{
	struct mpc_point acc, t;
	size_t i;
	int rv;

	ARG_CHECK(
	    ctx != NULL && r != NULL && ((k != NULL && p != NULL) || n == 0));
	mpc_point_set_identity(&acc);
	for (i = 0; i < n; i++) {
		if ((rv = mpc_point_mul_var(ctx, &t, &k[i], &p[i])) != 0
		    || (rv = mpc_point_add_var(ctx, &acc, &acc, &t)) != 0)
			return rv;
	}
	*r = acc;
	return 0;
}

int
mpc_point_eq_var(const struct mpc_point *a, const struct mpc_point *b)
{
	if (a->infinity || b->infinity)
		return (a->infinity != 0) == (b->infinity != 0);
	return secp256k1_ec_pubkey_cmp(secp256k1_context_static, &a->pk, &b->pk)
	    == 0;
}

void
mpc_point_encode(uint8_t out[static 33], const struct mpc_point *p)
{
	size_t len = 33;

	if (p->infinity) {
		memset(out, 0, 33);
		return;
	}
	(void) secp256k1_ec_pubkey_serialize(secp256k1_context_static, out,
	    &len, &p->pk, SECP256K1_EC_COMPRESSED);
}

int
mpc_point_decode(struct mpc_ctx *ctx, struct mpc_point *r,
    const uint8_t in[static 33], int allow_identity)
{
	ARG_CHECK(ctx != NULL && r != NULL && in != NULL);
	mpc_point_set_identity(r);
	if (lk_is_zero(in, 33))
		return allow_identity ? 0 : MPC_EPOINT;
	if (in[0] != 0x02 && in[0] != 0x03)
		return MPC_EPOINT;
	if (!secp256k1_ec_pubkey_parse(ctx->secp, &r->pk, in, 33)) {
		mpc_point_set_identity(r);
		return MPC_EPOINT;
	}
	r->infinity = 0;
	return 0;
}

int
mpc_point_x_scalar_var(struct mpc_scalar *r, const struct mpc_point *p)
{
	uint8_t buf[64];

	ARG_CHECK(r != NULL && p != NULL);
	if (p->infinity)
		return MPC_EPOINT;
	memset(buf, 0, 32);
	mpc_point_encode(buf + 31, p); /* byte 31 is the prefix, then x */
	buf[31] = 0;
	mpc_scalar_from_wide(r, buf);
	return 0;
}
