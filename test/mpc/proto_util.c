/* Helpers of the protocol suites: fixture aux info, signature checks with
 * libsecp256k1 and OpenSSL, t-subsets. */
#include <string.h>

#include <check.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <secp256k1.h>
#include <secp256k1_recovery.h>

#include "../../mpc/src/proto_int.h"
#include "mpc_test.h"

void
tmpc_parties_setup(void)
{
	size_t i;

	(void) tmpc_ctx();
	for (i = 0; i < TMPC_PARTIES; i++)
		(void) tmpc_party(i);
}

struct mpc_aux *
tmpc_aux(uint32_t n, uint32_t i)
{
	struct mpc_paillier_pk *pks[MPC_MAX_PARTIES] = { 0 };
	struct mpc_rped *rps[MPC_MAX_PARTIES] = { 0 };
	struct tmpc_party *me;
	struct mpc_aux *a;
	uint32_t j;

	ck_assert_uint_le(n, TMPC_PARTIES);
	ck_assert_uint_lt(i, n);
	for (j = 0; j < n; j++) {
		struct tmpc_party *p = tmpc_party(j);
		pks[j] = p->pk_peer;
		rps[j] = p->rp_peer;
	}
	me = tmpc_party(i);
	ck_assert_int_eq(
	    aux_assemble_unproven(&a, n, i, me->sk, me->rp_own, pks, rps, 1),
	    0);
	return a;
}

int
tmpc_openssl_verify(const uint8_t pub[33], const uint8_t hash[32],
    const uint8_t r[32], const uint8_t s[32])
{
	OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
	OSSL_PARAM *params = NULL;
	EVP_PKEY_CTX *kctx = NULL, *vctx = NULL;
	EVP_PKEY *pkey = NULL;
	ECDSA_SIG *sig = ECDSA_SIG_new();
	BIGNUM *br = BN_bin2bn(r, 32, NULL), *bs = BN_bin2bn(s, 32, NULL);
	unsigned char *der = NULL;
	int derlen, ok = 0;

	ck_assert_ptr_nonnull(bld);
	ck_assert_ptr_nonnull(sig);
	ck_assert_int_eq(ECDSA_SIG_set0(sig, br, bs), 1);
	derlen = i2d_ECDSA_SIG(sig, &der);
	ck_assert_int_gt(derlen, 0);
	ck_assert_int_eq(OSSL_PARAM_BLD_push_utf8_string(
	                     bld, OSSL_PKEY_PARAM_GROUP_NAME, "secp256k1", 0),
	    1);
	ck_assert_int_eq(OSSL_PARAM_BLD_push_octet_string(
	                     bld, OSSL_PKEY_PARAM_PUB_KEY, pub, 33),
	    1);
	params = OSSL_PARAM_BLD_to_param(bld);
	kctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
	ck_assert_ptr_nonnull(kctx);
	ck_assert_int_eq(EVP_PKEY_fromdata_init(kctx), 1);
	ck_assert_int_eq(
	    EVP_PKEY_fromdata(kctx, &pkey, EVP_PKEY_PUBLIC_KEY, params), 1);
	vctx = EVP_PKEY_CTX_new(pkey, NULL);
	ck_assert_ptr_nonnull(vctx);
	ck_assert_int_eq(EVP_PKEY_verify_init(vctx), 1);
	ok = EVP_PKEY_verify(vctx, der, (size_t) derlen, hash, 32) == 1;
	EVP_PKEY_CTX_free(vctx);
	EVP_PKEY_free(pkey);
	EVP_PKEY_CTX_free(kctx);
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	OPENSSL_free(der);
	ECDSA_SIG_free(sig);
	return ok;
}

void
tmpc_check_signature(const uint8_t pub[33], const uint8_t hash[32],
    const struct mpc_signature *sig)
{
	static const uint8_t half_q[32] = { 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff,
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0x5d, 0x57, 0x6e, 0x73, 0x57, 0xa4, 0x50, 0x1d, 0xdf, 0xe9,
		0x2f, 0x46, 0x68, 0x1b, 0x20, 0xa0 };
	const secp256k1_context *c = secp256k1_context_static;
	secp256k1_ecdsa_recoverable_signature rs;
	secp256k1_ecdsa_signature es;
	secp256k1_pubkey pk, rec;
	uint8_t rs64[64], out[33];
	size_t outlen = sizeof(out);

	/* low s */
	ck_assert_int_le(memcmp(sig->s, half_q, 32), 0);
	/* libsecp256k1 (which also refuses high s) */
	memcpy(rs64, sig->r, 32);
	memcpy(rs64 + 32, sig->s, 32);
	ck_assert_int_eq(secp256k1_ec_pubkey_parse(c, &pk, pub, 33), 1);
	ck_assert_int_eq(
	    secp256k1_ecdsa_signature_parse_compact(c, &es, rs64), 1);
	ck_assert_int_eq(secp256k1_ecdsa_verify(c, &es, hash, &pk), 1);
	/* the recovery id recovers the key */
	ck_assert_int_ge(sig->recid, 0);
	ck_assert_int_le(sig->recid, 3);
	ck_assert_int_eq(secp256k1_ecdsa_recoverable_signature_parse_compact(
	                     c, &rs, rs64, sig->recid),
	    1);
	ck_assert_int_eq(secp256k1_ecdsa_recover(c, &rec, &rs, hash), 1);
	ck_assert_int_eq(secp256k1_ec_pubkey_serialize(
	                     c, out, &outlen, &rec, SECP256K1_EC_COMPRESSED),
	    1);
	ck_assert_mem_eq(out, pub, 33);
	/* OpenSSL's ECDSA verifier */
	ck_assert_int_eq(tmpc_openssl_verify(pub, hash, sig->r, sig->s), 1);
}

int
tmpc_subset(uint32_t *set, uint32_t n, uint32_t t, uint32_t k)
{
	uint32_t mask, c = 0, i, m;

	for (mask = 0; mask < (1u << n); mask++) {
		if ((uint32_t) __builtin_popcount(mask) != t)
			continue;
		if (c++ != k)
			continue;
		for (i = 0, m = 0; i < n; i++)
			if (mask & (1u << i))
				set[m++] = i;
		return 1;
	}
	return 0;
}
