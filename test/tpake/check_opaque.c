/* RFC 9807 OPAQUE-3DH (t = n = 1): every ristretto255 vector (real 1 and 2,
 * fake 1) byte for byte, flows with Argon2id, uniform failures for a wrong
 * password and an unknown user, and a flipped bit anywhere in KE1, KE2,
 * KE3 or the record being rejected. */
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "lk_common.h"
#include "tpake_test.h"

Suite *opaque_suite(void);

static struct tpake_bytes
opt_bytes(json_object *o, const char *key, uint8_t *buf, size_t cap)
{
	json_object *v;
	size_t len = cap;

	if (!json_object_object_get_ex(o, key, &v))
		return (struct tpake_bytes) { NULL, 0 };
	ck_assert_int_eq(
	    lk_hex_decode(buf, &len, json_object_get_string(v)), 0);
	return (struct tpake_bytes) { buf, len };
}

static void
real_vector(size_t which)
{
	json_object *f = tt_load("rfc9807-opaque3dh-ristretto255-sha512.json");
	json_object *v = json_object_array_get_idx(tt_get(f, "vectors"), which);
	json_object *in = tt_get(v, "inputs"),
	            *mid = tt_get(v, "intermediates");
	json_object *out = tt_get(v, "outputs"), *cfg = tt_get(v, "config");
	uint8_t oprf_seed[64], cred[64], pw[64], nonce[32], ctx[64];
	uint8_t idc_buf[64], ids_buf[64], buf[512], want[512];
	uint8_t request[32], response[64], record[192], export_key[64];
	uint8_t ke1[96], ke2[320], ke3[64], sk[64];
	size_t credlen, pwlen, ctxlen, extlen = 0;
	struct tpake_scalar oprf_key, blind;
	struct tpake_server_key key;
	struct tpake_user user;
	struct tpake_client_reg reg;
	struct tpake_client_login cl;
	struct tpake_server_login sl;
	struct tpake_client_rand cr;
	struct tpake_server_rand sr;
	struct tpake_client_result res;
	struct tpake_blame bl;
	struct tpake_bytes idc, ids;
	struct tpake_idents sids;
	struct tpake_login_params lp;
	struct tpake_reply rep;

	ck_assert_str_eq(
	    json_object_get_string(tt_get(cfg, "KSF")), "Identity");
	tt_hex(oprf_seed, 64, in, "oprf_seed");
	credlen = tt_hexv(cred, sizeof(cred), in, "credential_identifier");
	pwlen = tt_hexv(pw, sizeof(pw), in, "password");
	ctxlen = tt_hexv(ctx, sizeof(ctx), cfg, "Context");
	idc = opt_bytes(in, "client_identity", idc_buf, sizeof(idc_buf));
	ids = opt_bytes(in, "server_identity", ids_buf, sizeof(ids_buf));
	memset(&key, 0, sizeof(key));
	tt_hex(key.sk.b, 32, in, "server_private_key");
	tt_hex(key.pk.b, 32, in, "server_public_key");
	ck_assert_int_eq(tpake_server_key_check(&key), 0);

	/* Per-user OPRF key from oprf_seed. */
	ck_assert_int_eq(tpake_oprf_key_from_seed(&oprf_key, oprf_seed,
	                     (struct tpake_bytes) { cred, credlen }),
	    0);
	tt_hex(want, 32, mid, "oprf_key");
	ck_assert_mem_eq(oprf_key.b, want, 32);

	/* Registration. */
	tt_hex(blind.b, 32, in, "blind_registration");
	ck_assert_int_eq(
	    tpake_client_register_start(&reg, request, pw, pwlen, &blind), 0);
	tt_hex(want, 32, out, "registration_request");
	ck_assert_mem_eq(request, want, 32);
	ck_assert_int_eq(tpake_server_register_respond(
	                     response, &oprf_key, &key.pk, request),
	    0);
	tt_hex(want, 64, out, "registration_response");
	ck_assert_mem_eq(response, want, 64);
	tt_hex(nonce, 32, in, "envelope_nonce");
	ck_assert_int_eq(tpake_client_register_finish(&reg, record, export_key,
	                     NULL, response, idc, ids, &tt_ksf_identity, nonce),
	    0);
	tt_hex(want, 192, out, "registration_upload");
	ck_assert_mem_eq(record, want, 192);
	tt_hex(want, 64, mid, "masking_key");
	ck_assert_mem_eq(record + 32, want, 64);
	tt_hex(want, 96, mid, "envelope");
	ck_assert_mem_eq(record + 96, want, 96);
	tt_hex(want, 64, out, "export_key");
	ck_assert_mem_eq(export_key, want, 64);
	/* The state was consumed. */
	ck_assert_int_eq(tpake_client_register_finish(&reg, record, export_key,
	                     NULL, response, idc, ids, &tt_ksf_identity, nonce),
	    TPAKE_ESTATE);
	tt_hex(want, 192, out, "registration_upload");
	ck_assert_int_eq(tpake_user_from_record(&user, &oprf_key, want), 0);

	/* Login. */
	tt_hex(cr.blind.b, 32, in, "blind_login");
	tt_hex(cr.nonce, 32, in, "client_nonce");
	tt_hex(cr.keyshare_seed, 32, in, "client_keyshare_seed");
	ck_assert_int_eq(tpake_client_login_start(&cl, ke1, pw, pwlen, &cr), 0);
	tt_hex(want, 96, out, "KE1");
	ck_assert_mem_eq(ke1, want, 96);

	tt_hex(sr.masking_nonce, 32, in, "masking_nonce");
	tt_hex(sr.server_nonce, 32, in, "server_nonce");
	tt_hex(sr.keyshare_seed, 32, in, "server_keyshare_seed");
	memset(sr.proof_nonce, 0, 32);
	sids = (struct tpake_idents) { idc, ids, { ctx, ctxlen } };
	ck_assert_int_eq(
	    tpake_server_login_start(&sl, ke2, buf, &extlen, &key, &user,
	        (struct tpake_bytes) { cred, credlen }, ke1, &sids, &sr),
	    0);
	ck_assert_uint_eq(extlen, 0);
	tt_hex(want, 320, out, "KE2");
	ck_assert_mem_eq(ke2, want, 320);

	memset(&lp, 0, sizeof(lp));
	lp.t = lp.n = 1;
	lp.user_id = (struct tpake_bytes) { cred, credlen };
	lp.client_id = idc;
	lp.context = (struct tpake_bytes) { ctx, ctxlen };
	lp.ksf = tt_ksf_identity;
	rep = (struct tpake_reply) { 1, ke2, NULL, 0, ids };
	ck_assert_int_eq(
	    tpake_client_login_finish(&cl, &res, &bl, &lp, &rep, 1), 0);
	ck_assert_uint_eq(res.count, 1);
	tt_hex(want, 64, out, "KE3");
	ck_assert_mem_eq(res.ke3[0], want, 64);
	tt_hex(want, 64, out, "session_key");
	ck_assert_mem_eq(res.session_key[0], want, 64);
	tt_hex(want, 64, out, "export_key");
	ck_assert_mem_eq(res.export_key, want, 64);
	tt_hex(want, 32, mid, "client_public_key");
	ck_assert_mem_eq(res.client_pk.b, want, 32);
	ck_assert_mem_eq(res.server_pk[0].b, key.pk.b, 32);

	memcpy(ke3, res.ke3[0], 64);
	ck_assert_int_eq(tpake_server_login_finish(&sl, sk, ke3), 0);
	tt_hex(want, 64, out, "session_key");
	ck_assert_mem_eq(sk, want, 64);
	ck_assert_int_eq(tpake_server_login_finish(&sl, sk, ke3), TPAKE_ESTATE);
	json_object_put(f);
}

START_TEST(rfc9807_real_vector_1)
{
	real_vector(0);
}
END_TEST

START_TEST(rfc9807_real_vector_2)
{
	real_vector(1);
}
END_TEST

START_TEST(rfc9807_fake_vector_1)
{
	json_object *f = tt_load("rfc9807-opaque3dh-ristretto255-sha512.json");
	json_object *v = json_object_array_get_idx(tt_get(f, "vectors"), 2);
	json_object *in = tt_get(v, "inputs"), *out = tt_get(v, "outputs");
	json_object *cfg = tt_get(v, "config");
	uint8_t oprf_seed[64], cred[64], ctx[64], idc_buf[64], ids_buf[64];
	uint8_t record[192], ke1[96], ke2[320], want[320], b[1];
	size_t credlen, ctxlen, extlen = 0;
	struct tpake_scalar oprf_key, csk;
	struct tpake_element cpk;
	struct tpake_server_key key;
	struct tpake_user user;
	struct tpake_server_login sl;
	struct tpake_server_rand sr;
	struct tpake_idents sids;

	ck_assert_str_eq(json_object_get_string(tt_get(v, "name")),
	    "OPAQUE-3DH Fake Test Vector 1");
	tt_hex(oprf_seed, 64, in, "oprf_seed");
	credlen = tt_hexv(cred, sizeof(cred), in, "credential_identifier");
	ctxlen = tt_hexv(ctx, sizeof(ctx), cfg, "Context");
	memset(&key, 0, sizeof(key));
	tt_hex(key.sk.b, 32, in, "server_private_key");
	tt_hex(key.pk.b, 32, in, "server_public_key");
	ck_assert_int_eq(tpake_server_key_check(&key), 0);
	tt_hex(csk.b, 32, in, "client_private_key");
	tt_hex(cpk.b, 32, in, "client_public_key");
	/* The fake record: the given pkC and masking_key, a zero envelope. */
	memcpy(record, cpk.b, 32);
	tt_hex(record + 32, 64, in, "masking_key");
	memset(record + 96, 0, 96);
	ck_assert_int_eq(tpake_oprf_key_from_seed(&oprf_key, oprf_seed,
	                     (struct tpake_bytes) { cred, credlen }),
	    0);
	ck_assert_int_eq(tpake_user_from_record(&user, &oprf_key, record), 0);
	tt_hex(ke1, 96, in, "KE1");
	tt_hex(sr.masking_nonce, 32, in, "masking_nonce");
	tt_hex(sr.server_nonce, 32, in, "server_nonce");
	tt_hex(sr.keyshare_seed, 32, in, "server_keyshare_seed");
	memset(sr.proof_nonce, 0, 32);
	sids.client_id = opt_bytes(in, "client_identity", idc_buf, 64);
	sids.server_id = opt_bytes(in, "server_identity", ids_buf, 64);
	sids.context = (struct tpake_bytes) { ctx, ctxlen };
	ck_assert_int_eq(
	    tpake_server_login_start(&sl, ke2, b, &extlen, &key, &user,
	        (struct tpake_bytes) { cred, credlen }, ke1, &sids, &sr),
	    0);
	tt_hex(want, 320, out, "KE2");
	ck_assert_mem_eq(ke2, want, 320);
	tpake_server_login_clear(&sl);
	json_object_put(f);
}
END_TEST

/* An RFC-mode (n = 1) server with a seed-derived OPRF key. */
struct rfc_server {
	uint8_t oprf_seed[64];
	struct tpake_server_key key;
	struct tpake_user user;
	uint8_t export_key[64];
};

static const struct tpake_bytes rfc_uid = { (const uint8_t *) "user-123", 8 };

static void
rfc_register(struct rfc_server *s, const char *pw, struct tpake_bytes idc,
    struct tpake_bytes ids, const struct tpake_ksf *ksf)
{
	struct tpake_client_reg reg;
	struct tpake_scalar k;
	uint8_t req[32], resp[64], record[192];
	struct tpake_element pks;

	lk_random(s->oprf_seed, 64);
	ck_assert_int_eq(tpake_server_key_generate(&s->key, NULL), 0);
	ck_assert_int_eq(
	    tpake_oprf_key_from_seed(&k, s->oprf_seed, rfc_uid), 0);
	ck_assert_int_eq(tpake_client_register_start(
	                     &reg, req, (const uint8_t *) pw, strlen(pw), NULL),
	    0);
	ck_assert_int_eq(
	    tpake_server_register_respond(resp, &k, &s->key.pk, req), 0);
	ck_assert_int_eq(tpake_client_register_finish(&reg, record,
	                     s->export_key, &pks, resp, idc, ids, ksf, NULL),
	    0);
	ck_assert_mem_eq(pks.b, s->key.pk.b, 32);
	ck_assert_int_eq(tpake_user_from_record(&s->user, &k, record), 0);
}

/* Runs a login against s->user (or `user` when given); returns the
 * client's code and checks the server agrees on success. */
static int
rfc_login(struct rfc_server *s, const struct tpake_user *user, const char *pw,
    struct tpake_bytes idc, struct tpake_bytes ids, const struct tpake_ksf *ksf,
    struct tpake_client_result *res)
{
	struct tpake_client_login cl;
	struct tpake_server_login sl;
	struct tpake_login_params lp;
	struct tpake_reply rep;
	struct tpake_blame bl;
	struct tpake_idents sid = { idc, ids, { NULL, 0 } };
	uint8_t ke1[96], ke2[320], sk[64];
	size_t extlen = 0;
	int rv;

	ck_assert_int_eq(tpake_client_login_start(
	                     &cl, ke1, (const uint8_t *) pw, strlen(pw), NULL),
	    0);
	ck_assert_int_eq(
	    tpake_server_login_start(&sl, ke2, NULL, &extlen, &s->key,
	        user ? user : &s->user, rfc_uid, ke1, &sid, NULL),
	    0);
	memset(&lp, 0, sizeof(lp));
	lp.t = lp.n = 1;
	lp.user_id = rfc_uid;
	lp.client_id = idc;
	lp.ksf = *ksf;
	rep = (struct tpake_reply) { 1, ke2, NULL, 0, ids };
	rv = tpake_client_login_finish(&cl, res, &bl, &lp, &rep, 1);
	if (rv == 0) {
		ck_assert_int_eq(
		    tpake_server_login_finish(&sl, sk, res->ke3[0]), 0);
		ck_assert_mem_eq(sk, res->session_key[0], 64);
		ck_assert_mem_eq(res->export_key, s->export_key, 64);
	} else {
		ck_assert_uint_eq(res->count, 0);
		ck_assert(lk_is_zero(res->export_key, 64));
		/* The client state survives a failure. */
		ck_assert_int_eq(cl.phase, 1);
	}
	return rv;
}

START_TEST(rfc_flows_argon2)
{
	struct rfc_server s;
	struct tpake_client_result res;
	struct tpake_user fake, fake2;
	struct tpake_bytes none = { NULL, 0 };
	struct tpake_bytes idc = { (const uint8_t *) "alice", 5 };
	struct tpake_bytes ids = { (const uint8_t *) "keyserver-1", 11 };

	rfc_register(&s, "hunter2", none, none, &tt_ksf_cheap);
	ck_assert_int_eq(
	    rfc_login(&s, NULL, "hunter2", none, none, &tt_ksf_cheap, &res), 0);
	ck_assert_int_eq(
	    rfc_login(&s, NULL, "hunter3", none, none, &tt_ksf_cheap, &res),
	    TPAKE_EAUTH);
	/* A different KSF is a different password. */
	ck_assert_int_eq(
	    rfc_login(&s, NULL, "hunter2", none, none, &tt_ksf_identity, &res),
	    TPAKE_EAUTH);

	rfc_register(&s, "hunter2", idc, ids, &tt_ksf_cheap);
	ck_assert_int_eq(
	    rfc_login(&s, NULL, "hunter2", idc, ids, &tt_ksf_cheap, &res), 0);
	/* Identities are bound: a mismatch fails. */
	ck_assert_int_eq(
	    rfc_login(&s, NULL, "hunter2", none, ids, &tt_ksf_cheap, &res),
	    TPAKE_EAUTH);
	ck_assert_int_eq(rfc_login(&s, NULL, "hunter2", idc,
	                     (struct tpake_bytes) { (const uint8_t *) "x", 1 },
	                     &tt_ksf_cheap, &res),
	    TPAKE_EAUTH);

	/* Unknown user: a stable fake record, the same failure. */
	ck_assert_int_eq(
	    tpake_user_fake(&fake, s.oprf_seed, rfc_uid, 1, 1, 1), 0);
	ck_assert_int_eq(
	    tpake_user_fake(&fake2, s.oprf_seed, rfc_uid, 1, 1, 1), 0);
	ck_assert_mem_eq(&fake, &fake2, sizeof(fake));
	ck_assert_mem_eq(fake.share.b, s.user.share.b, 32);
	ck_assert(lk_is_zero(fake.record + 96, 96));
	ck_assert_int_eq(
	    rfc_login(&s, &fake, "hunter2", idc, ids, &tt_ksf_cheap, &res),
	    TPAKE_EAUTH);
}
END_TEST

START_TEST(rfc_default_ksf)
{
	/* The 64 MiB account default once (what serenity interop uses). */
	struct rfc_server s;
	struct tpake_client_result res;
	struct tpake_bytes none = { NULL, 0 };
	struct tpake_ksf def = TPAKE_KSF_DEFAULT;

	rfc_register(&s, "pw", none, none, &def);
	ck_assert_int_eq(rfc_login(&s, NULL, "pw", none, none, &def, &res), 0);
}
END_TEST

START_TEST(rfc_bit_flips)
{
	struct rfc_server s;
	struct tpake_client_login cl;
	struct tpake_server_login sl, sl2;
	struct tpake_login_params lp;
	struct tpake_reply rep;
	struct tpake_client_result res;
	struct tpake_blame bl;
	struct tpake_idents sid;
	struct tpake_user u;
	struct tpake_bytes none = { NULL, 0 };
	uint8_t ke1[96], ke1x[96], ke2[320], ke2x[320], ke3[64], sk[64];
	size_t extlen = 0, bit;
	int rv, rejected;

	rfc_register(&s, "pw", none, none, &tt_ksf_identity);
	memset(&sid, 0, sizeof(sid));
	memset(&lp, 0, sizeof(lp));
	lp.t = lp.n = 1;
	lp.user_id = rfc_uid;
	lp.ksf = tt_ksf_identity;
	ck_assert_int_eq(
	    tpake_client_login_start(&cl, ke1, (const uint8_t *) "pw", 2, NULL),
	    0);

	/* KE1: every flipped bit makes the server refuse or the client
	 * reject the answer. */
	for (bit = 0; bit < 96 * 8; bit++) {
		memcpy(ke1x, ke1, 96);
		ke1x[bit / 8] ^= (uint8_t) (1u << (bit % 8));
		rv = tpake_server_login_start(&sl2, ke2x, NULL, &extlen, &s.key,
		    &s.user, rfc_uid, ke1x, &sid, NULL);
		rejected = rv != 0;
		if (!rejected) {
			rep = (struct tpake_reply) { 1, ke2x, NULL, 0, none };
			rejected = tpake_client_login_finish(
			               &cl, &res, &bl, &lp, &rep, 1)
			    != 0;
		}
		ck_assert_msg(rejected, "KE1 bit %zu accepted", bit);
	}

	/* Record: every flipped bit of the stored record is rejected. */
	for (bit = 0; bit < 192 * 8; bit++) {
		u = s.user;
		u.record[bit / 8] ^= (uint8_t) (1u << (bit % 8));
		rv = tpake_server_login_start(&sl2, ke2x, NULL, &extlen, &s.key,
		    &u, rfc_uid, ke1, &sid, NULL);
		rejected = rv != 0;
		if (!rejected) {
			rep = (struct tpake_reply) { 1, ke2x, NULL, 0, none };
			rejected = tpake_client_login_finish(
			               &cl, &res, &bl, &lp, &rep, 1)
			    != 0;
		}
		ck_assert_msg(rejected, "record bit %zu accepted", bit);
	}

	/* KE2: every flipped bit is rejected by the client. */
	ck_assert_int_eq(tpake_server_login_start(&sl, ke2, NULL, &extlen,
	                     &s.key, &s.user, rfc_uid, ke1, &sid, NULL),
	    0);
	for (bit = 0; bit < 320 * 8; bit++) {
		memcpy(ke2x, ke2, 320);
		ke2x[bit / 8] ^= (uint8_t) (1u << (bit % 8));
		rep = (struct tpake_reply) { 1, ke2x, NULL, 0, none };
		ck_assert_msg(
		    tpake_client_login_finish(&cl, &res, &bl, &lp, &rep, 1)
		        != 0,
		    "KE2 bit %zu accepted", bit);
	}
	rep = (struct tpake_reply) { 1, ke2, NULL, 0, none };
	ck_assert_int_eq(
	    tpake_client_login_finish(&cl, &res, &bl, &lp, &rep, 1), 0);

	/* KE3: every flipped bit is rejected by the server. */
	for (bit = 0; bit < 64 * 8; bit++) {
		sl2 = sl;
		memcpy(ke3, res.ke3[0], 64);
		ke3[bit / 8] ^= (uint8_t) (1u << (bit % 8));
		ck_assert_int_eq(
		    tpake_server_login_finish(&sl2, sk, ke3), TPAKE_EAUTH);
		ck_assert(lk_is_zero(sk, 64));
		ck_assert_int_eq(sl2.phase, 0);
	}
	ck_assert_int_eq(tpake_server_login_finish(&sl, sk, res.ke3[0]), 0);
	ck_assert_mem_eq(sk, res.session_key[0], 64);
}
END_TEST

START_TEST(ksf_zero_refused)
{
	/* A params struct cleared with memset and no KSF chosen must not
	 * silently mean "no key stretching" (the identity KSF is for the RFC
	 * vectors only): it is refused everywhere the KSF is used. */
	struct tpake_ksf zero;
	struct tpake_deal_params p;
	struct tpake_server_key key;
	struct tpake_client_reg reg;
	struct tpake_scalar k;
	uint8_t up[TPAKE_UPLOAD_BYTES(1)], ek[64], req[32], resp[64];
	uint8_t record[192], seed[64];

	memset(&zero, 0, sizeof(zero));
	ck_assert_int_eq(tpake_server_key_generate(&key, NULL), 0);
	memset(&p, 0, sizeof(p));
	p.t = p.n = 1;
	p.server_pk = &key.pk;
	ck_assert_int_eq(tpake_client_register_deal(up, sizeof(up), ek, NULL,
	                     &p, (const uint8_t *) "pw", 2, NULL),
	    TPAKE_EKSF);
	lk_random(seed, 64);
	ck_assert_int_eq(tpake_oprf_key_from_seed(&k, seed, rfc_uid), 0);
	ck_assert_int_eq(tpake_client_register_start(
	                     &reg, req, (const uint8_t *) "pw", 2, NULL),
	    0);
	ck_assert_int_eq(
	    tpake_server_register_respond(resp, &k, &key.pk, req), 0);
	ck_assert_int_eq(tpake_client_register_finish(&reg, record, ek, NULL,
	                     resp, (struct tpake_bytes) { NULL, 0 },
	                     (struct tpake_bytes) { NULL, 0 }, &zero, NULL),
	    TPAKE_EKSF);
	ck_assert(lk_is_zero(ek, 64));
	tpake_client_reg_clear(&reg);
}
END_TEST

START_TEST(rfc_misuse)
{
	struct tpake_client_login cl;
	struct tpake_client_reg reg;
	struct tpake_client_result res;
	struct tpake_login_params lp;
	struct tpake_reply rep;
	struct tpake_server_key key;
	uint8_t big[TPAKE_MAX_PASSWORD + 1], ke1[96], ke2[320], req[32];
	uint8_t resp[64];
	struct tpake_scalar k;

	memset(big, 'a', sizeof(big));
	memset(&cl, 0, sizeof(cl));
	ck_assert_int_eq(
	    tpake_client_login_start(&cl, ke1, big, sizeof(big), NULL),
	    TPAKE_ETOOBIG);
	ck_assert_int_eq(cl.phase, 0);
	ck_assert_int_eq(
	    tpake_client_register_start(&reg, req, big, sizeof(big), NULL),
	    TPAKE_ETOOBIG);
	memset(&lp, 0, sizeof(lp));
	lp.t = lp.n = 1;
	memset(ke2, 0, sizeof(ke2));
	rep = (struct tpake_reply) { 1, ke2, NULL, 0, { NULL, 0 } };
	ck_assert_int_eq(
	    tpake_client_login_finish(&cl, &res, NULL, &lp, &rep, 1),
	    TPAKE_ESTATE);
	ck_assert_int_eq(tpake_client_login_start(&cl, ke1, big, 8, NULL), 0);
	lp.t = 2;
	ck_assert_int_eq(
	    tpake_client_login_finish(&cl, &res, NULL, &lp, &rep, 1),
	    TPAKE_EINVAL);
	/* Identity as a registration request is refused. */
	ck_assert_int_eq(tpake_server_key_generate(&key, NULL), 0);
	lk_random(big, 64);
	ck_assert_int_eq(tpake_oprf_key_from_seed(&k, big,
	                     (struct tpake_bytes) { (const uint8_t *) "u", 1 }),
	    0);
	memset(req, 0, 32);
	ck_assert_int_eq(tpake_server_register_respond(resp, &k, &key.pk, req),
	    TPAKE_EPOINT);
	ck_assert_str_eq(tpake_strerror(TPAKE_EAUTH), "authentication failed");
	ck_assert_str_eq(tpake_strerror(12345), "unknown error");
}
END_TEST

Suite *
opaque_suite(void)
{
	Suite *s = suite_create("opaque");
	TCase *tc = tcase_create("rfc9807");

	/* 64 MiB Argon2id and ~3000 flipped logins: over Check's 4 s default
	 * on a loaded machine. */
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, rfc9807_real_vector_1);
	tcase_add_test(tc, rfc9807_real_vector_2);
	tcase_add_test(tc, rfc9807_fake_vector_1);
	tcase_add_test(tc, rfc_flows_argon2);
	tcase_add_test(tc, rfc_default_ksf);
	tcase_add_test(tc, rfc_bit_flips);
	tcase_add_test(tc, rfc_misuse);
	tcase_add_test(tc, ksf_zero_refused);
	suite_add_tcase(s, tc);
	return s;
}
