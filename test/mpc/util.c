/* Test fixtures for mpc/: prime files and lazily built party keys. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mpc_test.h"

static const uint8_t sid_bytes[] = "test-session-0001";
const struct mpc_zk_sess tmpc_sess
    = { sid_bytes, sizeof(sid_bytes) - 1, 1, NULL, 0 };

size_t
tmpc_load_primes(const char *file, const char *name, mpz_t *out, size_t n)
{
	const char *dir = getenv("MPC_VECTORS");
	char path[512], line[4096];
	size_t got = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir ? dir : "test/vectors", file);
	f = fopen(path, "r");
	ck_assert_msg(f != NULL, "cannot open %s", path);
	while (got < n && fgets(line, sizeof(line), f) != NULL) {
		char *p = line, *nl;

		if (line[0] == '#' || line[0] == '\n')
			continue;
		if ((nl = strchr(line, '\n')) != NULL)
			*nl = 0;
		if (name != NULL) {
			size_t l = strlen(name);
			if (strncmp(line, name, l) != 0 || line[l] != ' ')
				continue;
			p = line + l + 1;
		}
		ck_assert_int_eq(mpz_set_str(out[got], p, 16), 0);
		got++;
	}
	fclose(f);
	return got;
}

static struct tmpc_party parties[TMPC_PARTIES];
static int built[TMPC_PARTIES];
static struct mpc_ctx *ctx;

struct mpc_ctx *
tmpc_ctx(void)
{
	if (ctx == NULL)
		ck_assert_int_eq(mpc_ctx_new(&ctx), 0);
	return ctx;
}

struct tmpc_party *
tmpc_party(size_t i)
{
	struct tmpc_party *pt = &parties[i];
	mpz_t pr[2 * TMPC_PARTIES];
	size_t k;

	ck_assert_uint_lt(i, TMPC_PARTIES);
	if (built[i])
		return pt;
	for (k = 0; k < 2 * TMPC_PARTIES; k++)
		mpz_init(pr[k]);
	ck_assert_uint_eq(tmpc_load_primes("mpc_safe_primes_1536.txt", NULL, pr,
	                      2 * TMPC_PARTIES),
	    2 * TMPC_PARTIES);
	ck_assert_int_eq(
	    mpc_paillier_sk_from_primes(&pt->sk, pr[2 * i], pr[2 * i + 1]), 0);
	ck_assert_int_eq(mpc_paillier_sk_precompute(pt->sk), 0);
	pt->pk = mpc_paillier_sk_pk(pt->sk);
	ck_assert_int_eq(
	    mpc_paillier_pk_new(&pt->pk_peer, mpc_paillier_pk_n(pt->pk)), 0);
	ck_assert_int_eq(mpc_rped_gen(&pt->rp_own, pt->sk), 0);
	ck_assert_int_eq(mpc_rped_new(&pt->rp_peer, mpc_rped_n(pt->rp_own),
	                     mpc_rped_s(pt->rp_own), mpc_rped_t(pt->rp_own)),
	    0);
	ck_assert_int_eq(mpc_rped_precompute(pt->rp_peer), 0);
	ck_assert_int_eq(mpc_rped_precompute(pt->rp_own), 0);
	for (k = 0; k < 2 * TMPC_PARTIES; k++)
		mpz_clear(pr[k]);
	built[i] = 1;
	return pt;
}
