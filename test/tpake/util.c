/* Helpers of the tpake Check suites: vector loading and an in-process
 * cluster. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "lk_common.h"
#include "tpake_test.h"

const struct tpake_ksf tt_ksf_cheap = { TPAKE_KSF_ARGON2ID, 1, 8192 };
const struct tpake_ksf tt_ksf_identity = { TPAKE_KSF_IDENTITY, 0, 0 };

json_object *
tt_load(const char *name)
{
	const char *dir = getenv("TPAKE_VECTORS");
	char path[512];
	json_object *o;

	snprintf(path, sizeof(path), "%s/%s", dir ? dir : "test/vectors", name);
	o = json_object_from_file(path);
	ck_assert_msg(o != NULL, "cannot load %s", path);
	return o;
}

json_object *
tt_get(json_object *o, const char *key)
{
	json_object *v = NULL;

	ck_assert_msg(json_object_object_get_ex(o, key, &v), "no %s", key);
	return v;
}

size_t
tt_hexv(uint8_t *out, size_t cap, json_object *o, const char *key)
{
	size_t len = cap;

	ck_assert_int_eq(
	    lk_hex_decode(out, &len, json_object_get_string(tt_get(o, key))),
	    0);
	return len;
}

void
tt_hex(uint8_t *out, size_t n, json_object *o, const char *key)
{
	ck_assert_uint_eq(tt_hexv(out, n, o, key), n);
}

void
tt_hex_at(uint8_t *out, size_t n, json_object *arr, size_t i)
{
	json_object *s = json_object_array_get_idx(arr, i);

	ck_assert_ptr_nonnull(s);
	ck_assert_int_eq(
	    lk_hex_decode_exact(out, n, json_object_get_string(s)), 0);
}

void
tt_cluster_keys(struct tt_cluster *c, uint8_t t, uint8_t n)
{
	uint8_t i;

	memset(c, 0, sizeof(*c));
	c->t = t;
	c->n = n;
	c->ksf = tt_ksf_identity;
	c->pin = 1;
	for (i = 0; i < n; i++)
		ck_assert_int_eq(
		    tpake_server_key_generate(&c->key[i], NULL), 0);
}

void
tt_cluster_register(struct tt_cluster *c, const char *pw)
{
	struct tpake_deal_params p;
	struct tpake_element pks[TPAKE_MAX_SERVERS];
	uint8_t *up, h[64];
	size_t per = TPAKE_UPLOAD_BYTES(c->t);
	uint8_t i;

	memset(&p, 0, sizeof(p));
	p.t = c->t;
	p.n = c->n;
	for (i = 0; i < c->n; i++)
		pks[i] = c->key[i].pk;
	p.server_pk = pks;
	p.ksf = c->ksf;
	up = malloc(per * c->n);
	ck_assert_ptr_nonnull(up);
	ck_assert_int_eq(
	    tpake_client_register_deal(up, per * c->n, c->export_key,
	        c->commit_hash, &p, (const uint8_t *) pw, strlen(pw), NULL),
	    0);
	for (i = 0; i < c->n; i++) {
		ck_assert_int_eq(tpake_server_register_accept(&c->user[i], h,
		                     up + per * i, per, i + 1, c->t, c->n),
		    0);
		ck_assert_mem_eq(h, c->commit_hash, 64);
	}
	free(up);
}

int
tt_login_start(struct tt_login *l, struct tt_cluster *c, const char *pw,
    const uint8_t *set, size_t m)
{
	struct tpake_idents ids;
	size_t k;
	int rv;

	memset(l, 0, sizeof(*l));
	memset(&ids, 0, sizeof(ids));
	ck_assert_int_eq(tpake_client_login_start(&l->cst, l->ke1,
	                     (const uint8_t *) pw, strlen(pw), NULL),
	    0);
	l->m = m;
	for (k = 0; k < m; k++) {
		uint8_t i = set[k];

		l->idx[k] = i;
		l->ext_len[k] = sizeof(l->ext[k]);
		rv = tpake_server_login_start(&l->sst[k], l->ke2[k], l->ext[k],
		    &l->ext_len[k], &c->key[i - 1], &c->user[i - 1],
		    (struct tpake_bytes) {
		        (const uint8_t *) TT_USER, strlen(TT_USER) },
		    l->ke1, &ids, NULL);
		if (rv != 0)
			return rv;
		l->rep[k] = (struct tpake_reply) { i, l->ke2[k], l->ext[k],
			l->ext_len[k], { NULL, 0 } };
	}
	return 0;
}

int
tt_login_finish(struct tt_login *l, struct tt_cluster *c,
    struct tpake_client_result *res, struct tpake_blame *bl)
{
	struct tpake_login_params p;
	struct tpake_element pks[TPAKE_MAX_SERVERS];
	uint8_t i;

	memset(&p, 0, sizeof(p));
	p.t = c->t;
	p.n = c->n;
	p.user_id = (struct tpake_bytes) { (const uint8_t *) TT_USER,
		strlen(TT_USER) };
	p.ksf = c->ksf;
	for (i = 0; i < c->n; i++)
		pks[i] = c->key[i].pk;
	if (c->pin)
		p.server_pk = pks;
	return tpake_client_login_finish(&l->cst, res, bl, &p, l->rep, l->m);
}

int
tt_login_full(struct tt_cluster *c, const char *pw, const uint8_t *set,
    size_t m, struct tpake_client_result *res)
{
	struct tt_login *l = malloc(sizeof(*l));
	struct tpake_blame bl;
	uint8_t sk[64];
	size_t k;
	int rv;

	ck_assert_ptr_nonnull(l);
	ck_assert_int_eq(tt_login_start(l, c, pw, set, m), 0);
	rv = tt_login_finish(l, c, res, &bl);
	if (rv == 0) {
		ck_assert_uint_eq(res->count, m);
		for (k = 0; k < m; k++) {
			ck_assert_uint_eq(res->index[k], set[k]);
			ck_assert_int_eq(tpake_server_login_finish(
			                     &l->sst[k], sk, res->ke3[k]),
			    0);
			ck_assert_mem_eq(sk, res->session_key[k], 64);
		}
	} else {
		for (k = 0; k < m; k++)
			tpake_server_login_clear(&l->sst[k]);
	}
	lk_wipe(l, sizeof(*l));
	free(l);
	return rv;
}

int
tt_blamed(const struct tpake_blame *bl, uint8_t index)
{
	size_t k;

	for (k = 0; k < bl->count; k++)
		if (bl->index[k] == index)
			return 1;
	return 0;
}
