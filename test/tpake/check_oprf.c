/* RFC 9497 OPRF (mode 0) and VOPRF proof (mode 1) against the RFC vectors,
 * expand_message_xmd against RFC 9380, and the validation rules: the
 * identity, non-canonical scalars and tampered proofs are rejected. */
#include <string.h>

#include <check.h>

#include "../../tpake/src/tpake_int.h"
#include "tpake_test.h"

Suite *oprf_suite(void);

/* L, the group order (not a canonical scalar), and L - 1 (canonical). */
static const uint8_t order_l[32] = { 0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12,
	0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10 };

START_TEST(xmd_rfc9380)
{
	json_object *f = tt_load("rfc9380-expand-message-xmd-sha512.json");
	json_object *vs = tt_get(f, "vectors");
	const char *dst = json_object_get_string(tt_get(f, "DST"));
	uint8_t want[128], out[128];
	size_t i, n;

	ck_assert_uint_eq(json_object_array_length(vs), 3);
	for (i = 0; i < json_object_array_length(vs); i++) {
		json_object *v = json_object_array_get_idx(vs, i);
		const char *msg = json_object_get_string(tt_get(v, "msg"));
		struct tpake_iov in = { msg, strlen(msg) };

		n = (size_t) json_object_get_int(tt_get(v, "len_in_bytes"));
		tt_hex(want, n, v, "uniform_bytes");
		ck_assert_int_eq(tpake_xmd_sha512(out, n, &in, 1,
		                     (const uint8_t *) dst, strlen(dst)),
		    0);
		ck_assert_mem_eq(out, want, n);
	}
	json_object_put(f);
}
END_TEST

START_TEST(xmd_limits)
{
	uint8_t out[64], dst[256] = { 0 };
	struct tpake_iov in = { "x", 1 };

	ck_assert_int_eq(
	    tpake_xmd_sha512(out, 64, &in, 1, dst, 256), TPAKE_EINVAL);
	ck_assert_int_eq(
	    tpake_xmd_sha512(out, 0, &in, 1, dst, 8), TPAKE_EINVAL);
	ck_assert_int_eq(tpake_xmd_sha512(out, 64, &in, 1, dst, 255), 0);
}
END_TEST

START_TEST(oprf_rfc9497_mode0)
{
	json_object *f = tt_load("rfc9497-oprf-ristretto255-sha512-mode0.json");
	json_object *key = tt_get(f, "key"), *vs = tt_get(f, "vectors");
	struct tpake_scalar sk, want_sk, blind, r;
	struct tpake_element blinded, evaluated, want;
	uint8_t seed[32], info[64], input[64], out[64], want_out[64];
	size_t infolen, inlen, i;

	tt_hex(seed, 32, key, "Seed");
	infolen = tt_hexv(info, sizeof(info), key, "KeyInfo");
	tt_hex(want_sk.b, 32, key, "skSm");
	ck_assert_int_eq(tpake_oprf_derive_key_pair(
	                     &sk, NULL, TPAKE_MODE_OPRF, seed, info, infolen),
	    0);
	ck_assert_mem_eq(sk.b, want_sk.b, 32);
	ck_assert_uint_eq(json_object_array_length(vs), 2);
	for (i = 0; i < json_object_array_length(vs); i++) {
		json_object *v = json_object_array_get_idx(vs, i);

		inlen = tt_hexv(input, sizeof(input), v, "Input");
		tt_hex(r.b, 32, v, "Blind");
		ck_assert_int_eq(tpake_oprf_blind(&blind, &blinded,
		                     TPAKE_MODE_OPRF, input, inlen, &r),
		    0);
		tt_hex(want.b, 32, v, "BlindedElement");
		ck_assert_mem_eq(blinded.b, want.b, 32);
		ck_assert_int_eq(
		    tpake_oprf_evaluate(&evaluated, &sk, &blinded), 0);
		tt_hex(want.b, 32, v, "EvaluationElement");
		ck_assert_mem_eq(evaluated.b, want.b, 32);
		ck_assert_int_eq(
		    tpake_oprf_finalize(out, input, inlen, &blind, &evaluated),
		    0);
		tt_hex(want_out, 64, v, "Output");
		ck_assert_mem_eq(out, want_out, 64);
	}
	json_object_put(f);
}
END_TEST

START_TEST(voprf_rfc9497_mode1)
{
	json_object *f
	    = tt_load("rfc9497-voprf-ristretto255-sha512-mode1.json");
	json_object *key = tt_get(f, "key"), *vs = tt_get(f, "vectors");
	struct tpake_scalar sk, r, blind[2], pr;
	struct tpake_element pk, want_pk, bl[2], ev[2], want;
	uint8_t seed[32], info[64], input[64], out[64], want_out[64];
	uint8_t proof[64], want_proof[64];
	size_t infolen, inlen, i, j, m;

	tt_hex(seed, 32, key, "Seed");
	infolen = tt_hexv(info, sizeof(info), key, "KeyInfo");
	ck_assert_int_eq(tpake_oprf_derive_key_pair(
	                     &sk, &pk, TPAKE_MODE_VOPRF, seed, info, infolen),
	    0);
	tt_hex(r.b, 32, key, "skSm");
	ck_assert_mem_eq(sk.b, r.b, 32);
	tt_hex(want_pk.b, 32, key, "pkSm");
	ck_assert_mem_eq(pk.b, want_pk.b, 32);
	ck_assert_uint_eq(json_object_array_length(vs), 3);
	for (i = 0; i < json_object_array_length(vs); i++) {
		json_object *v = json_object_array_get_idx(vs, i);
		json_object *ins = tt_get(v, "Input");

		m = json_object_array_length(ins);
		for (j = 0; j < m; j++) {
			const char *hx = json_object_get_string(
			    json_object_array_get_idx(ins, j));

			inlen = sizeof(input);
			ck_assert_int_eq(lk_hex_decode(input, &inlen, hx), 0);
			tt_hex_at(r.b, 32, tt_get(v, "Blind"), j);
			ck_assert_int_eq(
			    tpake_oprf_blind(&blind[j], &bl[j],
			        TPAKE_MODE_VOPRF, input, inlen, &r),
			    0);
			tt_hex_at(want.b, 32, tt_get(v, "BlindedElement"), j);
			ck_assert_mem_eq(bl[j].b, want.b, 32);
			ck_assert_int_eq(
			    tpake_oprf_evaluate(&ev[j], &sk, &bl[j]), 0);
			tt_hex_at(
			    want.b, 32, tt_get(v, "EvaluationElement"), j);
			ck_assert_mem_eq(ev[j].b, want.b, 32);
			ck_assert_int_eq(tpake_oprf_finalize(out, input, inlen,
			                     &blind[j], &ev[j]),
			    0);
			tt_hex_at(want_out, 64, tt_get(v, "Output"), j);
			ck_assert_mem_eq(out, want_out, 64);
		}
		tt_hex(pr.b, 32, v, "ProofRandomScalar");
		ck_assert_int_eq(
		    tpake_voprf_prove(proof, &sk, &pk, bl, ev, m, &pr), 0);
		tt_hex(want_proof, 64, v, "Proof");
		ck_assert_mem_eq(proof, want_proof, 64);
		ck_assert_int_eq(tpake_voprf_verify(&pk, bl, ev, m, proof), 0);
		/* Every flipped bit of the proof is rejected. */
		for (j = 0; j < 512; j += 7) {
			proof[j / 8] ^= (uint8_t) (1u << (j % 8));
			ck_assert_int_ne(
			    tpake_voprf_verify(&pk, bl, ev, m, proof), 0);
			proof[j / 8] ^= (uint8_t) (1u << (j % 8));
		}
		/* A wrong evaluation with the honest proof is rejected. */
		ev[0].b[0] ^= 2;
		ck_assert_int_ne(tpake_voprf_verify(&pk, bl, ev, m, proof), 0);
	}
	json_object_put(f);
}
END_TEST

START_TEST(voprf_random_roundtrip)
{
	struct tpake_scalar sk, blind;
	struct tpake_element pk, bl, ev, other;
	uint8_t seed[32], proof[64];
	int i;

	for (i = 0; i < 4; i++) {
		lk_random(seed, 32);
		ck_assert_int_eq(tpake_oprf_derive_key_pair(
		                     &sk, &pk, TPAKE_MODE_VOPRF, seed, NULL, 0),
		    0);
		ck_assert_int_eq(tpake_oprf_blind(&blind, &bl, TPAKE_MODE_VOPRF,
		                     seed, 32, NULL),
		    0);
		ck_assert_int_eq(tpake_oprf_evaluate(&ev, &sk, &bl), 0);
		ck_assert_int_eq(
		    tpake_voprf_prove(proof, &sk, &pk, &bl, &ev, 1, NULL), 0);
		ck_assert_int_eq(
		    tpake_voprf_verify(&pk, &bl, &ev, 1, proof), 0);
		/* The proof does not transfer to another key. */
		seed[0] ^= 1;
		ck_assert_int_eq(tpake_oprf_derive_key_pair(&sk, &other,
		                     TPAKE_MODE_VOPRF, seed, NULL, 0),
		    0);
		ck_assert_int_eq(tpake_voprf_verify(&other, &bl, &ev, 1, proof),
		    TPAKE_EPROOF);
	}
}
END_TEST

START_TEST(identity_rejected)
{
	struct tpake_scalar sk, blind;
	struct tpake_element zero, pk, ev;
	uint8_t seed[32] = { 1 }, out[64], proof[64];

	memset(&zero, 0, sizeof(zero));
	/* libsodium 1.0.18 accepts the all-zero encoding; we must not. */
	ck_assert_int_eq(crypto_core_ristretto255_is_valid_point(zero.b), 1);
	ck_assert_int_eq(tpake_element_check(zero.b), TPAKE_EPOINT);
	ck_assert_int_eq(tpake_oprf_derive_key_pair(
	                     &sk, &pk, TPAKE_MODE_OPRF, seed, NULL, 0),
	    0);
	ck_assert_int_eq(tpake_oprf_evaluate(&ev, &sk, &zero), TPAKE_EPOINT);
	ck_assert_int_eq(tpake_oprf_blind(&blind, &ev, TPAKE_MODE_OPRF,
	                     (const uint8_t *) "pw", 2, NULL),
	    0);
	ck_assert_int_eq(
	    tpake_oprf_finalize(out, (const uint8_t *) "pw", 2, &blind, &zero),
	    TPAKE_EPOINT);
	ck_assert_int_eq(
	    tpake_voprf_verify(&zero, &ev, &ev, 1, proof), TPAKE_EPOINT);
	ck_assert_int_eq(
	    tpake_voprf_verify(&pk, &zero, &ev, 1, proof), TPAKE_EPOINT);
	ck_assert_int_eq(
	    tpake_voprf_verify(&pk, &ev, &zero, 1, proof), TPAKE_EPOINT);
	/* A non-canonical encoding (all ones) is rejected too. */
	memset(zero.b, 0xff, 32);
	ck_assert_int_eq(tpake_oprf_evaluate(&ev, &sk, &zero), TPAKE_EPOINT);
}
END_TEST

START_TEST(scalar_rules)
{
	struct tpake_scalar s, blind;
	struct tpake_element bl, ev;

	memcpy(s.b, order_l, 32);
	ck_assert_int_eq(tpake_scalar_is_canonical(s.b), 0);
	ck_assert_int_eq(tpake_scalar_check(&s), TPAKE_ESCALAR);
	s.b[0]--; /* L - 1 */
	ck_assert_int_eq(tpake_scalar_is_canonical(s.b), 1);
	ck_assert_int_eq(tpake_scalar_check(&s), 0);
	memset(s.b, 0xff, 32);
	ck_assert_int_eq(tpake_scalar_check(&s), TPAKE_ESCALAR);
	memset(s.b, 0, 32);
	ck_assert_int_eq(tpake_scalar_check(&s), TPAKE_ESCALAR);
	/* A zero or non-canonical blind or key is refused. */
	ck_assert_int_eq(tpake_oprf_blind(&blind, &bl, TPAKE_MODE_OPRF,
	                     (const uint8_t *) "pw", 2, &s),
	    TPAKE_ESCALAR);
	ck_assert_int_eq(tpake_oprf_blind(&blind, &bl, TPAKE_MODE_OPRF,
	                     (const uint8_t *) "pw", 2, NULL),
	    0);
	ck_assert_int_eq(tpake_oprf_evaluate(&ev, &s, &bl), TPAKE_ESCALAR);
	memcpy(s.b, order_l, 32);
	ck_assert_int_eq(tpake_oprf_evaluate(&ev, &s, &bl), TPAKE_ESCALAR);
}
END_TEST

Suite *
oprf_suite(void)
{
	Suite *s = suite_create("oprf");
	TCase *tc = tcase_create("rfc9497");

	tcase_add_test(tc, xmd_rfc9380);
	tcase_add_test(tc, xmd_limits);
	tcase_add_test(tc, oprf_rfc9497_mode0);
	tcase_add_test(tc, voprf_rfc9497_mode1);
	tcase_add_test(tc, voprf_random_roundtrip);
	tcase_add_test(tc, identity_rejected);
	tcase_add_test(tc, scalar_rules);
	suite_add_tcase(s, tc);
	return s;
}
