/* Presign (docs/MPC.md §13; CGGMP21 Fig. 7, dfns "non-threshold
 * presigning" on Lagrange-converted shares; notes/tecdsa.md §1.5, §1.8):
 *
 * R1  bc   K_i = Enc_i(k_i), G_i = Enc_i(gamma_i)
 *     p2p  psi0_ji = Pi^enc(K_i) against R_j
 * R2  bc   echo(R1), Gamma_i = gamma_i*G
 *     p2p  D_ji = (gamma_i . K_j) + Enc_j(-beta_ji), F_ji = Enc_i(-beta_ji),
 *          D^_ji, F^_ji likewise with x'_i and beta^_ji,
 *          psi_ji, psi^_ji = Pi^aff-g, psi'_ji = Pi^log*(G_i, Gamma_i)
 * R3  bc   echo(R2), delta_i, Delta_i = k_i*Gamma, S^_i = chi_i*Gamma
 *     p2p  psi''_ji = Pi^log*(K_i, Delta_i, base Gamma)
 * R4  bc   echo(R3); then delta*G == sum Delta_j and sum S^_j == delta*X
 *          give the presignature (R = delta^-1 * Gamma, k_i, chi_i)
 * R5  bc   (delta*G != sum Delta_j) every signer opens the burned
 *          presignature: k_i, gamma_i and the nonces of K_i, G_i, every
 *          alpha_ij with the nonce of D_ij, every beta_ji with the nonce of
 *          F_ji, and the signed round-2 messages they come from; everyone
 *          recomputes delta_j and names the first that does not match.
 * R6  bc   (sum S^_j != delta*X) H^_i = (x'_i . K_i) * rho^N and the
 *          signed round-2 messages; p2p Pi^mul*(K_i, H^_i, X'_i) and a wide
 *          Pi^log* that C^_i = H^_i * prod D^_ij * prod F^_ji^-1 encrypts
 *          the discrete log of S^_i in base Gamma; a failing proof names
 *          its prover.
 * Neither blame round reveals x_i: only the gamma-MtA is opened. */
#include <stdlib.h>
#include <string.h>

#include "proto_int.h"

/* ---- messages ---- */
struct r1_bc {
	mpz_t K, G;
};
struct r1_p2p {
	struct mpc_zk_enc_proof enc;
};
struct r2_bc {
	struct mpc_point Gamma;
};
struct r2_p2p {
	mpz_t D, F, Dh, Fh;
	struct mpc_zk_affg_proof psi, psih;
	struct mpc_zk_logstar_proof psil;
};
struct r3_bc {
	struct mpc_scalar delta;
	struct mpc_point Delta, Shat;
};
struct r3_p2p {
	struct mpc_zk_logstar_proof psill;
};
struct r4_bc {
	int none;
};
/* Republished round-2 messages (borrowed bytes). */
struct repub {
	const uint8_t *recv, *sent;
	size_t recvlen, sentlen;
};
struct r5_bc {
	struct mpc_scalar k, gamma;
	mpz_t rho, nu;
	mpz_t alpha[MPC_MAX_PARTIES], anonce[MPC_MAX_PARTIES];
	mpz_t beta[MPC_MAX_PARTIES], bnonce[MPC_MAX_PARTIES];
	struct repub rp[MPC_MAX_PARTIES];
};
struct r6_bc {
	mpz_t H;
	struct repub rp[MPC_MAX_PARTIES];
};
struct r6_p2p {
	struct mpc_zk_mulstar_proof mul;
	struct mpc_zk_logstar_proof logw;
};

struct ps_st {
	const struct mpc_keyshare *ks;
	struct mpc_aux *aux;
	struct mpc_point Xp[MPC_MAX_PARTIES]; /* X'_j = lambda_j X_j */
	struct mpc_scalar xs; /* x'_i */
	mpz_t xp, k, gamma, rho, nu;
	struct mpc_scalar kk, gg;
	mpz_t beta[MPC_MAX_PARTIES], betah[MPC_MAX_PARTIES];
	mpz_t rF[MPC_MAX_PARTIES], rFh[MPC_MAX_PARTIES];
	struct mpc_point Gamma;
	struct mpc_scalar chi;
	struct r1_bc r1;
	struct r1_p2p r1p[MPC_MAX_PARTIES];
	struct r2_bc r2;
	struct r2_p2p r2p[MPC_MAX_PARTIES];
	struct r3_bc r3;
	struct r3_p2p r3p[MPC_MAX_PARTIES];
	struct r4_bc r4;
	struct r5_bc r5;
	struct r6_bc r6;
	struct r6_p2p r6p[MPC_MAX_PARTIES];
	int r2p_init, r3p_init, r5_init, r6_init;
	struct mpc_presig *out;
};

/* ---- part constructors ---- */

static void
r2p_init(struct r2_p2p *x)
{
	mpz_inits(x->D, x->F, x->Dh, x->Fh, NULL);
	mpc_zk_affg_proof_init(&x->psi);
	mpc_zk_affg_proof_init(&x->psih);
	mpc_zk_logstar_proof_init(&x->psil);
}

static void
r2p_clear(struct r2_p2p *x)
{
	mpz_clears(x->D, x->F, x->Dh, x->Fh, NULL);
	mpc_zk_affg_proof_clear(&x->psi);
	mpc_zk_affg_proof_clear(&x->psih);
	mpc_zk_logstar_proof_clear(&x->psil);
}

static void
r5_init(struct r5_bc *x)
{
	uint32_t j;

	mpz_inits(x->rho, x->nu, NULL);
	for (j = 0; j < MPC_MAX_PARTIES; j++)
		mpz_inits(
		    x->alpha[j], x->anonce[j], x->beta[j], x->bnonce[j], NULL);
}

static void
r5_clear(struct r5_bc *x)
{
	uint32_t j;

	mpz_clears(x->rho, x->nu, NULL);
	for (j = 0; j < MPC_MAX_PARTIES; j++)
		mpz_clears(
		    x->alpha[j], x->anonce[j], x->beta[j], x->bnonce[j], NULL);
	lk_wipe(&x->k, sizeof(x->k));
	lk_wipe(&x->gamma, sizeof(x->gamma));
}

static void
r6p_init(struct r6_p2p *x)
{
	mpc_zk_mulstar_proof_init(&x->mul);
	mpc_zk_logstar_proof_init(&x->logw);
}

static void
r6p_clear(struct r6_p2p *x)
{
	mpc_zk_mulstar_proof_clear(&x->mul);
	mpc_zk_logstar_proof_clear(&x->logw);
}

static size_t
ps_size(uint8_t round, int part)
{
	static const size_t bc[]
	    = { 0, sizeof(struct r1_bc), sizeof(struct r2_bc),
		      sizeof(struct r3_bc), sizeof(struct r4_bc),
		      sizeof(struct r5_bc), sizeof(struct r6_bc) };
	static const size_t p2p[]
	    = { 0, sizeof(struct r1_p2p), sizeof(struct r2_p2p),
		      sizeof(struct r3_p2p), 0, 0, sizeof(struct r6_p2p) };

	return part == PART_BC ? bc[round] : p2p[round];
}

static void *
ps_part_new(uint8_t round, int part)
{
	void *m = calloc(1, ps_size(round, part));

	if (m == NULL)
		return NULL;
	if (part == PART_BC) {
		if (round == 1)
			mpz_inits(((struct r1_bc *) m)->K,
			    ((struct r1_bc *) m)->G, NULL);
		else if (round == 5)
			r5_init(m);
		else if (round == 6)
			mpz_init(((struct r6_bc *) m)->H);
	} else {
		if (round == 1)
			mpc_zk_enc_proof_init(&((struct r1_p2p *) m)->enc);
		else if (round == 2)
			r2p_init(m);
		else if (round == 3)
			mpc_zk_logstar_proof_init(
			    &((struct r3_p2p *) m)->psill);
		else if (round == 6)
			r6p_init(m);
	}
	return m;
}

static void
ps_part_free(uint8_t round, int part, void *m)
{
	if (m == NULL)
		return;
	if (part == PART_BC) {
		if (round == 1)
			mpz_clears(((struct r1_bc *) m)->K,
			    ((struct r1_bc *) m)->G, NULL);
		else if (round == 5)
			r5_clear(m);
		else if (round == 6)
			mpz_clear(((struct r6_bc *) m)->H);
	} else {
		if (round == 1)
			mpc_zk_enc_proof_clear(&((struct r1_p2p *) m)->enc);
		else if (round == 2)
			r2p_clear(m);
		else if (round == 3)
			mpc_zk_logstar_proof_clear(
			    &((struct r3_p2p *) m)->psill);
		else if (round == 6)
			r6p_clear(m);
	}
	lk_free_wipe(m, ps_size(round, part));
}

static unsigned
ps_sections(uint8_t round)
{
	switch (round) {
	case 1:
		return SEC_BC | SEC_P2P;
	case 2:
	case 3:
		return SEC_BC | SEC_P2P | SEC_ECHO;
	case 4:
		return SEC_BC | SEC_ECHO;
	case 5:
		return SEC_BC;
	case 6:
		return SEC_BC | SEC_P2P;
	default:
		return 0;
	}
}

/* ---- codecs ---- */

#define CT_BITS   (2 * MPC_N_MAX_BITS)
#define N_BITS    MPC_N_MAX_BITS
#define OPEN_BITS MPC_N_MAX_BITS

static int
get_repub(struct proto_rbuf *r, struct repub *x)
{
	int rv;

	if ((rv = proto_get_bytes_direct(
	         r, &x->recv, &x->recvlen, 1, MPC_MSG_MAX_BYTES))
	    != 0)
		return rv;
	return proto_get_bytes_direct(
	    r, &x->sent, &x->sentlen, 1, MPC_MSG_MAX_BYTES);
}

static int
ps_parse(struct mpc_ctx *ctx, uint32_t np, uint32_t t, uint8_t round, int part,
    void **out, const uint8_t *p, size_t len)
{
	struct proto_rbuf r;
	uint32_t j;
	void *m;
	int rv = 0;

	*out = NULL;
	if (round < 1 || round > 6 || ps_size(round, part) == 0)
		return MPC_EDECODE;
	if ((m = ps_part_new(round, part)) == NULL)
		return MPC_ENOMEM;
	proto_rbuf_init(&r, p, len);
	if (part == PART_BC) {
		switch (round) {
		case 1: {
			struct r1_bc *x = m;
			if ((rv = mpc_bn_get(&r, x->K, CT_BITS, 0)) == 0)
				rv = mpc_bn_get(&r, x->G, CT_BITS, 0);
			break;
		}
		case 2:
			rv = r_point(ctx, &r, &((struct r2_bc *) m)->Gamma, 0);
			break;
		case 3: {
			struct r3_bc *x = m;
			if ((rv = r_scalar(&r, &x->delta)) == 0
			    && (rv = r_point(ctx, &r, &x->Delta, 0)) == 0)
				rv = r_point(ctx, &r, &x->Shat, 0);
			break;
		}
		case 5: {
			struct r5_bc *x = m;
			if ((rv = r_scalar(&r, &x->k)) != 0
			    || (rv = r_scalar(&r, &x->gamma)) != 0
			    || (rv = mpc_bn_get(&r, x->rho, N_BITS, 0)) != 0
			    || (rv = mpc_bn_get(&r, x->nu, N_BITS, 0)) != 0)
				break;
			for (j = 0; j + 1 < np && rv == 0; j++) {
				if ((rv = mpc_bn_get_signed(
				         &r, x->alpha[j], OPEN_BITS))
				        == 0
				    && (rv = mpc_bn_get(
				            &r, x->anonce[j], N_BITS, 0))
				        == 0
				    && (rv = mpc_bn_get_signed(
				            &r, x->beta[j], OPEN_BITS))
				        == 0
				    && (rv = mpc_bn_get(
				            &r, x->bnonce[j], N_BITS, 0))
				        == 0)
					rv = get_repub(&r, &x->rp[j]);
			}
			break;
		}
		case 6: {
			struct r6_bc *x = m;
			rv = mpc_bn_get(&r, x->H, CT_BITS, 0);
			for (j = 0; j + 1 < np && rv == 0; j++)
				rv = get_repub(&r, &x->rp[j]);
			break;
		}
		default:
			break;
		}
	} else {
		switch (round) {
		case 1:
			rv = mpc_zk_enc_decode(&r, &((struct r1_p2p *) m)->enc);
			break;
		case 2: {
			struct r2_p2p *x = m;
			if ((rv = mpc_bn_get(&r, x->D, CT_BITS, 0)) == 0
			    && (rv = mpc_bn_get(&r, x->F, CT_BITS, 0)) == 0
			    && (rv = mpc_bn_get(&r, x->Dh, CT_BITS, 0)) == 0
			    && (rv = mpc_bn_get(&r, x->Fh, CT_BITS, 0)) == 0
			    && (rv = mpc_zk_affg_decode(ctx, &r, &x->psi)) == 0
			    && (rv = mpc_zk_affg_decode(ctx, &r, &x->psih))
			        == 0)
				rv = mpc_zk_logstar_decode(ctx, &r, &x->psil);
			break;
		}
		case 3:
			rv = mpc_zk_logstar_decode(
			    ctx, &r, &((struct r3_p2p *) m)->psill);
			break;
		case 6: {
			struct r6_p2p *x = m;
			if ((rv = mpc_zk_mulstar_decode(ctx, &r, &x->mul)) == 0)
				rv = mpc_zk_logstar_decode(ctx, &r, &x->logw);
			break;
		}
		default:
			break;
		}
	}
	if (rv == 0 && proto_rbuf_done(&r) != 0)
		rv = MPC_EDECODE;
	if (rv != 0) {
		ps_part_free(round, part, m);
		return rv;
	}
	*out = m;
	return 0;
}

static void
w_repub(struct proto_wbuf *w, struct sm_trace *tr, const struct repub *x)
{
	w_bytes(w, tr, x->recv, x->recvlen);
	w_bytes(w, tr, x->sent, x->sentlen);
}

static int
ps_encode(uint32_t np, uint32_t t, uint8_t round, int part, const void *m,
    struct proto_wbuf *w, struct sm_trace *tr)
{
	uint32_t j;

	if (part == PART_BC) {
		switch (round) {
		case 1:
			w_bn(w, tr, ((const struct r1_bc *) m)->K);
			w_bn(w, tr, ((const struct r1_bc *) m)->G);
			break;
		case 2:
			w_point(w, tr, &((const struct r2_bc *) m)->Gamma);
			break;
		case 3: {
			const struct r3_bc *x = m;
			w_scalar(w, tr, &x->delta);
			w_point(w, tr, &x->Delta);
			w_point(w, tr, &x->Shat);
			break;
		}
		case 5: {
			const struct r5_bc *x = m;
			w_scalar(w, tr, &x->k);
			w_scalar(w, tr, &x->gamma);
			w_bn(w, tr, x->rho);
			w_bn(w, tr, x->nu);
			for (j = 0; j + 1 < np; j++) {
				w_sbn(w, tr, x->alpha[j]);
				w_bn(w, tr, x->anonce[j]);
				w_sbn(w, tr, x->beta[j]);
				w_bn(w, tr, x->bnonce[j]);
				w_repub(w, tr, &x->rp[j]);
			}
			break;
		}
		case 6: {
			const struct r6_bc *x = m;
			w_bn(w, tr, x->H);
			for (j = 0; j + 1 < np; j++)
				w_repub(w, tr, &x->rp[j]);
			break;
		}
		default:
			break;
		}
		return 0;
	}
	switch (round) {
	case 1:
		w_enc(w, tr, &((const struct r1_p2p *) m)->enc);
		break;
	case 2: {
		const struct r2_p2p *x = m;
		w_bn(w, tr, x->D);
		w_bn(w, tr, x->F);
		w_bn(w, tr, x->Dh);
		w_bn(w, tr, x->Fh);
		w_affg(w, tr, &x->psi);
		w_affg(w, tr, &x->psih);
		w_logstar(w, tr, &x->psil);
		break;
	}
	case 3:
		w_logstar(w, tr, &((const struct r3_p2p *) m)->psill);
		break;
	case 6:
		w_mulstar(w, tr, &((const struct r6_p2p *) m)->mul);
		w_logstar(w, tr, &((const struct r6_p2p *) m)->logw);
		break;
	default:
		break;
	}
	return 0;
}

static const void *
ps_own(struct mpc_sm *sm, uint8_t round, int part, uint32_t to)
{
	struct ps_st *st = sm->st;

	if (part == PART_P2P) {
		switch (round) {
		case 1:
			return &st->r1p[to];
		case 2:
			return &st->r2p[to];
		case 3:
			return &st->r3p[to];
		default:
			return &st->r6p[to];
		}
	}
	switch (round) {
	case 1:
		return &st->r1;
	case 2:
		return &st->r2;
	case 3:
		return &st->r3;
	case 4:
		return &st->r4;
	case 5:
		return &st->r5;
	default:
		return &st->r6;
	}
}

/* ---- helpers ---- */

static const struct mpc_paillier_pk *
pk_at(const struct mpc_sm *sm, uint32_t pos)
{
	const struct ps_st *st = sm->st;

	return aux_pk(st->aux, sm->part[pos]);
}

static const struct mpc_rped *
rp_at(const struct mpc_sm *sm, uint32_t pos)
{
	const struct ps_st *st = sm->st;

	return aux_rp(st->aux, sm->part[pos]);
}

static void
sess(struct mpc_zk_sess *s, const struct mpc_sm *sm, uint32_t prover,
    const char *label)
{
	s->sid = sm->sid;
	s->sid_len = MPC_SID_BYTES;
	s->prover = prover;
	s->aux = (const uint8_t *) label;
	s->aux_len = strlen(label);
}

static int
zk(int rv)
{
	return rv == MPC_EPROOF ? MPC_EABORT : rv;
}

/* Index of peer position j in the per-peer arrays of position a's
 * republication (peers of a in position order). */
static uint32_t
peer_slot(uint32_t a, uint32_t j)
{
	return j < a ? j : j - 1;
}

/* ---- checks ---- */

static int
check_r1(struct mpc_sm *sm, uint32_t from, uint32_t to, const struct r1_bc *x,
    const struct r1_p2p *y, struct mpc_blame *b)
{
	const struct mpc_paillier_pk *pk = pk_at(sm, from);
	uint32_t party = sm->part[from];
	struct mpc_zk_sess s;

	if (mpc_paillier_ct_check(pk, x->K) != 0)
		return sm_blame(b, party, MPC_BLAME_VALUE, 1);
	if (mpc_paillier_ct_check(pk, x->G) != 0)
		return sm_blame(b, party, MPC_BLAME_VALUE, 2);
	sess(&s, sm, party, "R1/enc");
	return zk(mpc_zk_enc_verify(
	    sm->ctx, b, &y->enc, &s, rp_at(sm, to), pk, x->K));
}

static int
check_r2(struct mpc_sm *sm, uint32_t from, uint32_t to, const struct r2_bc *x,
    const struct r2_p2p *y, struct mpc_blame *b)
{
	struct ps_st *st = sm->st;
	const struct r1_bc *kto = sm_bc(sm, 1, to), *gfrom = sm_bc(sm, 1, from);
	const struct mpc_paillier_pk *pk0 = pk_at(sm, to),
	                             *pk1 = pk_at(sm, from);
	const struct mpc_rped *R = rp_at(sm, to);
	uint32_t party = sm->part[from];
	struct mpc_zk_sess s;
	int rv;

	sess(&s, sm, party, "R2/affg");
	if ((rv = zk(mpc_zk_affg_verify(sm->ctx, b, &y->psi, &s, R, pk0, pk1,
	         kto->K, y->D, y->F, &x->Gamma)))
	    != 0)
		return rv;
	sess(&s, sm, party, "R2/affg-hat");
	if ((rv = zk(mpc_zk_affg_verify(sm->ctx, b, &y->psih, &s, R, pk0, pk1,
	         kto->K, y->Dh, y->Fh, &st->Xp[from])))
	    != 0)
		return rv;
	sess(&s, sm, party, "R2/log");
	return zk(mpc_zk_logstar_verify(sm->ctx, b, &y->psil, &s,
	    MPC_ZK_RANGE_ELL, R, pk1, gfrom->G, &x->Gamma, NULL));
}

static int
check_r3(struct mpc_sm *sm, uint32_t from, uint32_t to, const struct r3_bc *x,
    const struct r3_p2p *y, struct mpc_blame *b)
{
	struct ps_st *st = sm->st;
	const struct r1_bc *kf = sm_bc(sm, 1, from);
	struct mpc_zk_sess s;

	sess(&s, sm, sm->part[from], "R3/log");
	return zk(
	    mpc_zk_logstar_verify(sm->ctx, b, &y->psill, &s, MPC_ZK_RANGE_ELL,
	        rp_at(sm, to), pk_at(sm, from), kf->K, &x->Delta, &st->Gamma));
}

/* The round-2 messages a signer republishes in R5/R6: each must be the
 * signed message of its slot, with the agreed broadcast part, and the one
 * this party holds when it is an end of it. On success *recv[j] and
 * *sent[j] are the parsed p2p parts (free with free_repub). */
struct repub_parsed {
	void *rbc[MPC_MAX_PARTIES], *rp2p[MPC_MAX_PARTIES];
	void *sbc[MPC_MAX_PARTIES], *sp2p[MPC_MAX_PARTIES];
};

static void
free_repub(struct mpc_sm *sm, struct repub_parsed *p)
{
	uint32_t j;

	for (j = 0; j < MPC_MAX_PARTIES; j++) {
		sm_parts_free(sm, 2, p->rbc[j], p->rp2p[j]);
		sm_parts_free(sm, 2, p->sbc[j], p->sp2p[j]);
	}
	memset(p, 0, sizeof(*p));
}

static int
same_gamma(struct mpc_sm *sm, uint32_t pos, const void *bc)
{
	const struct r2_bc *agreed = sm_bc(sm, 2, pos);

	return mpc_point_eq_var(
	    &agreed->Gamma, &((const struct r2_bc *) bc)->Gamma);
}

static int
check_repub(struct mpc_sm *sm, uint32_t a, const struct repub *rp,
    struct repub_parsed *out, struct mpc_blame *b)
{
	uint32_t party = sm->part[a], j, k;
	uint8_t bcd[SM_DIGEST_BYTES];
	const uint8_t *mine;
	size_t minelen;
	int rv;

	memset(out, 0, sizeof(*out));
	for (j = 0; j < sm->np; j++) {
		if (j == a)
			continue;
		k = peer_slot(a, j);
		/* j -> a, signed by j */
		rv = sm_parse_signed(sm, b, 2, j, a, rp[k].recv, rp[k].recvlen,
		    &out->rbc[j], &out->rp2p[j], bcd);
		if (rv == MPC_EAUTH || rv == MPC_ESESSION)
			return sm_blame(b, party, MPC_BLAME_OPENING, 1);
		if (rv != 0)
			return rv; /* j signed a malformed message */
		if (!same_gamma(sm, j, out->rbc[j]))
			return sm_blame(
			    b, sm->part[j], MPC_BLAME_EQUIVOCATION, 2);
		if (j == sm->me) {
			mine = sm_sent(sm, 2, a, &minelen);
			if (minelen != rp[k].recvlen
			    || memcmp(mine, rp[k].recv, minelen) != 0)
				return sm_blame(b, party, MPC_BLAME_OPENING, 2);
		}
		/* a -> j, signed by a */
		rv = sm_parse_signed(sm, b, 2, a, j, rp[k].sent, rp[k].sentlen,
		    &out->sbc[j], &out->sp2p[j], bcd);
		if (rv == MPC_EAUTH || rv == MPC_ESESSION)
			return sm_blame(b, party, MPC_BLAME_OPENING, 3);
		if (rv != 0)
			return rv;
		if (!same_gamma(sm, a, out->sbc[j]))
			return sm_blame(b, party, MPC_BLAME_EQUIVOCATION, 2);
		if (j == sm->me) {
			/* a shows everyone another message than it sent me */
			mine = sm_received(sm, 2, a, &minelen);
			if (minelen != rp[k].sentlen
			    || memcmp(mine, rp[k].sent, minelen) != 0) {
				sm->ev_kind = CPL_EQUIV_MSG;
				sm->ev_author = party;
				sm->ev_round = 2;
				sm->ev1 = mine;
				sm->ev1len = minelen;
				sm->ev2 = rp[k].sent;
				sm->ev2len = rp[k].sentlen;
				return sm_blame(
				    b, party, MPC_BLAME_EQUIVOCATION, 2);
			}
		}
		/* the message j sent a must itself be valid */
		if ((rv = check_r2(sm, j, a, out->rbc[j], out->rp2p[j], b))
		    != 0)
			return rv;
	}
	return 0;
}

/* ok = (c == Enc(m; rho)) under pk, for public values, |m| < N/2 and rho a
 * unit. */
static int
opens(const struct mpc_paillier_pk *pk, mpz_srcptr c, mpz_srcptr m,
    mpz_srcptr rho, int *ok)
{
	mpz_t e, h;
	int rv;

	*ok = 0;
	mpz_inits(e, h, NULL);
	mpz_tdiv_q_2exp(h, mpc_paillier_pk_n(pk), 1);
	if (mpz_cmpabs(m, h) > 0
	    || !mpc_bn_is_unit_var(rho, mpc_paillier_pk_n(pk))) {
		mpz_clears(e, h, NULL);
		return 0;
	}
	if ((rv = paillier_enc_var(pk, e, m, rho)) == 0)
		*ok = mpz_cmp(e, c) == 0;
	mpz_clears(e, h, NULL);
	return rv;
}

static int
check_r5(
    struct mpc_sm *sm, uint32_t a, const struct r5_bc *x, struct mpc_blame *b)
{
	const struct r1_bc *r1 = sm_bc(sm, 1, a);
	const struct r2_bc *r2 = sm_bc(sm, 2, a);
	const struct r3_bc *r3 = sm_bc(sm, 3, a);
	const struct mpc_paillier_pk *pk = pk_at(sm, a);
	uint32_t party = sm->part[a], j, k;
	struct repub_parsed rp;
	struct mpc_scalar d, s;
	struct mpc_point P;
	mpz_t km, gm, nb;
	int rv, ok;

	if ((rv = check_repub(sm, a, x->rp, &rp, b)) != 0)
		goto out_rp;
	mpz_inits(km, gm, nb, NULL);
	mpc_scalar_to_mpz(km, &x->k);
	mpc_scalar_to_mpz(gm, &x->gamma);
	/* K_a, G_a, Gamma_a open to k_a, gamma_a */
	if ((rv = opens(pk, r1->K, km, x->rho, &ok)) != 0)
		goto out;
	if (!ok) {
		rv = sm_blame(b, party, MPC_BLAME_OPENING, 10);
		goto out;
	}
	if ((rv = opens(pk, r1->G, gm, x->nu, &ok)) != 0)
		goto out;
	if (!ok) {
		rv = sm_blame(b, party, MPC_BLAME_OPENING, 11);
		goto out;
	}
	if ((rv = mpc_point_mul_base(sm->ctx, &P, &x->gamma)) != 0)
		goto out;
	if (!mpc_point_eq_var(&P, &r2->Gamma)) {
		rv = sm_blame(b, party, MPC_BLAME_OPENING, 12);
		goto out;
	}
	/* delta_a = k_a gamma_a + sum_j (alpha_aj + beta_ja) */
	mpc_scalar_mul(&d, &x->k, &x->gamma);
	for (j = 0; j < sm->np; j++) {
		const struct r2_p2p *from_j, *to_j;
		if (j == a)
			continue;
		k = peer_slot(a, j);
		from_j = rp.rp2p[j];
		to_j = rp.sp2p[j];
		if ((rv = opens(pk, from_j->D, x->alpha[k], x->anonce[k], &ok))
		    != 0)
			goto out;
		if (!ok) {
			rv = sm_blame(b, party, MPC_BLAME_OPENING, 20 + k);
			goto out;
		}
		mpz_neg(nb, x->beta[k]);
		if ((rv = opens(pk, to_j->F, nb, x->bnonce[k], &ok)) != 0)
			goto out;
		if (!ok) {
			rv = sm_blame(b, party, MPC_BLAME_OPENING, 40 + k);
			goto out;
		}
		mpc_scalar_from_mpz(&s, x->alpha[k]);
		mpc_scalar_add(&d, &d, &s);
		mpc_scalar_from_mpz(&s, x->beta[k]);
		mpc_scalar_add(&d, &d, &s);
	}
	if (!mpc_scalar_eq(&d, &r3->delta))
		rv = sm_blame(b, party, MPC_BLAME_DELTA, 0);
out:
	mpz_clears(km, gm, nb, NULL);
out_rp:
	free_repub(sm, &rp);
	return rv;
}

static int
check_r6(struct mpc_sm *sm, uint32_t a, uint32_t to, const struct r6_bc *x,
    const struct r6_p2p *y, struct mpc_blame *b)
{
	struct ps_st *st = sm->st;
	const struct r1_bc *r1 = sm_bc(sm, 1, a);
	const struct r3_bc *r3 = sm_bc(sm, 3, a);
	const struct mpc_paillier_pk *pk = pk_at(sm, a);
	uint32_t party = sm->part[a], j;
	struct repub_parsed rp;
	struct mpc_zk_sess s;
	mpz_t C, inv;
	int rv;

	if ((rv = check_repub(sm, a, x->rp, &rp, b)) != 0) {
		free_repub(sm, &rp);
		return rv;
	}
	mpz_inits(C, inv, NULL);
	sess(&s, sm, party, "R6/mul");
	if ((rv = zk(mpc_zk_mulstar_verify(sm->ctx, b, &y->mul, &s,
	         rp_at(sm, to), pk, r1->K, x->H, &st->Xp[a])))
	    != 0)
		goto out;
	/* C^_a = H^_a * prod_j D^_aj * prod_j F^_ja^-1: encrypts chi_a */
	mpz_set(C, x->H);
	for (j = 0; j < sm->np; j++) {
		const struct r2_p2p *from_j, *to_j;
		if (j == a)
			continue;
		from_j = rp.rp2p[j];
		to_j = rp.sp2p[j];
		mpz_mul(C, C, from_j->Dh);
		mpz_mod(C, C, mpc_paillier_pk_n2(pk));
		if (!mpz_invert(inv, to_j->Fh, mpc_paillier_pk_n2(pk))) {
			rv = sm_blame(b, party, MPC_BLAME_VALUE, 6);
			goto out;
		}
		mpz_mul(C, C, inv);
		mpz_mod(C, C, mpc_paillier_pk_n2(pk));
	}
	sess(&s, sm, party, "R6/logw");
	rv = zk(mpc_zk_logstar_verify(sm->ctx, b, &y->logw, &s,
	    MPC_ZK_RANGE_WIDE, rp_at(sm, to), pk, C, &r3->Shat, &st->Gamma));
out:
	mpz_clears(C, inv, NULL);
	free_repub(sm, &rp);
	return rv;
}

static int
ps_check(struct mpc_sm *sm, uint8_t round, uint32_t from, uint32_t to,
    const void *bc, const void *p2p, struct mpc_blame *b)
{
	switch (round) {
	case 1:
		return check_r1(sm, from, to, bc, p2p, b);
	case 2:
		return check_r2(sm, from, to, bc, p2p, b);
	case 3:
		return check_r3(sm, from, to, bc, p2p, b);
	case 5:
		return check_r5(sm, from, bc, b);
	case 6:
		return check_r6(sm, from, to, bc, p2p, b);
	default:
		return 0;
	}
}

/* ---- the private steps ---- */

/* Both MtA with peer position j into o: fresh masks beta, betah (the
 * nonces of F, F^ in rF, rFh) and the proofs. */
static int
mta_one(struct mpc_sm *sm, uint32_t j, struct r2_p2p *o, mpz_ptr beta,
    mpz_ptr betah, mpz_ptr rF, mpz_ptr rFh)
{
	struct ps_st *st = sm->st;
	const struct mpc_paillier_pk *own = pk_at(sm, sm->me);
	const struct r1_bc *kj = sm->in[1][j].bc;
	const struct mpc_paillier_pk *pkj = pk_at(sm, j);
	struct mpc_zk_sess s;
	mpz_t t1, t2, sD, sDh, y;
	int rv;

	mpz_inits(t1, t2, sD, sDh, y, NULL);
	/* D_ji = gamma_i . K_j + Enc_j(-beta; s), F_ji = Enc_i(-beta; r) */
	if ((rv = mpc_bn_random_pm(beta, MPC_ELL_PRIME, NULL)) != 0
	    || (rv = mpc_bn_random_pm(betah, MPC_ELL_PRIME, NULL)) != 0)
		goto out;
	mpz_neg(y, beta);
	if ((rv = mpc_paillier_mul(pkj, t1, kj->K, st->gamma, MPC_ELL)) != 0
	    || (rv = mpc_paillier_encrypt(pkj, t2, sD, y)) != 0
	    || (rv = mpc_paillier_add(pkj, o->D, t1, t2)) != 0
	    || (rv = mpc_paillier_encrypt(own, o->F, rF, y)) != 0)
		goto out;
	sess(&s, sm, sm->self, "R2/affg");
	if ((rv = mpc_zk_affg_prove(sm->ctx, &o->psi, &s, rp_at(sm, j), pkj,
	         own, kj->K, o->D, o->F, &st->r2.Gamma, st->gamma, y, sD, rF))
	    != 0)
		goto out;
	mpz_neg(y, betah);
	if ((rv = mpc_paillier_mul(pkj, t1, kj->K, st->xp, MPC_ELL)) != 0
	    || (rv = mpc_paillier_encrypt(pkj, t2, sDh, y)) != 0
	    || (rv = mpc_paillier_add(pkj, o->Dh, t1, t2)) != 0
	    || (rv = mpc_paillier_encrypt(own, o->Fh, rFh, y)) != 0)
		goto out;
	sess(&s, sm, sm->self, "R2/affg-hat");
	if ((rv = mpc_zk_affg_prove(sm->ctx, &o->psih, &s, rp_at(sm, j), pkj,
	         own, kj->K, o->Dh, o->Fh, &st->Xp[sm->me], st->xp, y, sDh,
	         rFh))
	    != 0)
		goto out;
	sess(&s, sm, sm->self, "R2/log");
	rv = mpc_zk_logstar_prove(sm->ctx, &o->psil, &s, MPC_ZK_RANGE_ELL,
	    rp_at(sm, j), own, st->r1.G, &st->r2.Gamma, NULL, st->gamma,
	    st->nu);
out:
	mpz_clears(t1, t2, sD, sDh, y, NULL);
	return rv;
}

/* Round 2: Gamma_i, both MtA with every peer, and the proofs. */
static int
make_r2(struct mpc_sm *sm)
{
	struct ps_st *st = sm->st;
	uint32_t j;
	int rv;

	if ((rv = mpc_point_mul_base(sm->ctx, &st->r2.Gamma, &st->gg)) != 0)
		return rv;
	for (j = 0; j < MPC_MAX_PARTIES; j++)
		r2p_init(&st->r2p[j]);
	st->r2p_init = 1;
	for (j = 0; j < sm->np && rv == 0; j++) {
		if (j == sm->me)
			continue;
		rv = mta_one(sm, j, &st->r2p[j], st->beta[j], st->betah[j],
		    st->rF[j], st->rFh[j]);
	}
	return rv;
}

struct twin_arg {
	struct mpc_sm *sm;
	const struct r2_p2p *part;
};

static int
twin_fn(void *arg, struct proto_wbuf *w)
{
	struct twin_arg *a = arg;

	return ps_encode(a->sm->np, a->sm->t, 2, PART_P2P, a->part, w, NULL);
}

int
ps_test_twin_r2(struct mpc_sm *sm, uint32_t to, uint8_t **out, size_t *outlen)
{
	struct sm_trace none;
	struct twin_arg ta;
	struct r2_p2p tw;
	const uint8_t *orig = sm->sent[2][to];
	size_t olen = sm->sentlen[2][to], bclen, head, plen = 0;
	uint8_t *p2p = NULL, *raw;
	mpz_t beta, betah, rF, rFh;
	int rv;

	*out = NULL;
	*outlen = 0;
	if (sm->kind != MPC_KIND_PRESIGN || orig == NULL || to == sm->me)
		return MPC_ESTATE;
	bclen = (size_t) orig[SM_HDR_BYTES] << 24
	    | (size_t) orig[SM_HDR_BYTES + 1] << 16
	    | (size_t) orig[SM_HDR_BYTES + 2] << 8 | orig[SM_HDR_BYTES + 3];
	head = SM_HDR_BYTES + 4 + bclen + SM_SIG_BYTES;
	r2p_init(&tw);
	mpz_inits(beta, betah, rF, rFh, NULL);
	ta.sm = sm;
	ta.part = &tw;
	if ((rv = mta_one(sm, to, &tw, beta, betah, rF, rFh)) == 0)
		rv = w_grow(&p2p, &plen, twin_fn, &ta);
	if (rv == 0 && (raw = malloc(head + 4 + plen + SM_SIG_BYTES)) == NULL)
		rv = MPC_ENOMEM;
	if (rv == 0 && head + 4 > olen)
		rv = MPC_EDECODE;
	if (rv == 0) {
		memcpy(raw, orig, head);
		raw[head] = (uint8_t) (plen >> 24);
		raw[head + 1] = (uint8_t) (plen >> 16);
		raw[head + 2] = (uint8_t) (plen >> 8);
		raw[head + 3] = (uint8_t) plen;
		memcpy(raw + head + 4, p2p, plen);
		memset(&none, 0, sizeof(none));
		*outlen = head + 4 + plen + SM_SIG_BYTES;
		rv = sm_msg_resign(raw, *outlen, sm->sign_sk, &none, 0);
		*out = raw;
	}
	if (p2p != NULL)
		lk_free_wipe(p2p, plen);
	r2p_clear(&tw);
	mpz_clears(beta, betah, rF, rFh, NULL);
	return rv;
}

/* Round 3: Gamma, Delta_i, delta_i, chi_i, S^_i and psi''. */
static int
make_r3(struct mpc_sm *sm)
{
	struct ps_st *st = sm->st;
	const struct mpc_paillier_pk *own = pk_at(sm, sm->me);
	const struct mpc_paillier_sk *sk = st->aux->sk;
	struct mpc_scalar d, c, a;
	struct mpc_zk_sess s;
	mpz_t al;
	uint32_t j;
	int rv = 0;

	mpz_init(al);
	st->Gamma = st->r2.Gamma;
	for (j = 0; j < sm->np; j++) {
		if (j == sm->me)
			continue;
		if ((rv = mpc_point_add_var(sm->ctx, &st->Gamma, &st->Gamma,
		         &((const struct r2_bc *) sm->in[2][j].bc)->Gamma))
		    != 0)
			goto out;
	}
	if (mpc_point_is_identity(&st->Gamma)) {
		rv = MPC_EPOINT;
		goto out;
	}
	if ((rv = mpc_point_mul(sm->ctx, &st->r3.Delta, &st->kk, &st->Gamma))
	    != 0)
		goto out;
	mpc_scalar_mul(&d, &st->gg, &st->kk);
	mpc_scalar_mul(&c, &st->xs, &st->kk);
	for (j = 0; j < sm->np; j++) {
		const struct r2_p2p *in;
		if (j == sm->me)
			continue;
		in = sm->in[2][j].p2p;
		/* alpha_ij = Dec(D_ij), beta_ji: delta_i += alpha + beta */
		if ((rv = mpc_paillier_decrypt(sk, al, in->D)) != 0)
			goto out;
		mpc_scalar_from_mpz(&a, al);
		mpc_scalar_add(&d, &d, &a);
		mpc_scalar_from_mpz(&a, st->beta[j]);
		mpc_scalar_add(&d, &d, &a);
		if ((rv = mpc_paillier_decrypt(sk, al, in->Dh)) != 0)
			goto out;
		mpc_scalar_from_mpz(&a, al);
		mpc_scalar_add(&c, &c, &a);
		mpc_scalar_from_mpz(&a, st->betah[j]);
		mpc_scalar_add(&c, &c, &a);
	}
	st->r3.delta = d;
	MPC_DECLASSIFY(&st->r3.delta, sizeof(st->r3.delta));
	st->chi = c;
	if ((rv = mpc_point_mul(sm->ctx, &st->r3.Shat, &st->chi, &st->Gamma))
	    != 0)
		goto out;
	if (sm->fault != 0) { /* tests only: a consistently wrong party */
		struct mpc_scalar one;
		struct mpc_point G;
		mpc_scalar_set_u64(&one, 1);
		if (sm->fault == FAULT_DELTA)
			mpc_scalar_add(&st->r3.delta, &st->r3.delta, &one);
		if (sm->fault == FAULT_SHAT
		    && ((rv = mpc_point_mul_base(sm->ctx, &G, &one)) != 0
		        || (rv = mpc_point_add_var(
		                sm->ctx, &st->r3.Shat, &st->r3.Shat, &G))
		            != 0))
			goto out;
	}
	for (j = 0; j < MPC_MAX_PARTIES; j++)
		mpc_zk_logstar_proof_init(&st->r3p[j].psill);
	st->r3p_init = 1;
	sess(&s, sm, sm->self, "R3/log");
	for (j = 0; j < sm->np && rv == 0; j++) {
		if (j == sm->me)
			continue;
		rv = mpc_zk_logstar_prove(sm->ctx, &st->r3p[j].psill, &s,
		    MPC_ZK_RANGE_ELL, rp_at(sm, j), own, st->r1.K,
		    &st->r3.Delta, &st->Gamma, st->k, st->rho);
	}
out:
	mpz_clear(al);
	mpc_scalar_clear(&d);
	mpc_scalar_clear(&c);
	mpc_scalar_clear(&a);
	return rv;
}

static void
set_repub(struct mpc_sm *sm, struct repub *rp)
{
	uint32_t j;

	for (j = 0; j < sm->np; j++) {
		uint32_t k;
		if (j == sm->me)
			continue;
		k = peer_slot(sm->me, j);
		rp[k].recv = sm_received(sm, 2, j, &rp[k].recvlen);
		rp[k].sent = sm_sent(sm, 2, j, &rp[k].sentlen);
	}
}

/* Round 5: open the burned presignature's gamma-MtA. */
static int
make_r5(struct mpc_sm *sm)
{
	struct ps_st *st = sm->st;
	const struct mpc_paillier_sk *sk = st->aux->sk;
	uint32_t j;
	int rv;

	r5_init(&st->r5);
	st->r5_init = 1;
	st->r5.k = st->kk;
	st->r5.gamma = st->gg;
	mpz_set(st->r5.rho, st->rho);
	mpz_set(st->r5.nu, st->nu);
	for (j = 0; j < sm->np; j++) {
		uint32_t k;
		if (j == sm->me)
			continue;
		k = peer_slot(sm->me, j);
		if ((rv = mpc_paillier_decrypt_nonce(sk, st->r5.alpha[k],
		         st->r5.anonce[k],
		         ((const struct r2_p2p *) sm->in[2][j].p2p)->D))
		    != 0)
			return rv;
		mpz_set(st->r5.beta[k], st->beta[j]);
		mpz_set(st->r5.bnonce[k], st->rF[j]);
	}
	set_repub(sm, st->r5.rp);
	return 0;
}

/* Round 6: prove S^_i. */
static int
make_r6(struct mpc_sm *sm)
{
	struct ps_st *st = sm->st;
	const struct mpc_paillier_pk *own = pk_at(sm, sm->me);
	const struct mpc_paillier_sk *sk = st->aux->sk;
	struct mpc_zk_sess s;
	mpz_t rh, rhn, t1, C, inv, chi, cn;
	uint32_t j;
	int rv;

	mpz_inits(rh, rhn, t1, C, inv, chi, cn, NULL);
	mpz_init(st->r6.H);
	for (j = 0; j < MPC_MAX_PARTIES; j++)
		r6p_init(&st->r6p[j]);
	st->r6_init = 1;
	/* H^_i = (x'_i . K_i) * rho^N */
	if ((rv = mpc_paillier_mul(own, t1, st->r1.K, st->xp, MPC_ELL)) != 0
	    || (rv = mpc_paillier_nonce_gen(own, rh, rhn)) != 0)
		goto out;
	mpz_mul(st->r6.H, t1, rhn);
	mpz_mod(st->r6.H, st->r6.H, mpc_paillier_pk_n2(own));
	mpz_set(C, st->r6.H);
	for (j = 0; j < sm->np; j++) {
		if (j == sm->me)
			continue;
		mpz_mul(C, C, ((const struct r2_p2p *) sm->in[2][j].p2p)->Dh);
		mpz_mod(C, C, mpc_paillier_pk_n2(own));
		if (!mpz_invert(inv, st->r2p[j].Fh, mpc_paillier_pk_n2(own))) {
			rv = MPC_ENOTUNIT;
			goto out;
		}
		mpz_mul(C, C, inv);
		mpz_mod(C, C, mpc_paillier_pk_n2(own));
	}
	if ((rv = mpc_paillier_decrypt_nonce(sk, chi, cn, C)) != 0)
		goto out;
	for (j = 0; j < sm->np; j++) {
		if (j == sm->me)
			continue;
		sess(&s, sm, sm->self, "R6/mul");
		if ((rv = mpc_zk_mulstar_prove(sm->ctx, &st->r6p[j].mul, &s,
		         rp_at(sm, j), own, st->r1.K, st->r6.H, &st->Xp[sm->me],
		         st->xp, rh))
		    != 0)
			goto out;
		sess(&s, sm, sm->self, "R6/logw");
		if ((rv = mpc_zk_logstar_prove(sm->ctx, &st->r6p[j].logw, &s,
		         MPC_ZK_RANGE_WIDE, rp_at(sm, j), own, C, &st->r3.Shat,
		         &st->Gamma, chi, cn))
		    != 0)
			goto out;
	}
	set_repub(sm, st->r6.rp);
out:
	mpz_clears(rh, rhn, t1, C, inv, chi, cn, NULL);
	return rv;
}

static int
make_presig(struct mpc_sm *sm, const struct mpc_scalar *delta)
{
	struct ps_st *st = sm->st;
	struct mpc_presig *p;
	uint32_t j;
	int rv;

	if ((p = calloc(1, sizeof(*p))) == NULL)
		return MPC_ENOMEM;
	memcpy(p->pub.sid, sm->sid, MPC_SID_BYTES);
	memcpy(p->pub.key_id, st->ks->key_id, MPC_ID_BYTES);
	p->pub.epoch = st->ks->epoch;
	p->pub.t = sm->np;
	p->pub.X = st->ks->X;
	p->pub.Gamma = st->Gamma;
	p->pub.delta = *delta;
	for (j = 0; j < sm->np; j++) {
		const struct r3_bc *x = sm_bc(sm, 3, j);
		p->pub.signers[j] = sm->part[j];
		p->pub.Delta[j] = x->Delta;
		p->pub.Shat[j] = x->Shat;
	}
	if ((rv = presig_pub_finalize(sm->ctx, &p->pub)) != 0) {
		lk_free_wipe(p, sizeof(*p));
		return rv;
	}
	presig_pub_compute_id(&p->pub);
	p->signer = sm->self;
	p->k = st->kk;
	p->chi = st->chi;
	st->out = p;
	return 0;
}

/* The blame rounds check each signer's republished round-2 messages on
 * their own. The message j -> a appears twice: as what a received and as
 * what j sent. Each copy carries j's valid signature for that slot, so two
 * different copies are j's equivocation (j showed a one message and
 * everyone another, and both openings can hold). */
static const struct repub *
repub_of(struct mpc_sm *sm, uint8_t round, uint32_t pos)
{
	const void *bc = sm_bc(sm, round, pos);

	return round == 5 ? ((const struct r5_bc *) bc)->rp
	                  : ((const struct r6_bc *) bc)->rp;
}

static int
cross_check_repub(struct mpc_sm *sm, uint8_t round, struct mpc_blame *b)
{
	const struct repub *ra, *rj, *x, *y;
	uint32_t a, j;

	if (round != 5 && round != 6)
		return 0;
	for (a = 0; a < sm->np; a++) {
		ra = repub_of(sm, round, a);
		for (j = 0; j < sm->np; j++) {
			if (j == a)
				continue;
			rj = repub_of(sm, round, j);
			x = &ra[peer_slot(a, j)]; /* j -> a, as a received it */
			y = &rj[peer_slot(j, a)]; /* j -> a, as j sent it */
			if (x->recvlen != y->sentlen
			    || memcmp(x->recv, y->sent, x->recvlen) != 0)
				return sm_blame(
				    b, sm->part[j], MPC_BLAME_EQUIVOCATION, 2);
		}
	}
	return 0;
}

static int
ps_finish(struct mpc_sm *sm, uint8_t round, uint8_t *next, struct mpc_blame *b)
{
	struct ps_st *st = sm->st;
	struct mpc_point D, P;
	struct mpc_scalar delta;
	uint32_t j;
	int rv;

	switch (round) {
	case 1:
		*next = 2;
		return make_r2(sm);
	case 2:
		*next = 3;
		return make_r3(sm);
	case 3:
		*next = 4;
		return 0;
	case 4:
		break;
	default:
		/* every opening and proof held on its own; a pair can still
		 * disagree on one round-2 message (its sender signed two) */
		if ((rv = cross_check_repub(sm, round, b)) != 0)
			return rv;
		return sm_blame(
		    b, MPC_PARTY_NONE, MPC_BLAME_INCONSISTENT, round);
	}
	/* delta*G == sum Delta_j */
	mpc_scalar_set_u64(&delta, 0);
	mpc_point_set_identity(&D);
	for (j = 0; j < sm->np; j++) {
		const struct r3_bc *x = sm_bc(sm, 3, j);
		mpc_scalar_add(&delta, &delta, &x->delta);
		if ((rv = mpc_point_add_var(sm->ctx, &D, &D, &x->Delta)) != 0)
			return rv;
	}
	if ((rv = mpc_point_mul_base(sm->ctx, &P, &delta)) != 0)
		return rv;
	if (mpc_scalar_is_zero(&delta) || !mpc_point_eq_var(&P, &D)) {
		*next = 5;
		return make_r5(sm);
	}
	/* sum S^_j == delta*X */
	mpc_point_set_identity(&D);
	for (j = 0; j < sm->np; j++)
		if ((rv = mpc_point_add_var(sm->ctx, &D, &D,
		         &((const struct r3_bc *) sm_bc(sm, 3, j))->Shat))
		    != 0)
			return rv;
	if ((rv = mpc_point_mul_var(sm->ctx, &P, &delta, &st->ks->X)) != 0)
		return rv;
	if (!mpc_point_eq_var(&P, &D)) {
		*next = 6;
		return make_r6(sm);
	}
	*next = 0;
	return make_presig(sm, &delta);
}

static void
ps_free(struct mpc_sm *sm)
{
	struct ps_st *st = sm->st;
	uint32_t j;

	if (st == NULL)
		return;
	mpz_clears(st->xp, st->k, st->gamma, st->rho, st->nu, NULL);
	mpz_clears(st->r1.K, st->r1.G, NULL);
	for (j = 0; j < MPC_MAX_PARTIES; j++) {
		mpz_clears(
		    st->beta[j], st->betah[j], st->rF[j], st->rFh[j], NULL);
		mpc_zk_enc_proof_clear(&st->r1p[j].enc);
		if (st->r2p_init)
			r2p_clear(&st->r2p[j]);
		if (st->r3p_init)
			mpc_zk_logstar_proof_clear(&st->r3p[j].psill);
		if (st->r6_init)
			r6p_clear(&st->r6p[j]);
	}
	if (st->r5_init)
		r5_clear(&st->r5);
	if (st->r6_init)
		mpz_clear(st->r6.H);
	mpc_presig_free(st->out);
	lk_free_wipe(st, sizeof(*st));
	sm->st = NULL;
}

const struct sm_ops presign_ops = { MPC_KIND_PRESIGN, 6, ps_sections, ps_parse,
	ps_encode, ps_part_free, ps_own, ps_check, ps_finish, ps_free };

int
mpc_presign_new(struct mpc_ctx *ctx, struct mpc_sm **out,
    const struct mpc_cluster *cl, const struct mpc_self *me,
    const struct mpc_keyshare *ks, struct mpc_aux *aux, const uint32_t *signers,
    size_t nsigners, const uint8_t *label, size_t label_len)
{
	uint8_t extra[2 * MPC_ID_BYTES + 12 + MPC_POINT_BYTES];
	const struct mpc_paillier_pk *own;
	struct mpc_scalar lam;
	struct mpc_zk_sess s;
	struct mpc_point sum;
	struct ps_st *st;
	struct mpc_sm *sm;
	uint32_t j;
	int rv;

	ARG_CHECK(out != NULL);
	*out = NULL;
	ARG_CHECK(ctx != NULL && cl != NULL && me != NULL && ks != NULL
	    && aux != NULL && signers != NULL);
	ARG_CHECK(ks->n == cl->n && aux->n == cl->n && ks->index == me->index
	    && aux->index == me->index && nsigners == ks->t);
	/* the session is bound to the key, its epoch, the aux info and (by
	 * sm_init) the signer set */
	memcpy(extra, ks->key_id, MPC_ID_BYTES);
	for (j = 0; j < 8; j++)
		extra[MPC_ID_BYTES + j] = (uint8_t) (ks->epoch >> (56 - 8 * j));
	extra[MPC_ID_BYTES + 8] = (uint8_t) (ks->t >> 24);
	extra[MPC_ID_BYTES + 9] = (uint8_t) (ks->t >> 16);
	extra[MPC_ID_BYTES + 10] = (uint8_t) (ks->t >> 8);
	extra[MPC_ID_BYTES + 11] = (uint8_t) ks->t;
	memcpy(extra + MPC_ID_BYTES + 12, aux->id, MPC_ID_BYTES);
	mpc_point_encode(extra + 2 * MPC_ID_BYTES + 12, &ks->X);
	if ((rv = sm_init(&sm, &presign_ops, ctx, cl, me, (uint32_t) nsigners,
	         signers, nsigners, label, label_len, extra, sizeof(extra)))
	    != 0)
		return rv;
	if ((st = calloc(1, sizeof(*st))) == NULL) {
		mpc_sm_free(sm);
		return MPC_ENOMEM;
	}
	sm->st = st;
	st->ks = ks;
	st->aux = aux;
	mpz_inits(st->xp, st->k, st->gamma, st->rho, st->nu, NULL);
	mpz_inits(st->r1.K, st->r1.G, NULL);
	for (j = 0; j < MPC_MAX_PARTIES; j++) {
		mpz_inits(
		    st->beta[j], st->betah[j], st->rF[j], st->rFh[j], NULL);
		mpc_zk_enc_proof_init(&st->r1p[j].enc);
	}
	/* Lagrange: x'_j = lambda_j x_j, X'_j = lambda_j X_j, sum X'_j = X */
	mpc_point_set_identity(&sum);
	for (j = 0; j < sm->np; j++) {
		lagrange0(&lam, sm->part[j], sm->part, sm->np);
		if ((rv = mpc_point_mul_var(
		         ctx, &st->Xp[j], &lam, &ks->Xj[sm->part[j]]))
		        != 0
		    || (rv = mpc_point_add_var(ctx, &sum, &sum, &st->Xp[j]))
		        != 0)
			goto fail;
		if (j == sm->me)
			mpc_scalar_mul(&st->xs, &lam, &ks->x);
	}
	if (!mpc_point_eq_var(&sum, &ks->X)) {
		rv = MPC_EMISMATCH;
		goto fail;
	}
	mpc_scalar_to_mpz(st->xp, &st->xs);
	/* round 1 */
	own = aux_pk(aux, me->index);
	mpc_scalar_random(&st->kk);
	mpc_scalar_random(&st->gg);
	mpc_scalar_to_mpz(st->k, &st->kk);
	mpc_scalar_to_mpz(st->gamma, &st->gg);
	if ((rv = mpc_paillier_encrypt(own, st->r1.K, st->rho, st->k)) != 0
	    || (rv = mpc_paillier_encrypt(own, st->r1.G, st->nu, st->gamma))
	        != 0)
		goto fail;
	sess(&s, sm, me->index, "R1/enc");
	for (j = 0; j < sm->np; j++) {
		if (j == sm->me)
			continue;
		if ((rv = mpc_zk_enc_prove(ctx, &st->r1p[j].enc, &s,
		         rp_at(sm, j), own, st->r1.K, st->k, st->rho))
		    != 0)
			goto fail;
	}
	if ((rv = sm_start(sm)) != 0)
		goto fail;
	*out = sm;
	return 0;
fail:
	mpc_sm_free(sm);
	return rv;
}

int
mpc_sm_take_presig(struct mpc_sm *sm, struct mpc_presig **out)
{
	struct ps_st *st;

	ARG_CHECK(sm != NULL && out != NULL);
	*out = NULL;
	if (sm->status != MPC_SM_DONE || sm->taken
	    || sm->kind != MPC_KIND_PRESIGN)
		return MPC_ESTATE;
	st = sm->st;
	*out = st->out;
	st->out = NULL;
	sm->taken = 1;
	return 0;
}
