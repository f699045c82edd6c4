/* Presignature lifecycle, the one-round sign and the aggregator's combine
 * (docs/MPC.md §13.4-§13.6).
 *
 * R = delta^-1 * Gamma = k^-1 * G, r = x(R) mod q. Signer i holds k_i and
 * chi_i with sum k_i = k and sum chi_i = k*x, so with m' = m + r*shift
 * (shift: the BIP32 tweak of a derived key)
 *   sigma_i = k_i*m' + r*chi_i + ... = k_i*(m + r*shift) + r*chi_i,
 *   s = sum sigma_i = k*(m + r*(x + shift)).
 * Each partial is checked against the public record, scaled by delta:
 *   sigma_i*Gamma == m'*Delta_i + r*S^_i   (Delta_i = k_i*Gamma,
 *   S^_i = chi_i*Gamma), i.e. sigma_i*R == m'*R_i + r*S_i. */
#include <stdlib.h>
#include <string.h>

#include <secp256k1_recovery.h>

#include "proto_int.h"

#define PS_VERSION 1
#define PS_ID_TAG  "LK-MPC-PRESIG/id/v1"

/* ---- the public record ---- */

void
presig_pub_compute_id(struct mpc_presig_pub *pub)
{
	struct lk_transcript tr;
	uint8_t d[64], b[MPC_POINT_BYTES];
	uint32_t j;

	lk_transcript_init(&tr, PS_ID_TAG);
	lk_transcript_append(&tr, "sid", pub->sid, MPC_SID_BYTES);
	lk_transcript_append(&tr, "key_id", pub->key_id, MPC_ID_BYTES);
	lk_transcript_append_u64(&tr, "epoch", pub->epoch);
	lk_transcript_append_u64(&tr, "t", pub->t);
	for (j = 0; j < pub->t; j++)
		lk_transcript_append_u64(&tr, "signer", pub->signers[j]);
	mpc_point_encode(b, &pub->X);
	lk_transcript_append(&tr, "X", b, sizeof(b));
	mpc_point_encode(b, &pub->Gamma);
	lk_transcript_append(&tr, "Gamma", b, sizeof(b));
	mpc_scalar_encode(b, &pub->delta);
	lk_transcript_append(&tr, "delta", b, MPC_SCALAR_BYTES);
	for (j = 0; j < pub->t; j++) {
		mpc_point_encode(b, &pub->Delta[j]);
		lk_transcript_append(&tr, "Delta", b, sizeof(b));
		mpc_point_encode(b, &pub->Shat[j]);
		lk_transcript_append(&tr, "Shat", b, sizeof(b));
	}
	lk_transcript_digest(&tr, d);
	memcpy(pub->id, d, MPC_ID_BYTES);
	lk_transcript_clear(&tr);
}

/* Derives R and r and checks the record's two equations. */
int
presig_pub_finalize(struct mpc_ctx *ctx, struct mpc_presig_pub *pub)
{
	struct mpc_scalar inv;
	struct mpc_point S, P;
	uint32_t j;
	int rv;

	if (pub->t < 1 || pub->t > MPC_MAX_PARTIES
	    || mpc_scalar_is_zero(&pub->delta))
		return MPC_EMISMATCH;
	mpc_scalar_inv(&inv, &pub->delta);
	if ((rv = mpc_point_mul_var(ctx, &pub->R, &inv, &pub->Gamma)) != 0)
		return rv;
	if (mpc_point_x_scalar_var(&pub->r, &pub->R) != 0
	    || mpc_scalar_is_zero(&pub->r))
		return MPC_EMISMATCH;
	mpc_point_set_identity(&S);
	for (j = 0; j < pub->t; j++)
		if ((rv = mpc_point_add_var(ctx, &S, &S, &pub->Delta[j])) != 0)
			return rv;
	if ((rv = mpc_point_mul_base(ctx, &P, &pub->delta)) != 0)
		return rv;
	if (!mpc_point_eq_var(&S, &P))
		return MPC_EMISMATCH;
	mpc_point_set_identity(&S);
	for (j = 0; j < pub->t; j++)
		if ((rv = mpc_point_add_var(ctx, &S, &S, &pub->Shat[j])) != 0)
			return rv;
	if ((rv = mpc_point_mul_var(ctx, &P, &pub->delta, &pub->X)) != 0)
		return rv;
	return mpc_point_eq_var(&S, &P) ? 0 : MPC_EMISMATCH;
}

void
mpc_presig_pub_id(const struct mpc_presig_pub *pub, uint8_t id[MPC_ID_BYTES])
{
	memcpy(id, pub->id, MPC_ID_BYTES);
}

void
mpc_presig_pub_encode(struct proto_wbuf *w, const struct mpc_presig_pub *pub)
{
	uint32_t j;

	proto_put_u8(w, PS_VERSION);
	proto_put_fixed(w, pub->id, MPC_ID_BYTES);
	proto_put_fixed(w, pub->sid, MPC_SID_BYTES);
	proto_put_fixed(w, pub->key_id, MPC_ID_BYTES);
	proto_put_u64(w, pub->epoch);
	proto_put_u16(w, (uint16_t) pub->t);
	for (j = 0; j < pub->t; j++)
		proto_put_u16(w, (uint16_t) pub->signers[j]);
	w_point(w, NULL, &pub->X);
	w_point(w, NULL, &pub->Gamma);
	w_scalar(w, NULL, &pub->delta);
	for (j = 0; j < pub->t; j++) {
		w_point(w, NULL, &pub->Delta[j]);
		w_point(w, NULL, &pub->Shat[j]);
	}
}

static int
pub_decode(struct mpc_ctx *ctx, struct proto_rbuf *r, struct mpc_presig_pub *p)
{
	uint8_t v, id[MPC_ID_BYTES];
	uint16_t t, s;
	uint32_t j;
	int rv;

	memset(p, 0, sizeof(*p));
	if ((rv = proto_get_u8(r, &v)) != 0
	    || (rv = r_fixed(r, id, MPC_ID_BYTES)) != 0
	    || (rv = r_fixed(r, p->sid, MPC_SID_BYTES)) != 0
	    || (rv = r_fixed(r, p->key_id, MPC_ID_BYTES)) != 0
	    || (rv = proto_get_u64(r, &p->epoch)) != 0
	    || (rv = proto_get_u16(r, &t)) != 0)
		return rv;
	if (v != PS_VERSION || t < 1 || t > MPC_MAX_PARTIES)
		return MPC_EDECODE;
	p->t = t;
	for (j = 0; j < t; j++) {
		if ((rv = proto_get_u16(r, &s)) != 0)
			return rv;
		if (s >= MPC_MAX_PARTIES || (j > 0 && s <= p->signers[j - 1]))
			return MPC_EDECODE;
		p->signers[j] = s;
	}
	if ((rv = r_point(ctx, r, &p->X, 0)) != 0
	    || (rv = r_point(ctx, r, &p->Gamma, 0)) != 0
	    || (rv = r_scalar(r, &p->delta)) != 0)
		return rv;
	for (j = 0; j < t; j++)
		if ((rv = r_point(ctx, r, &p->Delta[j], 0)) != 0
		    || (rv = r_point(ctx, r, &p->Shat[j], 0)) != 0)
			return rv;
	if ((rv = presig_pub_finalize(ctx, p)) != 0)
		return rv;
	presig_pub_compute_id(p);
	return memcmp(id, p->id, MPC_ID_BYTES) == 0 ? 0 : MPC_EMISMATCH;
}

int
mpc_presig_pub_decode(
    struct mpc_ctx *ctx, struct proto_rbuf *r, struct mpc_presig_pub **out)
{
	struct proto_rbuf save = *r;
	struct mpc_presig_pub *p;
	int rv;

	ARG_CHECK(ctx != NULL && r != NULL && out != NULL);
	*out = NULL;
	if ((p = malloc(sizeof(*p))) == NULL)
		return MPC_ENOMEM;
	if ((rv = pub_decode(ctx, r, p)) != 0) {
		*r = save;
		free(p);
		return rv;
	}
	*out = p;
	return 0;
}

int
mpc_presig_pub_copy(
    struct mpc_presig_pub **out, const struct mpc_presig_pub *pub)
{
	ARG_CHECK(out != NULL && pub != NULL);
	if ((*out = malloc(sizeof(**out))) == NULL)
		return MPC_ENOMEM;
	**out = *pub;
	return 0;
}

void
mpc_presig_pub_free(struct mpc_presig_pub *pub)
{
	free(pub);
}

/* ---- presignatures ---- */

void
mpc_presig_id(const struct mpc_presig *p, uint8_t id[static MPC_ID_BYTES])
{
	memcpy(id, p->pub.id, MPC_ID_BYTES);
}

int
mpc_presig_is_used(const struct mpc_presig *p)
{
	return p->used;
}

const struct mpc_presig_pub *
mpc_presig_public(const struct mpc_presig *p)
{
	return &p->pub;
}

void
mpc_presig_free(struct mpc_presig *p)
{
	if (p != NULL)
		lk_free_wipe(p, sizeof(*p));
}

void
mpc_presig_encode(struct proto_wbuf *w, const struct mpc_presig *p)
{
	proto_put_u8(w, PS_VERSION);
	proto_put_u8(w, p->used ? 1 : 0);
	mpc_presig_pub_encode(w, &p->pub);
	proto_put_u16(w, (uint16_t) p->signer);
	if (!p->used) {
		w_scalar(w, NULL, &p->k);
		w_scalar(w, NULL, &p->chi);
	}
}

int
mpc_presig_decode(
    struct mpc_ctx *ctx, struct proto_rbuf *r, struct mpc_presig **out)
{
	struct proto_rbuf save = *r;
	struct mpc_presig *p;
	uint8_t v, used;
	uint16_t s;
	uint32_t j;
	int rv, member = 0;

	ARG_CHECK(ctx != NULL && r != NULL && out != NULL);
	*out = NULL;
	if ((p = calloc(1, sizeof(*p))) == NULL)
		return MPC_ENOMEM;
	if ((rv = proto_get_u8(r, &v)) != 0
	    || (rv = proto_get_u8(r, &used)) != 0)
		goto fail;
	rv = MPC_EDECODE;
	if (v != PS_VERSION || used > 1)
		goto fail;
	p->used = used;
	if ((rv = pub_decode(ctx, r, &p->pub)) != 0
	    || (rv = proto_get_u16(r, &s)) != 0)
		goto fail;
	p->signer = s;
	for (j = 0; j < p->pub.t; j++)
		member |= p->pub.signers[j] == s;
	rv = MPC_EDECODE;
	if (!member)
		goto fail;
	if (!used
	    && ((rv = r_scalar(r, &p->k)) != 0
	        || (rv = r_scalar(r, &p->chi)) != 0))
		goto fail;
	*out = p;
	return 0;
fail:
	*r = save;
	mpc_presig_free(p);
	return rv;
}

int
mpc_presig_consume(struct mpc_presig *p, const struct mpc_keyshare *ks,
    struct mpc_presig_token *tok)
{
	ARG_CHECK(p != NULL && ks != NULL && tok != NULL);
	memset(tok, 0, sizeof(*tok));
	if (p->used)
		return MPC_EUSED;
	if (memcmp(p->pub.key_id, ks->key_id, MPC_ID_BYTES) != 0
	    || p->pub.epoch != ks->epoch)
		return MPC_EEPOCH;
	if (p->signer != ks->index)
		return MPC_EMISMATCH;
	/* mark first, then hand out the secrets once */
	p->used = 1;
	memcpy(tok->presig_id, p->pub.id, MPC_ID_BYTES);
	tok->signer = p->signer;
	tok->k = p->k;
	tok->chi = p->chi;
	tok->r = p->pub.r;
	tok->live = 1;
	mpc_scalar_clear(&p->k);
	mpc_scalar_clear(&p->chi);
	return 0;
}

void
mpc_presig_token_clear(struct mpc_presig_token *tok)
{
	if (tok != NULL)
		lk_wipe(tok, sizeof(*tok));
}

static void
hash_scalar(struct mpc_scalar *m, const uint8_t hash[MPC_HASH_BYTES])
{
	uint8_t wide[64];

	memset(wide, 0, 32);
	memcpy(wide + 32, hash, 32);
	mpc_scalar_from_wide(m, wide); /* the hash mod q */
}

/* m' = m + r*shift */
static void
msg_scalar(struct mpc_scalar *mp, const uint8_t hash[MPC_HASH_BYTES],
    const struct mpc_scalar *r, const struct mpc_derivation *d)
{
	struct mpc_scalar t;

	hash_scalar(mp, hash);
	if (d != NULL) {
		mpc_scalar_mul(&t, r, &d->shift);
		mpc_scalar_add(mp, mp, &t);
	}
}

int
mpc_sign_partial(struct mpc_partial *out, struct mpc_presig_token *tok,
    const uint8_t hash[static MPC_HASH_BYTES], const struct mpc_derivation *d)
{
	struct mpc_scalar mp, a, b;

	ARG_CHECK(out != NULL && tok != NULL && hash != NULL);
	memset(out, 0, sizeof(*out));
	if (!tok->live) {
		mpc_presig_token_clear(tok);
		return MPC_ESTATE;
	}
	msg_scalar(&mp, hash, &tok->r, d);
	mpc_scalar_mul(&a, &tok->k, &mp);
	mpc_scalar_mul(&b, &tok->r, &tok->chi);
	mpc_scalar_add(&out->sigma, &a, &b);
	memcpy(out->presig_id, tok->presig_id, MPC_ID_BYTES);
	out->signer = tok->signer;
	mpc_scalar_clear(&a);
	mpc_scalar_clear(&b);
	mpc_presig_token_clear(tok);
	return 0;
}

void
mpc_partial_encode(struct proto_wbuf *w, const struct mpc_partial *p)
{
	proto_put_u8(w, PS_VERSION);
	proto_put_fixed(w, p->presig_id, MPC_ID_BYTES);
	proto_put_u16(w, (uint16_t) p->signer);
	w_scalar(w, NULL, &p->sigma);
}

int
mpc_partial_decode(struct proto_rbuf *r, struct mpc_partial *p)
{
	struct proto_rbuf save = *r;
	uint8_t v;
	uint16_t s;
	int rv;

	ARG_CHECK(r != NULL && p != NULL);
	memset(p, 0, sizeof(*p));
	if ((rv = proto_get_u8(r, &v)) != 0
	    || (rv = r_fixed(r, p->presig_id, MPC_ID_BYTES)) != 0
	    || (rv = proto_get_u16(r, &s)) != 0
	    || (rv = r_scalar(r, &p->sigma)) != 0)
		goto fail;
	rv = MPC_EDECODE;
	if (v != PS_VERSION || s >= MPC_MAX_PARTIES)
		goto fail;
	p->signer = s;
	return 0;
fail:
	*r = save;
	memset(p, 0, sizeof(*p));
	return rv;
}

/* ---- combine ---- */

int
mpc_signature_verify(struct mpc_ctx *ctx, const struct mpc_signature *sig,
    const uint8_t pubkey[static MPC_POINT_BYTES],
    const uint8_t hash[static MPC_HASH_BYTES])
{
	secp256k1_ecdsa_recoverable_signature rs;
	secp256k1_ecdsa_signature s;
	secp256k1_pubkey pk, rec;
	uint8_t c[64], a[33], b[33];
	size_t la = sizeof(a), lb = sizeof(b);

	ARG_CHECK(ctx != NULL && sig != NULL && pubkey != NULL && hash != NULL);
	if (sig->recid < 0 || sig->recid > 3)
		return MPC_ESIG;
	memcpy(c, sig->r, 32);
	memcpy(c + 32, sig->s, 32);
	if (!secp256k1_ec_pubkey_parse(ctx->secp, &pk, pubkey, MPC_POINT_BYTES)
	    || !secp256k1_ecdsa_signature_parse_compact(ctx->secp, &s, c)
	    || !secp256k1_ecdsa_verify(ctx->secp, &s, hash, &pk))
		return MPC_ESIG; /* also refuses high s */
	if (!secp256k1_ecdsa_recoverable_signature_parse_compact(
	        ctx->secp, &rs, c, sig->recid)
	    || !secp256k1_ecdsa_recover(ctx->secp, &rec, &rs, hash))
		return MPC_ESIG;
	secp256k1_ec_pubkey_serialize(
	    ctx->secp, a, &la, &pk, SECP256K1_EC_COMPRESSED);
	secp256k1_ec_pubkey_serialize(
	    ctx->secp, b, &lb, &rec, SECP256K1_EC_COMPRESSED);
	return memcmp(a, b, 33) == 0 ? 0 : MPC_ESIG;
}

/* q/2, big-endian */
static const uint8_t half_q[32]
    = { 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	      0xff, 0xff, 0xff, 0xff, 0x5d, 0x57, 0x6e, 0x73, 0x57, 0xa4, 0x50,
	      0x1d, 0xdf, 0xe9, 0x2f, 0x46, 0x68, 0x1b, 0x20, 0xa0 };
/* q, big-endian */
static const uint8_t order_q[32]
    = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	      0xff, 0xff, 0xff, 0xfe, 0xba, 0xae, 0xdc, 0xe6, 0xaf, 0x48, 0xa0,
	      0x3b, 0xbf, 0xd2, 0x5e, 0x8c, 0xd0, 0x36, 0x41, 0x41 };

int
mpc_combine(struct mpc_ctx *ctx, struct mpc_signature *sig,
    struct mpc_blame *blame, const struct mpc_presig_pub *pub,
    const uint8_t key_id[static MPC_ID_BYTES], uint64_t epoch,
    const uint8_t hash[static MPC_HASH_BYTES], const struct mpc_derivation *d,
    const struct mpc_partial *parts, size_t nparts)
{
	struct mpc_scalar mp, s, k[2];
	struct mpc_point L, P[2];
	const struct mpc_partial *by[MPC_MAX_PARTIES] = { 0 };
	uint8_t rx[MPC_POINT_BYTES], pubkey[MPC_POINT_BYTES];
	uint32_t j;
	size_t i;
	int rv;

	ARG_CHECK(ctx != NULL && sig != NULL && pub != NULL && key_id != NULL
	    && hash != NULL && (parts != NULL || nparts == 0));
	memset(sig, 0, sizeof(*sig));
	if (memcmp(pub->key_id, key_id, MPC_ID_BYTES) != 0
	    || pub->epoch != epoch)
		return MPC_EEPOCH;
	/* exactly the signer set, each once, each on this presignature */
	for (i = 0; i < nparts; i++) {
		const struct mpc_partial *p = &parts[i];
		int pos = -1;
		for (j = 0; j < pub->t; j++)
			if (pub->signers[j] == p->signer)
				pos = (int) j;
		if (pos < 0 || by[pos] != NULL)
			return sm_blame(
			    blame, p->signer, MPC_BLAME_ENVELOPE, 5);
		if (memcmp(p->presig_id, pub->id, MPC_ID_BYTES) != 0)
			return sm_blame(
			    blame, p->signer, MPC_BLAME_PRESIG_ID, 0);
		by[pos] = p;
	}
	for (j = 0; j < pub->t; j++)
		if (by[j] == NULL)
			return sm_blame(
			    blame, pub->signers[j], MPC_BLAME_ENVELOPE, 6);
	/* sigma_j*Gamma == m'*Delta_j + r*S^_j */
	msg_scalar(&mp, hash, &pub->r, d);
	mpc_scalar_set_u64(&s, 0);
	for (j = 0; j < pub->t; j++) {
		k[0] = mp;
		k[1] = pub->r;
		P[0] = pub->Delta[j];
		P[1] = pub->Shat[j];
		if ((rv = mpc_point_mul_var(
		         ctx, &L, &by[j]->sigma, &pub->Gamma))
		        != 0
		    || (rv = mpc_point_lincomb_var(ctx, &P[0], k, P, 2)) != 0)
			return rv;
		if (!mpc_point_eq_var(&L, &P[0]))
			return sm_blame(
			    blame, pub->signers[j], MPC_BLAME_PARTIAL, 0);
		mpc_scalar_add(&s, &s, &by[j]->sigma);
	}
	if (mpc_scalar_is_zero(&s))
		return MPC_ESIG;
	/* recovery id from R; low s */
	mpc_point_encode(rx, &pub->R);
	sig->recid = rx[0] == 0x03 ? 1 : 0;
	if (memcmp(rx + 1, order_q, 32) >= 0)
		sig->recid |= 2;
	mpc_scalar_encode(sig->r, &pub->r);
	mpc_scalar_encode(sig->s, &s);
	if (memcmp(sig->s, half_q, 32) > 0) {
		mpc_scalar_neg(&s, &s);
		mpc_scalar_encode(sig->s, &s);
		sig->recid ^= 1;
	}
	/* never release an unverified signature */
	if (d != NULL)
		memcpy(pubkey, d->pubkey, MPC_POINT_BYTES);
	else
		mpc_point_encode(pubkey, &pub->X);
	if ((rv = mpc_signature_verify(ctx, sig, pubkey, hash)) != 0) {
		memset(sig, 0, sizeof(*sig));
		return rv;
	}
	return 0;
}
