/* Users, registration (RFC and client-dealt threshold), password change and
 * login for any (t, n). The step names follow RFC 9807 sections 5 and 6;
 * the threshold changes are described in docs/TPAKE.md. */
#include <string.h>

#include <sodium.h>

#include "tpake_int.h"

#define UPLOAD_TAG "TPU1"
#define USER_TAG   "TPS1"
#define HDR_BYTES  7

static int
params_ok(uint8_t t, uint8_t n)
{
	return t >= 1 && t <= n && n <= TPAKE_MAX_SERVERS;
}

/* ------------------------------------------------------------------ */
/* Server keys and users                                              */
/* ------------------------------------------------------------------ */

int
tpake_server_key_generate(struct tpake_server_key *key, const uint8_t *seed)
{
	uint8_t s[TPAKE_SEED_BYTES];
	int rv;

	ARG_CHECK(key != NULL);
	if (seed != NULL)
		memcpy(s, seed, sizeof(s));
	else
		lk_random(s, sizeof(s));
	rv = tpake_dh_keypair(&key->sk, &key->pk, s);
	lk_wipe(s, sizeof(s));
	if (rv != 0)
		lk_wipe(key, sizeof(*key));
	return rv;
}

int
tpake_server_key_check(const struct tpake_server_key *key)
{
	struct tpake_element pk;
	int rv;

	ARG_CHECK(key != NULL);
	if ((rv = tpake_scalar_check(&key->sk)) != 0)
		return rv;
	if ((rv = tpake_base_mul(&pk, &key->sk)) != 0)
		return rv;
	return lk_ct_eq(pk.b, key->pk.b, 32) ? 0 : TPAKE_EPOINT;
}

int
tpake_oprf_key_from_seed(struct tpake_scalar *oprf_key,
    const uint8_t oprf_seed[static TPAKE_OPRF_SEED_BYTES],
    struct tpake_bytes user_id)
{
	static const char info[] = "OPAQUE-DeriveKeyPair";
	uint8_t seed[32];
	struct tpake_iov in[2];
	int rv;

	ARG_CHECK(oprf_key != NULL && oprf_seed != NULL);
	if ((rv = tpake_check_len(user_id, TPAKE_MAX_IDENTITY)) != 0)
		return rv;
	/* seed = Expand(oprf_seed, credential_identifier || "OprfKey", Nok) */
	in[0] = (struct tpake_iov) { user_id.p, user_id.len };
	in[1] = (struct tpake_iov) { "OprfKey", 7 };
	tpake_expand_iov(seed, 32, oprf_seed, TPAKE_OPRF_SEED_BYTES, in, 2);
	rv = tpake_oprf_derive_key_pair(oprf_key, NULL, TPAKE_MODE_OPRF, seed,
	    (const uint8_t *) info, sizeof(info) - 1);
	lk_wipe(seed, sizeof(seed));
	return rv;
}

void
tpake_user_clear(struct tpake_user *user)
{
	if (user != NULL)
		lk_wipe(user, sizeof(*user));
}

int
tpake_user_from_record(struct tpake_user *user,
    const struct tpake_scalar *oprf_key,
    const uint8_t record[static TPAKE_RECORD_BYTES])
{
	struct tpake_user u;
	int rv;

	ARG_CHECK(user != NULL && oprf_key != NULL && record != NULL);
	memset(&u, 0, sizeof(u));
	if ((rv = tpake_scalar_check(oprf_key)) != 0)
		goto out;
	if ((rv = tpake_element_check(record)) != 0)
		goto out;
	u.t = u.n = u.index = 1;
	u.share = *oprf_key;
	if ((rv = tpake_base_mul(&u.commit[0], oprf_key)) != 0)
		goto out;
	memcpy(u.record, record, TPAKE_RECORD_BYTES);
	*user = u;
out:
	lk_wipe(&u, sizeof(u));
	return rv;
}

int
tpake_user_fake(struct tpake_user *user,
    const uint8_t seed[static TPAKE_OPRF_SEED_BYTES],
    struct tpake_bytes user_id, uint8_t index, uint8_t t, uint8_t n)
{
	static const char coeff_dst[] = "TPAKE-v1-FakeCoefficient";
	static const char pkc_dst[] = "TPAKE-v1-FakeClientKey";
	struct tpake_scalar a[TPAKE_MAX_SERVERS];
	struct tpake_user u;
	uint8_t prk[64], l2[2], tj[2], h[64];
	struct tpake_iov in[3];
	uint8_t j;
	int rv;

	ARG_CHECK(user != NULL && seed != NULL && params_ok(t, n));
	ARG_CHECK(index >= 1 && index <= n);
	if ((rv = tpake_check_len(user_id, TPAKE_MAX_IDENTITY)) != 0)
		return rv;
	memset(&u, 0, sizeof(u));
	u.t = t;
	u.n = n;
	u.index = index;
	/* prk = Expand(seed, "TPAKE-v1 fake" || l2(user_id) || user_id, 64):
	 * independent of the index, so a shared seed gives consistent fakes. */
	l2[0] = (uint8_t) (user_id.len >> 8);
	l2[1] = (uint8_t) user_id.len;
	in[0] = (struct tpake_iov) { "TPAKE-v1 fake", 13 };
	in[1] = (struct tpake_iov) { l2, 2 };
	in[2] = (struct tpake_iov) { user_id.p, user_id.len };
	tpake_expand_iov(prk, 64, seed, TPAKE_OPRF_SEED_BYTES, in, 3);

	if (n == 1) {
		/* RFC 9807: the OPRF key of an unknown user is derived like a
		 * real user's. */
		rv = tpake_oprf_key_from_seed(&u.share, seed, user_id);
		if (rv != 0)
			goto out;
		if ((rv = tpake_base_mul(&u.commit[0], &u.share)) != 0)
			goto out;
	} else {
		for (j = 0; j < t; j++) {
			tj[0] = t;
			tj[1] = j;
			in[0] = (struct tpake_iov) { prk, 64 };
			in[1] = (struct tpake_iov) { tj, 2 };
			rv = tpake_hash_to_scalar(&a[j], in, 2,
			    (const uint8_t *) coeff_dst, sizeof(coeff_dst) - 1);
			if (rv != 0)
				goto out;
			if (tpake_base_mul(&u.commit[j], &a[j]) != 0) {
				rv = TPAKE_EDERIVE;
				goto out;
			}
		}
		tpake_poly_eval(&u.share, a, t, index);
		if (tpake_scalar_check(&u.share) != 0) {
			rv = TPAKE_EDERIVE;
			goto out;
		}
	}
	/* Fake record: pkC || masking_key || 96 zero bytes (RFC 9807 6.3.2.2
	 * with the randomness drawn from the seed, so it is stable). pkC is
	 * hashed to the group, not derived from a private key: every holder
	 * of the seed (in threshold mode every server) could otherwise
	 * compute skC and answer KE2 with a valid KE3 for any unknown user.
	 * RFC 9807 likewise draws a random element and keeps no key. */
	in[0] = (struct tpake_iov) { prk, 64 };
	rv = tpake_xmd_sha512(
	    h, 64, in, 1, (const uint8_t *) pkc_dst, sizeof(pkc_dst) - 1);
	if (rv != 0)
		goto out;
	crypto_core_ristretto255_from_hash(u.record, h);
	if (tpake_element_check(u.record) != 0) {
		rv = TPAKE_EDERIVE;
		goto out;
	}
	tpake_masking_key(u.record + 32, prk, n, index);
	*user = u;
out:
	lk_wipe(a, sizeof(a));
	lk_wipe(&u, sizeof(u));
	lk_wipe(prk, sizeof(prk));
	lk_wipe(h, sizeof(h));
	return rv;
}

/* Shared layout of uploads and stored users:
 * tag[4] || t || n || index || share || C_0..C_{t-1} || record. */
static void
user_write(uint8_t *out, const char *tag, const struct tpake_user *u)
{
	uint8_t j;

	memcpy(out, tag, 4);
	out[4] = u->t;
	out[5] = u->n;
	out[6] = u->index;
	out += HDR_BYTES;
	memcpy(out, u->share.b, 32);
	out += 32;
	for (j = 0; j < u->t; j++, out += 32)
		memcpy(out, u->commit[j].b, 32);
	memcpy(out, u->record, TPAKE_RECORD_BYTES);
}

static int
user_read(
    struct tpake_user *out, const char *tag, const uint8_t *in, size_t len)
{
	struct tpake_user u;
	uint8_t j;
	int rv = TPAKE_EDECODE;

	memset(&u, 0, sizeof(u));
	if (len < HDR_BYTES || memcmp(in, tag, 4) != 0)
		goto out;
	u.t = in[4];
	u.n = in[5];
	u.index = in[6];
	if (!params_ok(u.t, u.n) || u.index < 1 || u.index > u.n)
		goto out;
	if (len != TPAKE_USER_BYTES(u.t))
		goto out;
	in += HDR_BYTES;
	memcpy(u.share.b, in, 32);
	in += 32;
	if ((rv = tpake_scalar_check(&u.share)) != 0)
		goto out;
	for (j = 0; j < u.t; j++, in += 32) {
		memcpy(u.commit[j].b, in, 32);
		if ((rv = tpake_element_check(u.commit[j].b)) != 0)
			goto out;
	}
	memcpy(u.record, in, TPAKE_RECORD_BYTES);
	if ((rv = tpake_element_check(u.record)) != 0)
		goto out;
	*out = u;
	rv = 0;
out:
	lk_wipe(&u, sizeof(u));
	return rv;
}

int
tpake_user_encode(uint8_t *out, size_t *outlen, const struct tpake_user *user)
{
	size_t need;

	ARG_CHECK(out != NULL && outlen != NULL && user != NULL);
	ARG_CHECK(params_ok(user->t, user->n));
	need = TPAKE_USER_BYTES(user->t);
	if (*outlen < need)
		return TPAKE_ETOOBIG;
	user_write(out, USER_TAG, user);
	*outlen = need;
	return 0;
}

int
tpake_user_decode(struct tpake_user *user, const uint8_t *in, size_t len)
{
	ARG_CHECK(user != NULL && (in != NULL || len == 0));
	return user_read(user, USER_TAG, in, len);
}

/* ------------------------------------------------------------------ */
/* Registration, RFC mode                                             */
/* ------------------------------------------------------------------ */

void
tpake_client_reg_clear(struct tpake_client_reg *st)
{
	if (st != NULL)
		lk_wipe(st, sizeof(*st));
}

int
tpake_client_register_start(struct tpake_client_reg *st,
    uint8_t request[static TPAKE_REG_REQUEST_BYTES], const uint8_t *pw,
    size_t pwlen, const struct tpake_scalar *fixed_blind)
{
	struct tpake_client_reg s;
	struct tpake_element blinded;
	int rv;

	ARG_CHECK(st != NULL && request != NULL && (pw != NULL || pwlen == 0));
	if (pwlen > TPAKE_MAX_PASSWORD)
		return TPAKE_ETOOBIG;
	memset(&s, 0, sizeof(s));
	rv = tpake_oprf_blind(
	    &s.blind, &blinded, TPAKE_MODE_OPRF, pw, pwlen, fixed_blind);
	if (rv != 0)
		goto out;
	if (pwlen > 0)
		memcpy(s.pw, pw, pwlen);
	s.pwlen = pwlen;
	s.phase = 1;
	memcpy(request, blinded.b, 32);
	*st = s;
out:
	lk_wipe(&s, sizeof(s));
	return rv;
}

int
tpake_server_register_respond(uint8_t response[static TPAKE_REG_RESPONSE_BYTES],
    const struct tpake_scalar *oprf_key, const struct tpake_element *server_pk,
    const uint8_t request[static TPAKE_REG_REQUEST_BYTES])
{
	int rv;

	ARG_CHECK(response != NULL && oprf_key != NULL && server_pk != NULL);
	ARG_CHECK(request != NULL);
	memset(response, 0, TPAKE_REG_RESPONSE_BYTES);
	if ((rv = tpake_scalar_check(oprf_key)) != 0)
		return rv;
	if ((rv = tpake_mul(response, oprf_key, request)) != 0)
		return rv;
	memcpy(response + 32, server_pk->b, 32);
	return 0;
}

/* Builds record = pkC || masking_key || nonce || auth_tag for one server
 * from rwd and the keys already derived from (rwd, nonce). */
static int
make_record(uint8_t record[TPAKE_RECORD_BYTES], const uint8_t rwd[64],
    const struct tpake_env_keys *keys, const uint8_t nonce[32],
    const struct tpake_element *server_pk, struct tpake_bytes server_id,
    struct tpake_bytes client_id, uint8_t n, uint8_t index,
    const struct tpake_env_ext *ext)
{
	memcpy(record, keys->client_pk.b, 32);
	tpake_masking_key(record + 32, rwd, n, index);
	memcpy(record + 96, nonce, 32);
	return tpake_env_tag(
	    record + 128, keys, nonce, server_pk, server_id, client_id, ext);
}

int
tpake_client_register_finish(struct tpake_client_reg *st,
    uint8_t record[static TPAKE_RECORD_BYTES],
    uint8_t export_key[static TPAKE_EXPORT_KEY_BYTES],
    struct tpake_element *server_pk,
    const uint8_t response[static TPAKE_REG_RESPONSE_BYTES],
    struct tpake_bytes client_id, struct tpake_bytes server_id,
    const struct tpake_ksf *ksf, const uint8_t *fixed_nonce)
{
	struct tpake_env_keys keys;
	struct tpake_element z, pks;
	uint8_t y[64], rwd[64], nonce[32];
	int rv;

	ARG_CHECK(st != NULL && record != NULL && export_key != NULL);
	ARG_CHECK(response != NULL && ksf != NULL);
	memset(record, 0, TPAKE_RECORD_BYTES);
	memset(export_key, 0, TPAKE_EXPORT_KEY_BYTES);
	memset(&keys, 0, sizeof(keys));
	memset(y, 0, sizeof(y));
	memset(rwd, 0, sizeof(rwd));
	if (st->phase != 1)
		return TPAKE_ESTATE;
	if ((rv = tpake_check_len(client_id, TPAKE_MAX_IDENTITY)) != 0
	    || (rv = tpake_check_len(server_id, TPAKE_MAX_IDENTITY)) != 0)
		return rv;
	memcpy(z.b, response, 32);
	memcpy(pks.b, response + 32, 32);
	if ((rv = tpake_element_check(pks.b)) != 0)
		return rv;
	rv = tpake_oprf_finalize(y, st->pw, st->pwlen, &st->blind, &z);
	if (rv != 0)
		goto out;
	if ((rv = tpake_ksf_rwd(rwd, y, ksf)) != 0)
		goto out;
	if (fixed_nonce != NULL)
		memcpy(nonce, fixed_nonce, 32);
	else
		lk_random(nonce, 32);
	if ((rv = tpake_env_keys(&keys, rwd, nonce)) != 0)
		goto out;
	rv = make_record(
	    record, rwd, &keys, nonce, &pks, server_id, client_id, 1, 1, NULL);
	if (rv != 0)
		goto out;
	memcpy(export_key, keys.export_key, 64);
	if (server_pk != NULL)
		*server_pk = pks;
	tpake_client_reg_clear(st);
out:
	if (rv != 0) {
		memset(record, 0, TPAKE_RECORD_BYTES);
		memset(export_key, 0, TPAKE_EXPORT_KEY_BYTES);
	}
	tpake_env_keys_clear(&keys);
	lk_wipe(y, sizeof(y));
	lk_wipe(rwd, sizeof(rwd));
	return rv;
}

/* ------------------------------------------------------------------ */
/* Registration and password change, threshold mode                  */
/* ------------------------------------------------------------------ */

int
tpake_client_register_deal(uint8_t *uploads, size_t uploads_len,
    uint8_t export_key[static TPAKE_EXPORT_KEY_BYTES], uint8_t *commit_hash,
    const struct tpake_deal_params *p, const uint8_t *pw, size_t pwlen,
    const struct tpake_deal_rand *rnd)
{
	struct tpake_scalar a[TPAKE_MAX_SERVERS];
	struct tpake_user u;
	struct tpake_env_keys keys;
	struct tpake_env_ext ext;
	struct tpake_element hp;
	struct tpake_iov in = { pw, pwlen };
	uint8_t y[64], rwd[64], nonce[32], h[64], unblinded[32];
	size_t per;
	uint8_t i, j;
	int rv;

	ARG_CHECK(uploads != NULL && export_key != NULL && p != NULL);
	ARG_CHECK(pw != NULL || pwlen == 0);
	ARG_CHECK(params_ok(p->t, p->n) && p->server_pk != NULL);
	per = TPAKE_UPLOAD_BYTES(p->t);
	ARG_CHECK(uploads_len == (size_t) p->n * per);
	if (pwlen > TPAKE_MAX_PASSWORD)
		return TPAKE_ETOOBIG;
	if ((rv = tpake_check_len(p->client_id, TPAKE_MAX_IDENTITY)) != 0)
		return rv;
	for (i = 0; i < p->n; i++) {
		if ((rv = tpake_check_len(p->server_id[i], TPAKE_MAX_IDENTITY))
		        != 0
		    || (rv = tpake_element_check(p->server_pk[i].b)) != 0)
			return rv;
	}
	memset(uploads, 0, uploads_len);
	memset(export_key, 0, TPAKE_EXPORT_KEY_BYTES);
	memset(&u, 0, sizeof(u));
	memset(&keys, 0, sizeof(keys));
	memset(y, 0, sizeof(y));
	memset(rwd, 0, sizeof(rwd));
	memset(unblinded, 0, sizeof(unblinded));

	/* f(x) = a_0 + a_1 x + ... + a_{t-1} x^{t-1}, k = a_0; C_j = a_j G */
	u.t = p->t;
	u.n = p->n;
	for (j = 0; j < p->t; j++) {
		if (rnd != NULL) {
			a[j] = rnd->coeff[j];
			if ((rv = tpake_scalar_check(&a[j])) != 0)
				goto out;
		} else {
			tpake_scalar_random(&a[j]);
		}
		if ((rv = tpake_base_mul(&u.commit[j], &a[j])) != 0)
			goto out;
	}
	tpake_commit_hash(h, u.commit, p->t, p->n);

	/* rwd from F_k(pw) = Finalize(pw, k * HashToGroup(pw)), computed
	 * directly: the client holds k during registration only. */
	if ((rv = tpake_hash_to_group(&hp, TPAKE_MODE_OPRF, &in, 1)) != 0)
		goto out;
	if ((rv = tpake_mul(unblinded, &a[0], hp.b)) != 0)
		goto out;
	tpake_finalize_unblinded(y, pw, pwlen, unblinded);
	if ((rv = tpake_ksf_rwd(rwd, y, &p->ksf)) != 0)
		goto out;
	if (rnd != NULL)
		memcpy(nonce, rnd->envelope_nonce, 32);
	else
		lk_random(nonce, 32);
	/* One envelope nonce for every server: one skC, one export_key. */
	if ((rv = tpake_env_keys(&keys, rwd, nonce)) != 0)
		goto out;

	for (i = 1; i <= p->n; i++) {
		u.index = i;
		tpake_poly_eval(&u.share, a, p->t, i);
		if ((rv = tpake_scalar_check(&u.share)) != 0)
			goto out;
		tpake_env_ext_init(&ext, p->t, p->n, i, h);
		rv = make_record(u.record, rwd, &keys, nonce,
		    &p->server_pk[i - 1], p->server_id[i - 1], p->client_id,
		    p->n, i, &ext);
		if (rv != 0)
			goto out;
		user_write(uploads + (i - 1) * per, UPLOAD_TAG, &u);
	}
	memcpy(export_key, keys.export_key, 64);
	if (commit_hash != NULL)
		memcpy(commit_hash, h, 64);
out:
	if (rv != 0) {
		lk_wipe(uploads, uploads_len);
		memset(export_key, 0, TPAKE_EXPORT_KEY_BYTES);
	}
	lk_wipe(a, sizeof(a));
	lk_wipe(&u, sizeof(u));
	lk_wipe(&hp, sizeof(hp));
	tpake_env_keys_clear(&keys);
	lk_wipe(y, sizeof(y));
	lk_wipe(rwd, sizeof(rwd));
	lk_wipe(unblinded, sizeof(unblinded));
	return rv;
}

int
tpake_server_register_accept(struct tpake_user *user, uint8_t *commit_hash,
    const uint8_t *upload, size_t len, uint8_t index, uint8_t t, uint8_t n)
{
	struct tpake_user u;
	struct tpake_element want, have;
	int rv;

	ARG_CHECK(user != NULL && (upload != NULL || len == 0));
	ARG_CHECK(params_ok(t, n) && index >= 1 && index <= n);
	if ((rv = user_read(&u, UPLOAD_TAG, upload, len)) != 0)
		return rv;
	if (u.t != t || u.n != n || u.index != index) {
		rv = TPAKE_EDECODE;
		goto out;
	}
	/* Feldman: share * G == sum_j index^j C_j */
	if ((rv = tpake_commit_eval(&want, u.commit, t, index)) != 0)
		goto out;
	if ((rv = tpake_base_mul(&have, &u.share)) != 0)
		goto out;
	if (!lk_ct_eq(want.b, have.b, 32)) {
		rv = TPAKE_ESHARE;
		goto out;
	}
	if (commit_hash != NULL)
		tpake_commit_hash(commit_hash, u.commit, t, n);
	*user = u;
out:
	lk_wipe(&u, sizeof(u));
	return rv;
}

int
tpake_server_password_change(struct tpake_user *user, uint8_t *commit_hash,
    const struct tpake_user *old, const uint8_t *upload, size_t len)
{
	struct tpake_user u;
	int rv;

	ARG_CHECK(user != NULL && old != NULL);
	ARG_CHECK(params_ok(old->t, old->n));
	rv = tpake_server_register_accept(
	    &u, commit_hash, upload, len, old->index, old->t, old->n);
	if (rv != 0)
		return rv;
	/* A fresh OPRF key and a fresh envelope: re-sending the current
	 * registration is not a password change. */
	if (lk_ct_eq(u.commit[0].b, old->commit[0].b, 32)
	    || lk_ct_eq(u.record + 96, old->record + 96, 32)) {
		rv = TPAKE_EREPLAY;
		if (commit_hash != NULL)
			memset(commit_hash, 0, TPAKE_COMMIT_HASH_BYTES);
		goto out;
	}
	*user = u;
out:
	lk_wipe(&u, sizeof(u));
	return rv;
}

/* ------------------------------------------------------------------ */
/* Login                                                              */
/* ------------------------------------------------------------------ */

void
tpake_attempt_id(uint8_t out[static TPAKE_ATTEMPT_ID_BYTES],
    struct tpake_bytes user_id, const uint8_t ke1[static TPAKE_KE1_BYTES])
{
	struct lk_transcript tr;
	uint8_t d[64];

	lk_transcript_init(&tr, "TPAKE-v1/attempt");
	lk_transcript_append(&tr, "user", user_id.p, user_id.len);
	lk_transcript_append(&tr, "KE1", ke1, TPAKE_KE1_BYTES);
	lk_transcript_digest(&tr, d);
	lk_transcript_clear(&tr);
	memcpy(out, d, TPAKE_ATTEMPT_ID_BYTES);
}

void
tpake_client_login_clear(struct tpake_client_login *st)
{
	if (st != NULL)
		lk_wipe(st, sizeof(*st));
}

void
tpake_client_result_clear(struct tpake_client_result *res)
{
	if (res != NULL)
		lk_wipe(res, sizeof(*res));
}

void
tpake_server_login_clear(struct tpake_server_login *st)
{
	if (st != NULL)
		lk_wipe(st, sizeof(*st));
}

int
tpake_client_login_start(struct tpake_client_login *st,
    uint8_t ke1[static TPAKE_KE1_BYTES], const uint8_t *pw, size_t pwlen,
    const struct tpake_client_rand *rnd)
{
	struct tpake_client_login s;
	struct tpake_element blinded, epk;
	uint8_t seed[32];
	int rv;

	ARG_CHECK(st != NULL && ke1 != NULL && (pw != NULL || pwlen == 0));
	if (pwlen > TPAKE_MAX_PASSWORD)
		return TPAKE_ETOOBIG;
	memset(&s, 0, sizeof(s));
	rv = tpake_oprf_blind(&s.blind, &blinded, TPAKE_MODE_OPRF, pw, pwlen,
	    rnd != NULL ? &rnd->blind : NULL);
	if (rv != 0)
		goto out;
	memcpy(s.ke1, blinded.b, 32);
	if (rnd != NULL) {
		memcpy(s.ke1 + 32, rnd->nonce, 32);
		memcpy(seed, rnd->keyshare_seed, 32);
	} else {
		lk_random(s.ke1 + 32, 32);
		lk_random(seed, 32);
	}
	if ((rv = tpake_dh_keypair(&s.esk, &epk, seed)) != 0)
		goto out;
	memcpy(s.ke1 + 64, epk.b, 32);
	if (pwlen > 0)
		memcpy(s.pw, pw, pwlen);
	s.pwlen = pwlen;
	s.phase = 1;
	memcpy(ke1, s.ke1, TPAKE_KE1_BYTES);
	*st = s;
out:
	lk_wipe(&s, sizeof(s));
	lk_wipe(seed, sizeof(seed));
	return rv;
}

int
tpake_server_login_start(struct tpake_server_login *st,
    uint8_t ke2[static TPAKE_KE2_BYTES], uint8_t *ext, size_t *ext_len,
    const struct tpake_server_key *key, const struct tpake_user *user,
    struct tpake_bytes user_id, const uint8_t ke1[static TPAKE_KE1_BYTES],
    const struct tpake_idents *ids, const struct tpake_server_rand *rnd)
{
	struct tpake_server_rand r;
	struct tpake_ake_keys ak;
	struct tpake_scalar esk;
	struct tpake_element epk, pkc;
	struct tpake_dleq_ctx dctx;
	uint8_t ikm[96], aid[TPAKE_ATTEMPT_ID_BYTES], h[64];
	size_t need;
	uint8_t j;
	int rv;

	ARG_CHECK(st != NULL && ke2 != NULL && ext_len != NULL);
	ARG_CHECK(key != NULL && user != NULL && ke1 != NULL && ids != NULL);
	ARG_CHECK(params_ok(user->t, user->n));
	ARG_CHECK(user->index >= 1 && user->index <= user->n);
	need = user->n > 1 ? TPAKE_EXT_BYTES(user->t) : 0;
	ARG_CHECK(ext != NULL || need == 0);
	/* Threshold proofs are bound to H(user_id, KE1). */
	ARG_CHECK(user->n == 1 || user_id.p != NULL);
	if (*ext_len < need)
		return TPAKE_ETOOBIG;
	if ((rv = tpake_check_len(user_id, TPAKE_MAX_IDENTITY)) != 0
	    || (rv = tpake_check_len(ids->client_id, TPAKE_MAX_IDENTITY)) != 0
	    || (rv = tpake_check_len(ids->server_id, TPAKE_MAX_IDENTITY)) != 0
	    || (rv = tpake_check_len(ids->context, TPAKE_MAX_IDENTITY)) != 0)
		return rv;
	memset(ke2, 0, TPAKE_KE2_BYTES);
	memset(&ak, 0, sizeof(ak));
	memset(&esk, 0, sizeof(esk));
	memset(ikm, 0, sizeof(ikm));
	if (rnd != NULL)
		r = *rnd;
	else
		lk_random(&r, sizeof(r));

	/* CreateCredentialResponse: Z = share * B (the identity and invalid
	 * encodings are rejected here) */
	if ((rv = tpake_mul(ke2, &user->share, ke1)) != 0)
		goto out;
	if (user->n > 1) {
		/* Threshold: prove log_G(pk_i) = log_B(Z_i) for this attempt */
		tpake_attempt_id(aid, user_id, ke1);
		tpake_commit_hash(h, user->commit, user->t, user->n);
		dctx = (struct tpake_dleq_ctx) { aid, h, user->t, user->n,
			user->index };
		rv = tpake_dleq_prove(
		    ext, &dctx, &user->share, ke1, ke2, r.proof_nonce);
		if (rv != 0)
			goto out;
		for (j = 0; j < user->t; j++)
			memcpy(ext + TPAKE_PROOF_BYTES + 32 * (size_t) j,
			    user->commit[j].b, 32);
	}
	memcpy(ke2 + 32, r.masking_nonce, 32);
	memcpy(ke2 + 64, key->pk.b, 32);
	memcpy(ke2 + 96, user->record + 96, TPAKE_ENVELOPE_BYTES);
	tpake_mask(ke2 + 64, user->record + 32, r.masking_nonce);

	/* AuthServerRespond: 3DH with eskS*epkC, skS*epkC, eskS*pkC */
	memcpy(ke2 + 192, r.server_nonce, 32);
	if ((rv = tpake_dh_keypair(&esk, &epk, r.keyshare_seed)) != 0)
		goto out;
	memcpy(ke2 + 224, epk.b, 32);
	memcpy(pkc.b, user->record, 32);
	if ((rv = tpake_mul(ikm, &esk, ke1 + 64)) != 0
	    || (rv = tpake_mul(ikm + 32, &key->sk, ke1 + 64)) != 0
	    || (rv = tpake_mul(ikm + 64, &esk, pkc.b)) != 0)
		goto out;
	rv = tpake_ake_keys(&ak, ikm, ids->context, ids->client_id, &pkc, ke1,
	    ids->server_id, &key->pk, ke2);
	if (rv != 0)
		goto out;
	memcpy(ke2 + 256, ak.server_mac, 64);
	memcpy(st->expected_mac, ak.client_mac, 64);
	memcpy(st->session_key, ak.session_key, 64);
	st->phase = 1;
	*ext_len = need;
out:
	if (rv != 0) {
		memset(ke2, 0, TPAKE_KE2_BYTES);
		if (need > 0)
			memset(ext, 0, need);
	}
	lk_wipe(&r, sizeof(r));
	lk_wipe(&ak, sizeof(ak));
	lk_wipe(&esk, sizeof(esk));
	lk_wipe(ikm, sizeof(ikm));
	return rv;
}

int
tpake_server_login_finish(struct tpake_server_login *st,
    uint8_t session_key[static TPAKE_SESSION_KEY_BYTES],
    const uint8_t ke3[static TPAKE_KE3_BYTES])
{
	int ok;

	ARG_CHECK(st != NULL && session_key != NULL && ke3 != NULL);
	memset(session_key, 0, TPAKE_SESSION_KEY_BYTES);
	if (st->phase != 1)
		return TPAKE_ESTATE;
	ok = lk_ct_eq(ke3, st->expected_mac, TPAKE_KE3_BYTES);
	if (ok)
		memcpy(session_key, st->session_key, TPAKE_SESSION_KEY_BYTES);
	tpake_server_login_clear(st);
	return ok ? 0 : TPAKE_EAUTH;
}

static void
blame_add(struct tpake_blame *b, uint8_t index, int reason)
{
	size_t k;

	for (k = 0; k < b->count; k++)
		if (b->index[k] == index)
			return;
	if (b->count < TPAKE_MAX_SERVERS) {
		b->index[b->count] = index;
		b->reason[b->count] = reason;
		b->count++;
	}
}

/* n > 1: agree on the commitments, verify every proof, and combine t
 * partials into Z = sum lambda_i Z_i. */
static int
combine(uint8_t z[32], struct tpake_blame *blame,
    const struct tpake_client_login *st, const struct tpake_login_params *p,
    const struct tpake_reply *rep, size_t m)
{
	struct tpake_element commit[TPAKE_MAX_SERVERS], pk;
	struct tpake_scalar lambda;
	struct tpake_dleq_ctx dctx;
	uint8_t aid[TPAKE_ATTEMPT_ID_BYTES], h[64], set[TPAKE_MAX_SERVERS];
	uint8_t term[32];
	size_t cl = (size_t) p->t * 32, k, l, best = 0, best_votes = 0;
	size_t votes[TPAKE_MAX_SERVERS];
	int rv;

	/* The commitments of at least t answers must agree. All honest
	 * servers hold the same ones and at most t-1 servers lie, so a set
	 * of t equal answers contains an honest one and is the true set;
	 * anyone who sent other commitments is blamed. */
	for (k = 0; k < m; k++) {
		votes[k] = 0;
		for (l = 0; l < m; l++)
			votes[k] += memcmp(rep[k].ext + TPAKE_PROOF_BYTES,
			                rep[l].ext + TPAKE_PROOF_BYTES, cl)
			    == 0;
		if (votes[k] > best_votes) {
			best_votes = votes[k];
			best = k;
		}
	}
	if (best_votes < p->t)
		return TPAKE_EQUORUM;
	/* A second group of t or more with other commitments means t or more
	 * liars or a tampering network: which group is honest cannot be
	 * told, and the order of the answers must not decide who is
	 * blamed. */
	for (k = 0; k < m; k++)
		if (votes[k] >= p->t
		    && memcmp(rep[k].ext + TPAKE_PROOF_BYTES,
		           rep[best].ext + TPAKE_PROOF_BYTES, cl)
		        != 0)
			return TPAKE_EQUORUM;
	for (k = 0; k < p->t; k++) {
		memcpy(commit[k].b, rep[best].ext + TPAKE_PROOF_BYTES + 32 * k,
		    32);
		if (tpake_element_check(commit[k].b) != 0)
			return TPAKE_EQUORUM;
	}
	tpake_commit_hash(h, commit, p->t, p->n);
	tpake_attempt_id(aid, p->user_id, st->ke1);

	/* Every other partial must carry a valid proof against
	 * pk_i = sum_j i^j C_j. */
	for (k = 0; k < m; k++) {
		if (memcmp(rep[k].ext + TPAKE_PROOF_BYTES,
		        rep[best].ext + TPAKE_PROOF_BYTES, cl)
		    != 0) {
			blame_add(blame, rep[k].index, TPAKE_ECOMMIT);
			continue;
		}
		if (tpake_element_check(rep[k].ke2) != 0) {
			blame_add(blame, rep[k].index, TPAKE_EPOINT);
			continue;
		}
		if ((rv = tpake_commit_eval(&pk, commit, p->t, rep[k].index))
		    != 0)
			return TPAKE_EQUORUM;
		dctx = (struct tpake_dleq_ctx) { aid, h, p->t, p->n,
			rep[k].index };
		if (tpake_dleq_verify(
		        &dctx, &pk, st->ke1, rep[k].ke2, rep[k].ext)
		    != 0)
			blame_add(blame, rep[k].index, TPAKE_EPROOF);
	}
	if (blame->count > 0)
		return TPAKE_EPEER;

	/* Lagrange interpolation at 0 over the first t answers (every
	 * partial was validated above, so no step can fail). */
	rv = 0;
	for (k = 0; k < p->t; k++)
		set[k] = rep[k].index;
	for (k = 0; k < p->t; k++) {
		if (p->t == 1) {
			memcpy(term, rep[k].ke2, 32);
		} else {
			tpake_lagrange(&lambda, set[k], set, p->t);
			if (tpake_mul(term, &lambda, rep[k].ke2) != 0)
				rv = TPAKE_EQUORUM;
		}
		if (k == 0)
			memcpy(z, term, 32);
		else if (tpake_add(z, z, term) != 0)
			rv = TPAKE_EQUORUM;
	}
	lk_wipe(term, sizeof(term));
	return rv;
}

int
tpake_client_login_finish(struct tpake_client_login *st,
    struct tpake_client_result *res, struct tpake_blame *blame,
    const struct tpake_login_params *p, const struct tpake_reply *replies,
    size_t m)
{
	struct tpake_blame bl;
	struct tpake_env_keys keys, cand;
	struct tpake_env_ext ext;
	struct tpake_ake_keys ak;
	struct tpake_element z, pks[TPAKE_MAX_SERVERS];
	uint8_t y[64], rwd[64], mk[64], resp[TPAKE_MAX_SERVERS][128];
	uint8_t tag[64], ikm[96], h[64], ref_nonce[32];
	int opened[TPAKE_MAX_SERVERS], good[TPAKE_MAX_SERVERS];
	int have_keys = 0, nopen = 0, ngood = 0;
	size_t k, l, extlen;
	int rv;

	ARG_CHECK(st != NULL && res != NULL && p != NULL && replies != NULL);
	ARG_CHECK(params_ok(p->t, p->n));
	ARG_CHECK(p->n == 1 || p->user_id.p != NULL);
	if (blame != NULL)
		memset(blame, 0, sizeof(*blame));
	memset(&bl, 0, sizeof(bl));
	memset(res, 0, sizeof(*res));
	if (st->phase != 1)
		return TPAKE_ESTATE;
	if ((rv = tpake_check_len(p->user_id, TPAKE_MAX_IDENTITY)) != 0
	    || (rv = tpake_check_len(p->client_id, TPAKE_MAX_IDENTITY)) != 0
	    || (rv = tpake_check_len(p->context, TPAKE_MAX_IDENTITY)) != 0)
		return rv;
	if (p->server_pk != NULL)
		for (k = 0; k < p->n; k++)
			if ((rv = tpake_element_check(p->server_pk[k].b)) != 0)
				return rv;
	if (m < p->t)
		return TPAKE_EQUORUM;
	ARG_CHECK(m <= p->n);
	extlen = p->n > 1 ? TPAKE_EXT_BYTES(p->t) : 0;
	for (k = 0; k < m; k++) {
		ARG_CHECK(replies[k].ke2 != NULL);
		ARG_CHECK(replies[k].index >= 1 && replies[k].index <= p->n);
		for (l = 0; l < k; l++)
			ARG_CHECK(replies[l].index != replies[k].index);
		if ((rv = tpake_check_len(
		         replies[k].server_id, TPAKE_MAX_IDENTITY))
		    != 0)
			return rv;
		if (replies[k].ext_len != extlen
		    || (extlen > 0 && replies[k].ext == NULL))
			blame_add(&bl, replies[k].index, TPAKE_EDECODE);
		/* The server keyshare does not depend on the password: check
		 * it here, where blaming it tells nothing about the password.
		 */
		else if (tpake_element_check(replies[k].ke2 + 224) != 0)
			blame_add(&bl, replies[k].index, TPAKE_EPOINT);
	}
	if (bl.count > 0) {
		rv = TPAKE_EPEER;
		goto out_early;
	}

	memset(&keys, 0, sizeof(keys));
	memset(&cand, 0, sizeof(cand));
	memset(&ak, 0, sizeof(ak));
	memset(y, 0, sizeof(y));
	memset(rwd, 0, sizeof(rwd));
	memset(mk, 0, sizeof(mk));
	memset(resp, 0, sizeof(resp));
	memset(ikm, 0, sizeof(ikm));
	memset(h, 0, sizeof(h));

	/* OPRF: the evaluated element (n = 1) or the combination of t
	 * verified partial evaluations (n > 1). */
	if (p->n == 1) {
		memcpy(z.b, replies[0].ke2, 32);
		if (tpake_element_check(z.b) != 0) {
			blame_add(&bl, replies[0].index, TPAKE_EPOINT);
			rv = TPAKE_EPEER;
			goto out;
		}
	} else if ((rv = combine(z.b, &bl, st, p, replies, m)) != 0) {
		goto out;
	}
	if ((rv = tpake_oprf_finalize(y, st->pw, st->pwlen, &st->blind, &z))
	    != 0)
		goto out;
	if ((rv = tpake_ksf_rwd(rwd, y, &p->ksf)) != 0)
		goto out;
	if (p->n > 1) {
		struct tpake_element c[TPAKE_MAX_SERVERS];

		/* combine() succeeded, so every answer carries the agreed
		 * commitments. */
		for (k = 0; k < p->t; k++)
			memcpy(c[k].b,
			    replies[0].ext + TPAKE_PROOF_BYTES + 32 * k, 32);
		tpake_commit_hash(h, c, p->t, p->n);
	}

	/* RecoverCredentials per server: unmask, then open the envelope. All
	 * envelopes share one nonce; the keys hanging off it are derived
	 * from the first envelope that opens. An envelope for another key
	 * than the pinned one does not open. */
	for (k = 0; k < m; k++) {
		const uint8_t *ke2 = replies[k].ke2;
		const uint8_t *nonce = resp[k] + 32;
		uint8_t idx = replies[k].index;
		struct tpake_env_keys *use;

		opened[k] = 0;
		tpake_masking_key(mk, rwd, p->n, idx);
		memcpy(resp[k], ke2 + 64, 128);
		tpake_mask(resp[k], mk, ke2 + 32);
		memcpy(pks[k].b, resp[k], 32);
		if (tpake_element_check(pks[k].b) != 0)
			continue;
		if (p->server_pk != NULL
		    && !lk_ct_eq(pks[k].b, p->server_pk[idx - 1].b, 32))
			continue;
		if (have_keys) {
			if (!lk_ct_eq(nonce, ref_nonce, 32))
				continue;
			use = &keys;
		} else {
			if (tpake_env_keys(&cand, rwd, nonce) != 0)
				continue;
			use = &cand;
		}
		tpake_env_ext_init(&ext, p->t, p->n, idx, h);
		if (tpake_env_tag(tag, use, nonce, &pks[k],
		        replies[k].server_id, p->client_id, &ext)
		    == 0)
			opened[k] = lk_ct_eq(tag, resp[k] + 64, 64);
		if (opened[k] && !have_keys) {
			keys = cand;
			memcpy(ref_nonce, nonce, 32);
			have_keys = 1;
		}
		tpake_env_keys_clear(&cand);
		nopen += opened[k];
	}
	if (nopen == 0) {
		/* Wrong password or unknown user: the uniform failure. */
		rv = TPAKE_EAUTH;
		goto out;
	}

	/* AuthClientFinalize per server whose envelope opened. */
	for (k = 0; k < m; k++) {
		const uint8_t *ke2 = replies[k].ke2;

		good[k] = 0;
		if (!opened[k])
			continue;
		if (tpake_mul(ikm, &st->esk, ke2 + 224) != 0
		    || tpake_mul(ikm + 32, &st->esk, pks[k].b) != 0
		    || tpake_mul(ikm + 64, &keys.client_sk, ke2 + 224) != 0)
			continue;
		rv = tpake_ake_keys(&ak, ikm, p->context, p->client_id,
		    &keys.client_pk, st->ke1, replies[k].server_id, &pks[k],
		    ke2);
		if (rv != 0)
			goto out;
		good[k] = lk_ct_eq(ak.server_mac, ke2 + 256, 64);
		if (!good[k])
			continue;
		ngood++;
		res->index[k] = replies[k].index;
		memcpy(res->session_key[k], ak.session_key, 64);
		memcpy(res->ke3[k], ak.client_mac, 64);
		res->server_pk[k] = pks[k];
	}
	if ((size_t) ngood != m) {
		/* Whether an envelope opens depends on the password, and the
		 * combined OPRF value may be an attacker's own (the aggregator
		 * can deal a sharing with valid proofs for every index, with
		 * up to t-1 malicious servers, which hold their pinned keys,
		 * answering under it): naming the answers that failed would
		 * tell it which envelope, i.e. which password guess, opened.
		 * Only t answers that passed their MAC under pinned keys
		 * include an honest server's, which proves that the sharing
		 * and rwd are the real ones; then the others are at fault and
		 * are named. */
		if (p->server_pk != NULL && (size_t) ngood >= p->t) {
			for (k = 0; k < m; k++)
				if (!good[k])
					blame_add(&bl, replies[k].index,
					    opened[k] ? TPAKE_EMAC
					              : TPAKE_EENVELOPE);
			rv = TPAKE_EPEER;
		} else {
			rv = TPAKE_EAUTH;
		}
		goto out;
	}
	res->count = m;
	res->client_pk = keys.client_pk;
	memcpy(res->export_key, keys.export_key, 64);
	rv = 0;
out:
	tpake_env_keys_clear(&keys);
	tpake_env_keys_clear(&cand);
	lk_wipe(&ak, sizeof(ak));
	lk_wipe(&z, sizeof(z));
	lk_wipe(y, sizeof(y));
	lk_wipe(rwd, sizeof(rwd));
	lk_wipe(mk, sizeof(mk));
	lk_wipe(resp, sizeof(resp));
	lk_wipe(tag, sizeof(tag));
	lk_wipe(ikm, sizeof(ikm));
out_early:
	if (rv != 0)
		tpake_client_result_clear(res);
	else
		tpake_client_login_clear(st);
	if (blame != NULL && (rv == TPAKE_EPEER || rv == TPAKE_EQUORUM))
		*blame = bl;
	return rv;
}
