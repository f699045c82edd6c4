/* The malicious-party harness (harness.h). */
#include "harness.h"

#include <sys/wait.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <check.h>

#include "mpc_test.h"
static double
sim_wall(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double) ts.tv_sec + (double) ts.tv_nsec * 1e-9;
}

struct held {
	uint32_t to;
	uint8_t round;
	uint8_t *data;
	size_t len;
};

struct hold {
	uint32_t j;
	uint8_t from_round;
	struct held h[512];
	size_t n;
};

static int
hold_hook(void *arg, struct sim *s, uint32_t from, uint32_t to, uint8_t **data,
    size_t *len)
{
	struct hold *x = arg;
	uint8_t r;

	(void) s;
	if (from != x->j || *len < SM_HDR_BYTES)
		return 0;
	r = (*data)[2];
	if (r == SM_ROUND_COMPLAINT || r < x->from_round)
		return 0;
	ck_assert_uint_lt(x->n, LK_ARRAY_LEN(x->h));
	x->h[x->n].to = to;
	x->h[x->n].round = r;
	x->h[x->n].data = *data;
	x->h[x->n].len = *len;
	x->n++;
	*data = NULL;
	return 1;
}

static int
is_body(const struct sm_trace *tr, size_t f)
{
	return tr->kind[f] == TR_FIELD;
}

static uint8_t *
copy_bytes(const uint8_t *p, size_t n)
{
	uint8_t *d = malloc(n);

	ck_assert_ptr_nonnull(d);
	memcpy(d, p, n);
	return d;
}

/* Flips the last bit of field [off, off+len) and re-signs like j would. */
static void
flip(uint8_t *raw, size_t len, const struct sm_trace *tr, size_t f,
    const uint8_t *sk)
{
	raw[tr->off[f] + tr->len[f] - 1] ^= 1;
	if (tr->kind[f] == TR_SIG)
		return; /* a forged signature: nobody re-signs */
	ck_assert_int_eq(sm_msg_resign(raw, len, sk, tr,
	                     tr->bsig_off == 0 || tr->off[f] != tr->bsig_off),
	    0);
}

size_t
hx_corrupt_field(struct mpc_ctx *ctx, uint8_t kind, uint32_t np, uint32_t t,
    uint8_t *raw, size_t len, const uint8_t *sk, int index)
{
	struct sm_trace *tr = calloc(1, sizeof(*tr));
	size_t f, nb = 0, pick = (size_t) -1, off = (size_t) -1;
	uint8_t *re;
	size_t relen;

	ck_assert_ptr_nonnull(tr);
	ck_assert_int_eq(
	    sm_msg_roundtrip(ctx, kind, np, t, raw, len, &re, &relen, tr), 0);
	ck_assert_uint_eq(relen, len);
	ck_assert_mem_eq(re, raw, len);
	free(re);
	for (f = 0; f < tr->n; f++)
		nb += is_body(tr, f);
	if (index < 0 && (size_t) (-index) <= nb)
		index = (int) nb + index;
	for (f = 0, nb = 0; f < tr->n; f++)
		if (is_body(tr, f) && nb++ == (size_t) index)
			pick = f;
	if (pick != (size_t) -1) {
		off = tr->off[pick];
		flip(raw, len, tr, pick, sk);
	}
	free(tr);
	return off;
}

int
hx_tamper_hook(void *arg, struct sim *s, uint32_t from, uint32_t to,
    uint8_t **data, size_t *len)
{
	struct hx_tamper *x = arg;

	(void) s;
	(void) to;
	if (from != x->who || *len < SM_HDR_BYTES || (*data)[2] != x->round)
		return 0;
	if (hx_corrupt_field(
	        x->ctx, x->kind, x->np, x->t, *data, *len, x->sk, x->index)
	    != (size_t) -1)
		x->done++;
	return 0;
}

/* ---- the matrix ---- */

struct hx_case {
	size_t field; /* trace index in the message to the first receiver */
	int all; /* the same change in every copy */
};

/* What the honest parties must show. Returns NULL when fine. */
static const char *
judge(struct sim *s, const struct hx_proto *p, uint32_t j, int kind,
    uint32_t k0, char *why, size_t cap)
{
	struct mpc_blame b;
	size_t i;

	for (i = 0; i < p->np; i++) {
		uint32_t h = p->parts[i];
		int st = mpc_sm_status(s->sm[h]);
		if (h == j)
			continue;
		if ((kind == TR_SIG || kind == TR_ROUTE) && p->final_fails) {
			/* dropped, but j deviated anyway: only j may be named
			 */
			if (st == MPC_SM_FAILED) {
				mpc_sm_blame(s->sm[h], &b);
				if (b.party != j) {
					snprintf(why, cap, "party %u blames %u",
					    h, b.party);
					return why;
				}
			}
			continue;
		}
		if (kind == TR_SIG || kind == TR_ROUTE) {
			/* dropped: nobody may blame anyone; the receiver waits
			 * for j */
			if (st == MPC_SM_FAILED) {
				mpc_sm_blame(s->sm[h], &b);
				snprintf(why, cap,
				    "party %u failed (blame %u/%u) on an "
				    "unattributable change",
				    h, b.party, b.reason);
				return why;
			}
			if (h == k0
			    && (st != MPC_SM_RUNNING
			        || !(mpc_sm_waiting(s->sm[h]) & (1u << j))
			        || (s->last_rv[h] != MPC_EAUTH
			            && s->last_rv[h] != MPC_ESESSION))) {
				snprintf(why, cap,
				    "receiver %u: status %d, waiting %#x, rv "
				    "%d",
				    h, st, mpc_sm_waiting(s->sm[h]),
				    s->last_rv[h]);
				return why;
			}
			continue;
		}
		if (st != MPC_SM_FAILED) {
			snprintf(why, cap, "party %u status %d (round %u)", h,
			    st, mpc_sm_round(s->sm[h]));
			return why;
		}
		mpc_sm_blame(s->sm[h], &b);
		if (b.party != j) {
			snprintf(why, cap, "party %u blames %u (reason %u/%u)",
			    h, b.party, b.reason, b.check);
			return why;
		}
	}
	return NULL;
}

static int
run_case(struct sim *s, const struct hx_proto *p, struct hold *x, uint8_t r,
    const struct sm_trace *tr, const struct hx_case *c, uint32_t k0, char *why,
    size_t cap)
{
	const uint8_t *sk = s->self[x->j].sign_sk;
	const char *bad;
	size_t i;
	int kind = tr->kind[c->field];

	int pass, changed;

	/* The changed copies travel first and the rest after their effects
	 * (complaints) have spread: a valid schedule that saves the honest
	 * parties a round of proofs before they judge. A dropped message
	 * (signature, route) needs nothing else. */
	s->tamper = NULL;
	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < x->n; i++) {
			struct held *h = &x->h[i];
			uint8_t *d;
			changed = h->round == r
			    && (h->to == k0
			        || (c->all && tr->off[c->field] >= tr->bc_off
			            && tr->off[c->field]
			                < tr->bc_off + tr->bc_len));
			if (changed != (pass == 0))
				continue;
			d = copy_bytes(h->data, h->len);
			if (changed)
				flip(d, h->len, tr, c->field, sk);
			ck_assert_int_eq(
			    sim_inject(s, x->j, h->to, d, h->len), 0);
		}
		ck_assert_int_eq(sim_run(s), 0);
		if (kind == TR_SIG || kind == TR_ROUTE)
			break;
	}
	bad = judge(s, p, x->j, kind, k0, why, cap);
	return bad == NULL ? 0 : 1;
}

void
hx_run(struct sim *s, const struct hx_proto *p, uint32_t j, size_t stride,
    struct hx_stats *st)
{
	struct hold *x = calloc(1, sizeof(*x));
	struct sm_trace *tr = calloc(1, sizeof(*tr));
	uint8_t r;
	size_t i, f;

	ck_assert_ptr_nonnull(x);
	ck_assert_ptr_nonnull(tr);
	memset(st, 0, sizeof(*st));
	sim_reset(s);
	x->j = j;
	x->from_round = 1;
	s->tamper = hold_hook;
	s->tamper_arg = x;
	for (i = 0; i < p->np; i++)
		ck_assert_int_eq(
		    p->create(p->arg, s, p->parts[i], &s->sm[p->parts[i]]), 0);
	ck_assert_int_eq(sim_run(s), 0);

	for (r = 1; r <= SM_MAXR; r++) {
		struct held *m0 = NULL;
		uint8_t *re;
		size_t relen, nbody = 0, bi = 0;

		for (i = 0; i < x->n; i++)
			if (x->h[i].round == r && m0 == NULL)
				m0 = &x->h[i];
		if (m0 == NULL) { /* a round that does not happen */
			x->from_round = (uint8_t) (r + 1);
			continue;
		}
		if (r < p->min_round)
			goto release;
		ck_assert_int_eq(sm_msg_roundtrip(s->ctx, p->kind, p->np, p->t,
		                     m0->data, m0->len, &re, &relen, tr),
		    0);
		ck_assert_uint_eq(relen, m0->len);
		ck_assert_mem_eq(re, m0->data, relen);
		free(re);
		for (f = 0; f < tr->n; f++)
			nbody += is_body(tr, f);
		for (f = 0; f < tr->n; f++) {
			int in_bc = tr->off[f] >= tr->bc_off
			    && tr->off[f] < tr->bc_off + tr->bc_len;
			int mode;
			if (is_body(tr, f)) {
				size_t k = bi++;
				if (stride > 1 && k % stride != 0
				    && k + 1 != nbody)
					continue;
			}
			for (mode = 0; mode < 2; mode++) {
				struct hx_case c = { f, mode };
				char why[256];
				pid_t pid;
				int status;
				if (mode == 1 && (!in_bc || p->np <= 2))
					continue;
				if (mode == 0 && in_bc && p->bc_all_only
				    && p->np > 2 && is_body(tr, f))
					continue;
				double t0 = sim_wall();
				fflush(NULL);
				pid = fork();
				ck_assert_int_ge(pid, 0);
				if (pid == 0) {
					int bad = run_case(s, p, x, r, tr, &c,
					    m0->to, why, sizeof(why));
					if (bad)
						fprintf(stderr,
						    "harness: kind %u round %u "
						    "field %zu (off %u len %u "
						    "kind %u) all %d: %s\n",
						    p->kind, r, f, tr->off[f],
						    tr->len[f], tr->kind[f],
						    mode, why);
					_exit(bad);
				}
				ck_assert_int_eq(waitpid(pid, &status, 0), pid);
				if (getenv("HX_VERBOSE") != NULL)
					fprintf(stderr,
					    "hx r%u f%zu k%u all%d %.2fs\n", r,
					    f, tr->kind[f], mode,
					    sim_wall() - t0);
				ck_assert_msg(WIFEXITED(status)
				        && WEXITSTATUS(status) == 0,
				    "harness case failed: kind %u round %u "
				    "field %zu kind %u all %d (status %#x)",
				    p->kind, r, f, tr->kind[f], mode, status);
				st->cases++;
				st->per_round[r]++;
				if (tr->kind[f] == TR_SIG
				    || tr->kind[f] == TR_ROUTE)
					st->dropped++;
				else
					st->blamed++;
			}
		}
	release:
		/* release the round honestly and hold the next */
		s->tamper = hold_hook;
		x->from_round = (uint8_t) (r + 1);
		for (i = 0; i < x->n;) {
			if (x->h[i].round == r) {
				ck_assert_int_eq(sim_inject(s, j, x->h[i].to,
				                     x->h[i].data, x->h[i].len),
				    0);
				x->h[i] = x->h[--x->n];
			} else {
				i++;
			}
		}
		ck_assert_int_eq(sim_run(s), 0);
	}
	/* the honest run ends well */
	for (i = 0; i < x->n; i++)
		ck_assert_int_eq(
		    sim_inject(s, j, x->h[i].to, x->h[i].data, x->h[i].len), 0);
	x->n = 0;
	s->tamper = NULL;
	ck_assert_int_eq(sim_run(s), 0);
	if (p->final_fails) {
		char why[256];
		ck_assert_msg(
		    judge(s, p, j, TR_FIELD, MPC_PARTY_NONE, why, sizeof(why))
		        == NULL,
		    "%s", why);
	} else {
		ck_assert(sim_all_done(s));
	}
	free(tr);
	free(x);
}
