/* Paillier: keys from fixtures, modulus validation, encryption/decryption
 * with and without CRT, homomorphic operations, nonce recovery,
 * ciphertext validation, precomputed nonces and encodings. */
#include <check.h>

#include "../../mpc/src/mpc_int.h"
#include "mpc_test.h"

Suite *paillier_suite(void);

static void
setup_keys(void)
{
	(void) tmpc_party(0);
	(void) tmpc_party(1);
}

START_TEST(key_construction_rules)
{
	mpz_t pr[4], misc[2], n, t;
	struct mpc_paillier_sk *sk;
	struct mpc_paillier_pk *pk;
	int i;

	mpz_inits(n, t, NULL);
	for (i = 0; i < 4; i++)
		mpz_init(pr[i]);
	for (i = 0; i < 2; i++)
		mpz_init(misc[i]);
	ck_assert_uint_eq(
	    tmpc_load_primes("mpc_safe_primes_1536.txt", NULL, pr, 2), 2);
	ck_assert_int_eq(
	    mpc_paillier_sk_from_primes(&sk, pr[0], pr[0]), MPC_EMODULUS);
	ck_assert_uint_eq(
	    tmpc_load_primes("mpc_primes_misc.txt", "prime1536_1mod4", misc, 2),
	    2);
	ck_assert_int_eq(mpc_paillier_sk_from_primes(&sk, misc[0], pr[1]),
	    MPC_EMODULUS); /* p = 1 mod 4 */
	ck_assert_uint_eq(
	    tmpc_load_primes("mpc_safe_primes_256.txt", NULL, pr + 2, 2), 2);
	ck_assert_int_eq(mpc_paillier_sk_from_primes(&sk, pr[2], pr[3]),
	    MPC_EMODULUS); /* too small */
	mpz_add_ui(t, pr[1], 4); /* = 3 mod 4, right size, not prime */
	ck_assert_int_eq(
	    mpc_paillier_sk_from_primes(&sk, pr[0], t), MPC_EPRIME);
	ck_assert(sk == NULL);

	/* peer moduli */
	mpz_mul(n, pr[0], pr[1]);
	ck_assert_int_eq(mpc_paillier_pk_new(&pk, n), 0);
	ck_assert(!mpc_paillier_pk_is_own(pk));
	mpc_paillier_pk_free(pk);
	mpz_add_ui(t, n, 1); /* even */
	ck_assert_int_eq(mpc_paillier_pk_new(&pk, t), MPC_EMODULUS);
	mpz_fdiv_q_2exp(t, n, 2); /* 3070 bits */
	mpz_setbit(t, 0);
	ck_assert_int_eq(mpc_paillier_pk_new(&pk, t), MPC_EMODULUS);
	mpz_mul_2exp(t, n, 1); /* 3073 bits */
	mpz_add_ui(t, t, 1);
	ck_assert_int_eq(mpc_paillier_pk_new(&pk, t), MPC_EMODULUS);
	mpz_mul(t, pr[0], pr[0]); /* a square */
	ck_assert_int_eq(mpc_paillier_pk_new(&pk, t), MPC_EMODULUS);
	ck_assert_uint_eq(
	    tmpc_load_primes("mpc_primes_misc.txt", "prime3072", misc, 1), 1);
	ck_assert_int_eq(mpc_paillier_pk_new(&pk, misc[0]), MPC_EMODULUS);
	mpz_fdiv_q_ui(t, n, 65521); /* small factor 65521 */
	mpz_mul_ui(t, t, 65521);
	if (mpz_even_p(t))
		mpz_add_ui(t, t, 65521);
	ck_assert_int_eq(mpc_paillier_pk_new(&pk, t), MPC_EMODULUS);
	ck_assert(pk == NULL);
	for (i = 0; i < 4; i++)
		mpz_clear(pr[i]);
	for (i = 0; i < 2; i++)
		mpz_clear(misc[i]);
	mpz_clears(n, t, NULL);
}
END_TEST

START_TEST(encrypt_decrypt)
{
	struct tmpc_party *p = tmpc_party(0);
	mpz_t m, c, c2, rho, d, h;
	int i;

	mpz_inits(m, c, c2, rho, d, h, NULL);
	mpz_set(h, p->pk->nhalf);
	for (i = 0; i < 40; i++) {
		mpc_bn_random_bits(m, (size_t) (i * 79 % 3072));
		if (i & 1)
			mpz_neg(m, m);
		if (i == 0)
			mpz_set(m, h);
		if (i == 2)
			mpz_neg(m, h);
		if (i == 4)
			mpz_set_ui(m, 0);
		/* own key (CRT) and the peer's view give the same ciphertext
		 * for the same rho */
		ck_assert_int_eq(mpc_paillier_encrypt(p->pk, c, rho, m), 0);
		ck_assert_int_eq(mpc_paillier_ct_check(p->pk, c), 0);
		ck_assert_int_eq(
		    mpc_paillier_encrypt_with(p->pk_peer, c2, m, rho), 0);
		ck_assert(mpz_cmp(c, c2) == 0);
		ck_assert_int_eq(mpc_paillier_decrypt(p->sk, d, c), 0);
		ck_assert(mpz_cmp(d, m) == 0);
	}
	mpz_add_ui(m, h, 1);
	ck_assert_int_eq(mpc_paillier_encrypt(p->pk, c, rho, m), MPC_ERANGE);
	mpz_set_ui(rho, 0);
	mpz_set_ui(m, 5);
	ck_assert_int_eq(
	    mpc_paillier_encrypt_with(p->pk, c, m, rho), MPC_ENOTUNIT);
	mpz_clears(m, c, c2, rho, d, h, NULL);
}
END_TEST

START_TEST(homomorphic_ops)
{
	struct tmpc_party *p = tmpc_party(0);
	mpz_t a, b, ca, cb, r, d, ref, k;
	int i;

	mpz_inits(a, b, ca, cb, r, d, ref, k, NULL);
	for (i = 0; i < 12; i++) {
		mpc_bn_random_pm(a, 1000, NULL);
		mpc_bn_random_pm(b, 1000, NULL);
		mpc_bn_random_pm(k, 256, NULL);
		ck_assert_int_eq(
		    mpc_paillier_encrypt(p->pk_peer, ca, NULL, a), 0);
		ck_assert_int_eq(
		    mpc_paillier_encrypt(p->pk_peer, cb, NULL, b), 0);
		ck_assert_int_eq(mpc_paillier_add(p->pk_peer, r, ca, cb), 0);
		ck_assert_int_eq(mpc_paillier_decrypt(p->sk, d, r), 0);
		mpz_add(ref, a, b);
		ck_assert(mpz_cmp(d, ref) == 0);
		ck_assert_int_eq(
		    mpc_paillier_mul(p->pk_peer, r, ca, k, 257), 0);
		ck_assert_int_eq(mpc_paillier_decrypt(p->sk, d, r), 0);
		mpz_mul(ref, a, k);
		ck_assert(mpz_cmp(d, ref) == 0);
		ck_assert_int_eq(mpc_paillier_mul_var(p->pk, r, ca, k), 0);
		ck_assert_int_eq(mpc_paillier_decrypt(p->sk, d, r), 0);
		ck_assert(mpz_cmp(d, ref) == 0);
	}
	mpz_set_ui(k, 1);
	mpz_mul_2exp(k, k, 300);
	ck_assert_int_eq(mpc_paillier_mul(p->pk, r, ca, k, 256), MPC_ERANGE);
	mpz_clears(a, b, ca, cb, r, d, ref, k, NULL);
}
END_TEST

START_TEST(decrypt_recovers_nonce)
{
	struct tmpc_party *p = tmpc_party(1);
	mpz_t m, c, rho, d, rho2;
	int i;

	mpz_inits(m, c, rho, d, rho2, NULL);
	for (i = 0; i < 10; i++) {
		mpc_bn_random_pm(m, 1100, NULL);
		ck_assert_int_eq(
		    mpc_paillier_encrypt(p->pk_peer, c, rho, m), 0);
		ck_assert_int_eq(
		    mpc_paillier_decrypt_nonce(p->sk, d, rho2, c), 0);
		ck_assert(mpz_cmp(d, m) == 0);
		ck_assert(mpz_cmp(rho, rho2) == 0);
	}
	mpz_clears(m, c, rho, d, rho2, NULL);
}
END_TEST

START_TEST(ciphertext_validation)
{
	struct tmpc_party *p = tmpc_party(0);
	mpz_t c, d;

	mpz_inits(c, d, NULL);
	mpz_set_ui(c, 0);
	ck_assert_int_eq(mpc_paillier_ct_check(p->pk, c), MPC_ERANGE);
	ck_assert_int_eq(mpc_paillier_decrypt(p->sk, d, c), MPC_ERANGE);
	mpz_set(c, mpc_paillier_pk_n2(p->pk));
	ck_assert_int_eq(mpc_paillier_ct_check(p->pk, c), MPC_ERANGE);
	mpz_mul_ui(c, p->sk->p, 12345); /* shares the factor p */
	ck_assert_int_eq(mpc_paillier_ct_check(p->pk, c), MPC_ENOTUNIT);
	ck_assert_int_eq(mpc_paillier_decrypt(p->sk, d, c), MPC_ENOTUNIT);
	mpz_set(c, mpc_paillier_pk_n(p->pk));
	ck_assert_int_eq(mpc_paillier_ct_check(p->pk, c), MPC_ENOTUNIT);
	mpz_clears(c, d, NULL);
}
END_TEST

struct nonce_box {
	int calls;
	mpz_t rho, rn;
};

static int
box_source(
    void *arg, const struct mpc_paillier_pk *pk, mpz_ptr rho, mpz_ptr rho_n)
{
	struct nonce_box *b = arg;

	(void) pk;
	b->calls++;
	mpz_set(rho, b->rho);
	mpz_set(rho_n, b->rn);
	return 0;
}

START_TEST(precomputed_nonces)
{
	struct tmpc_party *p = tmpc_party(0);
	struct mpc_paillier_pk *pk;
	struct nonce_box box;
	mpz_t m, c, d, rho;

	mpz_inits(m, c, d, rho, box.rho, box.rn, NULL);
	box.calls = 0;
	ck_assert_int_eq(mpc_paillier_pk_new(&pk, mpc_paillier_pk_n(p->pk)), 0);
	ck_assert_int_eq(mpc_paillier_nonce_gen(p->pk, box.rho, box.rn), 0);
	mpc_paillier_pk_set_nonce_source(pk, box_source, &box);
	mpz_set_si(m, -77);
	ck_assert_int_eq(mpc_paillier_encrypt(pk, c, rho, m), 0);
	ck_assert_int_eq(box.calls, 1);
	ck_assert(mpz_cmp(rho, box.rho) == 0);
	ck_assert_int_eq(mpc_paillier_decrypt(p->sk, d, c), 0);
	ck_assert(mpz_cmp(d, m) == 0);
	mpc_paillier_pk_free(pk);
	mpz_clears(m, c, d, rho, box.rho, box.rn, NULL);
}
END_TEST

/* Own-key nonces from the tables (mpc_paillier_sk_precompute): rho is a
 * unit, rho_n == rho^N mod N^2 (checked with GMP), the residues of rho mod
 * p and q vary, and encryption with them decrypts. */
START_TEST(nonce_tables)
{
	struct tmpc_party *p = tmpc_party(1);
	mpz_t rho, rn, want, n2, m, c, d, prev;
	int i;

	mpz_inits(rho, rn, want, n2, m, c, d, prev, NULL);
	mpz_mul(n2, mpc_paillier_pk_n(p->pk), mpc_paillier_pk_n(p->pk));
	ck_assert_int_eq(mpc_paillier_sk_precompute(p->sk), 0); /* idempotent */
	for (i = 0; i < 8; i++) {
		ck_assert_int_eq(mpc_paillier_nonce_gen(p->pk, rho, rn), 0);
		ck_assert(mpc_bn_is_unit_var(rho, mpc_paillier_pk_n(p->pk)));
		mpz_powm(want, rho, mpc_paillier_pk_n(p->pk), n2);
		ck_assert(mpz_cmp(want, rn) == 0);
		ck_assert(mpz_cmp(rho, prev) != 0);
		mpz_set(prev, rho);
		mpz_set_si(m, -1000 * i - 1);
		ck_assert_int_eq(mpc_paillier_encrypt(p->pk, c, rho, m), 0);
		ck_assert_int_eq(mpc_paillier_decrypt(p->sk, d, c), 0);
		ck_assert(mpz_cmp(d, m) == 0);
		ck_assert_int_eq(
		    mpc_paillier_decrypt_nonce(p->sk, d, want, c), 0);
		ck_assert(mpz_cmp(want, rho) == 0);
	}
	mpz_clears(rho, rn, want, n2, m, c, d, prev, NULL);
}
END_TEST

START_TEST(key_encodings)
{
	struct tmpc_party *p = tmpc_party(0);
	static uint8_t buf[4096];
	struct proto_wbuf w;
	struct proto_rbuf r;
	struct mpc_paillier_pk *pk;
	struct mpc_paillier_sk *sk;
	size_t len, len2;

	proto_wbuf_init(&w, buf, sizeof(buf));
	mpc_paillier_pk_encode(&w, p->pk);
	ck_assert_int_eq(proto_wbuf_finish(&w, &len), 0);
	ck_assert_uint_le(len, MPC_PAILLIER_PK_MAX_BYTES);
	proto_rbuf_init(&r, buf, len);
	ck_assert_int_eq(mpc_paillier_pk_decode(&r, &pk), 0);
	ck_assert_int_eq(proto_rbuf_done(&r), 0);
	ck_assert(
	    mpz_cmp(mpc_paillier_pk_n(pk), mpc_paillier_pk_n(p->pk)) == 0);
	mpc_paillier_pk_free(pk);
	/* an even modulus is refused and the cursor stays put */
	buf[len - 1] ^= 1;
	proto_rbuf_init(&r, buf, len);
	ck_assert_int_eq(mpc_paillier_pk_decode(&r, &pk), MPC_EMODULUS);
	ck_assert_uint_eq(r.len, len);
	ck_assert(pk == NULL);

	proto_wbuf_init(&w, buf, sizeof(buf));
	mpc_paillier_sk_encode(&w, p->sk);
	ck_assert_int_eq(proto_wbuf_finish(&w, &len2), 0);
	ck_assert_uint_le(len2, MPC_PAILLIER_SK_MAX_BYTES);
	proto_rbuf_init(&r, buf, len2);
	ck_assert_int_eq(mpc_paillier_sk_decode(&r, &sk), 0);
	ck_assert(mpz_cmp(mpc_paillier_pk_n(mpc_paillier_sk_pk(sk)),
	              mpc_paillier_pk_n(p->pk))
	    == 0);
	mpc_paillier_sk_free(sk);
	proto_rbuf_init(&r, buf, len2 - 1);
	ck_assert_int_ne(mpc_paillier_sk_decode(&r, &sk), 0);
}
END_TEST

Suite *
paillier_suite(void)
{
	Suite *s = suite_create("paillier");
	TCase *tc = tcase_create("paillier");

	tcase_add_unchecked_fixture(tc, setup_keys, NULL);
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, key_construction_rules);
	tcase_add_test(tc, encrypt_decrypt);
	tcase_add_test(tc, homomorphic_ops);
	tcase_add_test(tc, decrypt_recovers_nonce);
	tcase_add_test(tc, ciphertext_validation);
	tcase_add_test(tc, precomputed_nonces);
	tcase_add_test(tc, nonce_tables);
	tcase_add_test(tc, key_encodings);
	suite_add_tcase(s, tc);
	return s;
}
