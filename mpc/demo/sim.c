/* The in-process network of mpc-demo and the tests (sim.h). */
#include "sim.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

double
sim_cpu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double) ts.tv_sec + (double) ts.tv_nsec * 1e-9;
}

void
sim_charge(struct sim *s, uint32_t i, double since)
{
	s->cpu[i] += sim_cpu_now() - since;
}

int
sim_init(struct sim *s, struct mpc_ctx *ctx, uint32_t n, uint64_t seed,
    uint64_t rng_seed)
{
	uint8_t ks[crypto_sign_SEEDBYTES];
	uint32_t i;

	memset(s, 0, sizeof(*s));
	if (n < 1 || n > MPC_MAX_PARTIES)
		return MPC_EINVAL;
	s->ctx = ctx;
	s->n = n;
	s->cl.n = n;
	s->rng = rng_seed;
	for (i = 0; i < n; i++) {
		/* reproducible message keys: seed || i */
		memset(ks, 0, sizeof(ks));
		memcpy(ks, &seed, sizeof(seed));
		ks[31] = (uint8_t) i;
		crypto_sign_seed_keypair(
		    s->cl.sign_pk[i], s->self[i].sign_sk, ks);
		s->self[i].index = i;
	}
	sodium_memzero(ks, sizeof(ks));
	return 0;
}

void
sim_reset(struct sim *s)
{
	uint32_t i;

	for (i = 0; i < MPC_MAX_PARTIES; i++) {
		mpc_sm_free(s->sm[i]);
		s->sm[i] = NULL;
		s->last_rv[i] = 0;
	}
	for (; s->qhead < s->qn; s->qhead++)
		free(s->q[s->qhead].data);
	s->qhead = s->qn = 0;
}

void
sim_clear(struct sim *s)
{
	sim_reset(s);
	free(s->q);
	sodium_memzero(s->self, sizeof(s->self));
	s->q = NULL;
	s->qcap = 0;
}

static int
push(struct sim *s, uint32_t from, uint32_t to, uint8_t *data, size_t len)
{
	if (s->qhead > 0 && s->qhead == s->qn)
		s->qhead = s->qn = 0;
	if (s->qn == s->qcap) {
		size_t cap = s->qcap ? 2 * s->qcap : 64;
		struct sim_item *q = realloc(s->q, cap * sizeof(*q));
		if (q == NULL)
			return MPC_ENOMEM;
		s->q = q;
		s->qcap = cap;
	}
	s->q[s->qn].from = from;
	s->q[s->qn].to = to;
	s->q[s->qn].data = data;
	s->q[s->qn].len = len;
	s->qn++;
	return 0;
}

int
sim_collect(struct sim *s, uint32_t i)
{
	struct mpc_msg m;
	uint8_t *d;
	size_t l;
	int rv;

	if (s->sm[i] == NULL)
		return 0;
	while (mpc_sm_next(s->sm[i], &m) == 0) {
		s->bytes[i] += m.len;
		s->msgs[i]++;
		/* the simulator owns a plain copy (a test network) */
		if ((d = malloc(m.len)) == NULL) {
			mpc_msg_clear(&m);
			return MPC_ENOMEM;
		}
		memcpy(d, m.data, m.len);
		l = m.len;
		mpc_msg_clear(&m);
		if (s->tamper != NULL
		    && s->tamper(s->tamper_arg, s, i, m.to, &d, &l) != 0) {
			free(d);
			continue;
		}
		if ((rv = push(s, i, m.to, d, l)) != 0) {
			free(d);
			return rv;
		}
	}
	return 0;
}

int
sim_inject(struct sim *s, uint32_t from, uint32_t to, uint8_t *data, size_t len)
{
	int rv = push(s, from, to, data, len);

	if (rv != 0)
		free(data);
	return rv;
}

static uint64_t
xorshift(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

int
sim_run(struct sim *s)
{
	struct sim_item it;
	uint32_t i;
	double t0;
	int rv;

	for (i = 0; i < s->n; i++)
		if ((rv = sim_collect(s, i)) != 0)
			return rv;
	while (s->qhead < s->qn) {
		if (s->rng != 0) {
			size_t k = s->qhead
			    + (size_t) (xorshift(&s->rng) % (s->qn - s->qhead));
			it = s->q[k];
			s->q[k] = s->q[s->qhead];
		} else {
			it = s->q[s->qhead];
		}
		s->qhead++;
		s->delivered++;
		if (it.to < s->n && s->sm[it.to] != NULL) {
			t0 = sim_cpu_now();
			rv = mpc_sm_feed(
			    s->sm[it.to], it.from, it.data, it.len);
			sim_charge(s, it.to, t0);
			if (rv != 0)
				s->last_rv[it.to] = rv;
			if (rv == MPC_ENOMEM) {
				free(it.data);
				return rv;
			}
			if ((rv = sim_collect(s, it.to)) != 0) {
				free(it.data);
				return rv;
			}
		}
		free(it.data);
	}
	return 0;
}

int
sim_all_done(const struct sim *s)
{
	uint32_t i;

	for (i = 0; i < s->n; i++)
		if (s->sm[i] != NULL && mpc_sm_status(s->sm[i]) != MPC_SM_DONE)
			return 0;
	return 1;
}

static int
finish(struct sim *s)
{
	int rv;

	if ((rv = sim_run(s)) != 0)
		return rv;
	return sim_all_done(s) ? 0 : MPC_EABORT;
}

int
sim_dkg(struct sim *s, uint32_t t, const char *label, struct mpc_keyshare **ks)
{
	uint32_t i;
	double t0;
	int rv = 0;

	sim_reset(s);
	for (i = 0; i < s->n && rv == 0; i++) {
		t0 = sim_cpu_now();
		rv = mpc_dkg_new(s->ctx, &s->sm[i], &s->cl, &s->self[i], t,
		    (const uint8_t *) label, strlen(label));
		sim_charge(s, i, t0);
	}
	if (rv == 0)
		rv = finish(s);
	for (i = 0; i < s->n && rv == 0; i++)
		rv = mpc_sm_take_keyshare(s->sm[i], &ks[i]);
	sim_reset(s);
	return rv;
}

int
sim_refresh(struct sim *s, struct mpc_keyshare *const *ks, const char *label,
    struct mpc_keyshare **out)
{
	uint32_t i;
	double t0;
	int rv = 0;

	sim_reset(s);
	for (i = 0; i < s->n && rv == 0; i++) {
		t0 = sim_cpu_now();
		rv = mpc_refresh_new(s->ctx, &s->sm[i], &s->cl, &s->self[i],
		    ks[i], (const uint8_t *) label, strlen(label));
		sim_charge(s, i, t0);
	}
	if (rv == 0)
		rv = finish(s);
	for (i = 0; i < s->n && rv == 0; i++)
		rv = mpc_sm_take_keyshare(s->sm[i], &out[i]);
	sim_reset(s);
	return rv;
}

int
sim_aux(struct sim *s, struct mpc_paillier_sk **sks, const char *label,
    struct mpc_aux **aux)
{
	uint32_t i;
	double t0;
	int rv = 0;

	sim_reset(s);
	for (i = 0; i < s->n; i++) {
		if (rv != 0) {
			mpc_paillier_sk_free(sks[i]);
			continue;
		}
		t0 = sim_cpu_now();
		rv = mpc_aux_new(s->ctx, &s->sm[i], &s->cl, &s->self[i], sks[i],
		    (const uint8_t *) label, strlen(label));
		sim_charge(s, i, t0);
	}
	if (rv == 0)
		rv = finish(s);
	for (i = 0; i < s->n && rv == 0; i++)
		rv = mpc_sm_take_aux(s->sm[i], &aux[i]);
	sim_reset(s);
	return rv;
}

int
sim_presign(struct sim *s, struct mpc_keyshare *const *ks,
    struct mpc_aux *const *aux, const uint32_t *signers, size_t t,
    const char *label, struct mpc_presig **out)
{
	size_t k;
	double t0;
	int rv = 0;

	sim_reset(s);
	for (k = 0; k < t && rv == 0; k++) {
		uint32_t i = signers[k];
		t0 = sim_cpu_now();
		rv = mpc_presign_new(s->ctx, &s->sm[i], &s->cl, &s->self[i],
		    ks[i], aux[i], signers, t, (const uint8_t *) label,
		    strlen(label));
		sim_charge(s, i, t0);
	}
	if (rv == 0)
		rv = finish(s);
	for (k = 0; k < t && rv == 0; k++)
		rv = mpc_sm_take_presig(s->sm[signers[k]], &out[k]);
	sim_reset(s);
	return rv;
}

int
sim_sign(struct sim *s, struct mpc_presig *const *ps,
    struct mpc_keyshare *const *ks, const uint32_t *signers, size_t t,
    const uint8_t hash[32], const struct mpc_derivation *d,
    struct mpc_signature *sig, struct mpc_blame *blame)
{
	struct mpc_partial parts[MPC_MAX_PARTIES];
	struct mpc_presig_token tok;
	uint8_t key_id[MPC_ID_BYTES];
	size_t k;
	double t0;
	int rv;

	for (k = 0; k < t; k++) {
		uint32_t i = signers[k];
		t0 = sim_cpu_now();
		rv = mpc_presig_consume(ps[k], ks[i], &tok);
		if (rv == 0)
			rv = mpc_sign_partial(&parts[k], &tok, hash, d);
		mpc_presig_token_clear(&tok);
		sim_charge(s, i, t0);
		if (rv != 0)
			return rv;
	}
	mpc_keyshare_key_id(ks[signers[0]], key_id);
	return mpc_combine(s->ctx, sig, blame, mpc_presig_public(ps[0]), key_id,
	    mpc_keyshare_epoch(ks[signers[0]]), hash, d, parts, t);
}
