/* tpake-driver: drives every client and server step of tpake over JSON
 * lines on stdin/stdout, for other implementations and scripts (the
 * serenity interop suite, benchmarks, cross-checks). One request per line,
 * {"id": any, "fn": "...", "params": {...}}, one answer per line,
 * {"id": same, "ok": true, "result": {...}} or {"id": same, "ok": false,
 * "code": N, "error": "...", "blame": [...]}. Byte fields are base64url
 * without padding. Protocol: docs/tpake-driver.md. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "lk_common.h"
#include "tpake.h"

#define MAX_LINE     (4u << 20)
#define MAX_FIELD    (1u << 20)
#define E_UNKNOWN_FN TPAKE_EINVAL

/* Live protocol states, referred to by handle ("s1", "s2", ...). */
enum kind { K_CLIENT_REG, K_CLIENT_LOGIN, K_SERVER_LOGIN };
struct state {
	char id[24];
	enum kind kind;
	union {
		struct tpake_client_reg reg;
		struct tpake_client_login cl;
		struct tpake_server_login sl;
	} u;
	struct state *next;
};

struct driver {
	struct state *states;
	unsigned long next_id;
	char err[256]; /* detail for parameter errors */
};

/* ---------------------------------------------------------------------
 * Parameters
 * ------------------------------------------------------------------- */

/* Writes msg into d->err with its one "%s" replaced by key. */
static int
perr(struct driver *d, const char *msg, const char *key)
{
	const char *at = strstr(msg, "%s");
	int pre = at != NULL ? (int) (at - msg) : (int) strlen(msg);

	snprintf(d->err, sizeof(d->err), "%.*s%s%s", pre, msg,
	    at != NULL ? key : "", at != NULL ? at + 2 : "");
	return TPAKE_EINVAL;
}

static json_object *
field(json_object *o, const char *key)
{
	json_object *v = NULL;

	if (o == NULL || !json_object_object_get_ex(o, key, &v)
	    || json_object_is_type(v, json_type_null))
		return NULL;
	return v;
}

/* Decodes base64url into a fresh buffer; *out is NULL when absent. */
static int
b64_var(struct driver *d, json_object *o, const char *key, uint8_t **out,
    size_t *len, int required)
{
	json_object *v = field(o, key);
	const char *s;
	size_t cap;

	*out = NULL;
	*len = 0;
	if (v == NULL)
		return required ? perr(d, "missing parameter %s", key) : 0;
	if (!json_object_is_type(v, json_type_string))
		return perr(d, "%s: not a string", key);
	s = json_object_get_string(v);
	cap = strlen(s) * 3 / 4 + 1;
	if (cap > MAX_FIELD)
		return perr(d, "%s: too long", key);
	if ((*out = malloc(cap)) == NULL)
		return LK_ENOMEM;
	*len = cap;
	if (lk_b64_decode(*out, &cap, s) != 0) {
		/* A partly decoded secret (a password, a key) is wiped too. */
		lk_free_wipe(*out, *len);
		*out = NULL;
		*len = 0;
		return perr(d, "%s: not base64url", key);
	}
	*len = cap;
	return 0;
}

static int
b64_fixed(struct driver *d, json_object *o, const char *key, uint8_t *out,
    size_t n, int required, int *present)
{
	uint8_t *buf;
	size_t len;
	int rv;

	if (present != NULL)
		*present = 0;
	if ((rv = b64_var(d, o, key, &buf, &len, required)) != 0)
		return rv;
	if (buf == NULL)
		return 0;
	if (len != n) {
		lk_free_wipe(buf, len);
		snprintf(d->err, sizeof(d->err), "%s: %zu bytes, want %zu", key,
		    len, n);
		return TPAKE_EINVAL;
	}
	memcpy(out, buf, n);
	lk_free_wipe(buf, len);
	if (present != NULL)
		*present = 1;
	return 0;
}

/* A byte view for an optional identity: absent stays absent. */
struct view {
	uint8_t *buf;
	size_t len;
	struct tpake_bytes b;
};

static int
view_get(struct driver *d, json_object *o, const char *key, struct view *v,
    int required)
{
	int rv = b64_var(d, o, key, &v->buf, &v->len, required);

	v->b.p = v->buf;
	v->b.len = v->len;
	if (rv == 0 && v->buf == NULL && field(o, key) != NULL) {
		/* Present but empty: malloc(1) for a non-NULL pointer. */
		v->buf = malloc(1);
		v->b.p = v->buf;
	}
	return rv;
}

static void
view_free(struct view *v)
{
	if (v->buf != NULL)
		lk_free_wipe(v->buf, v->len);
	memset(v, 0, sizeof(*v));
}

static int
int_get(struct driver *d, json_object *o, const char *key, long min, long max,
    long *out)
{
	json_object *v = field(o, key);

	if (v == NULL)
		return perr(d, "missing parameter %s", key);
	if (!json_object_is_type(v, json_type_int))
		return perr(d, "%s: not an integer", key);
	*out = (long) json_object_get_int64(v);
	if (*out < min || *out > max)
		return perr(d, "%s: out of range", key);
	return 0;
}

static int
u8_get(struct driver *d, json_object *o, const char *key, uint8_t *out)
{
	long v;
	int rv = int_get(d, o, key, 1, TPAKE_MAX_SERVERS, &v);

	*out = (uint8_t) v;
	return rv;
}

/* {"alg":"identity"} or {"alg":"argon2id","iterations":I,
 * "memory_kib":M}; absent: the account default (Argon2id, 3, 64 MiB). */
static int
ksf_get(struct driver *d, json_object *o, struct tpake_ksf *ksf)
{
	json_object *k = field(o, "ksf"), *alg;
	long it, mem;
	int rv;

	*ksf = TPAKE_KSF_DEFAULT;
	if (k == NULL)
		return 0;
	if ((alg = field(k, "alg")) == NULL)
		return perr(d, "ksf: missing %s", "alg");
	if (strcmp(json_object_get_string(alg), "identity") == 0) {
		*ksf = (struct tpake_ksf) { TPAKE_KSF_IDENTITY, 0, 0 };
		return 0;
	}
	if (strcmp(json_object_get_string(alg), "argon2id") != 0)
		return perr(
		    d, "ksf: unknown alg %s", json_object_get_string(alg));
	if ((rv = int_get(d, k, "iterations", 1, 1L << 30, &it)) != 0
	    || (rv = int_get(d, k, "memory_kib", 8, 1L << 30, &mem)) != 0)
		return rv;
	*ksf = (struct tpake_ksf) { TPAKE_KSF_ARGON2ID, (uint64_t) it,
		(size_t) mem * 1024 };
	return 0;
}

static void
put_b64(json_object *o, const char *key, const uint8_t *p, size_t n)
{
	size_t cap = LK_B64_LEN(n);
	char *s = malloc(cap);

	if (s == NULL || lk_b64_encode(s, cap, p, n) != 0) {
		free(s);
		json_object_object_add(o, key, NULL);
		return;
	}
	json_object_object_add(o, key, json_object_new_string(s));
	lk_free_wipe(s, cap);
}

/* ---------------------------------------------------------------------
 * States
 * ------------------------------------------------------------------- */

static struct state *
state_new(struct driver *d, enum kind kind)
{
	struct state *s = calloc(1, sizeof(*s));

	if (s == NULL)
		return NULL;
	s->kind = kind;
	snprintf(s->id, sizeof(s->id), "s%lu", ++d->next_id);
	s->next = d->states;
	d->states = s;
	return s;
}

static void
state_free(struct driver *d, struct state *s)
{
	struct state **pp;

	for (pp = &d->states; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == s) {
			*pp = s->next;
			break;
		}
	}
	lk_free_wipe(s, sizeof(*s));
}

static int
state_get(
    struct driver *d, json_object *params, enum kind kind, struct state **out)
{
	json_object *v = field(params, "state");
	struct state *s;

	*out = NULL;
	if (v == NULL)
		return perr(d, "missing parameter %s", "state");
	for (s = d->states; s != NULL; s = s->next) {
		if (strcmp(s->id, json_object_get_string(v)) == 0) {
			if (s->kind != kind)
				return perr(
				    d, "state %s has another kind", s->id);
			*out = s;
			return 0;
		}
	}
	snprintf(
	    d->err, sizeof(d->err), "no state %s", json_object_get_string(v));
	return TPAKE_ESTATE;
}

/* ---------------------------------------------------------------------
 * Functions
 * ------------------------------------------------------------------- */

typedef int (*fn_t)(struct driver *d, json_object *params, json_object *res,
    struct tpake_blame *blame);

static int
mode_get(struct driver *d, json_object *p, enum tpake_oprf_mode *mode)
{
	json_object *v = field(p, "mode");

	*mode = TPAKE_MODE_OPRF;
	if (v == NULL)
		return 0;
	if (!json_object_is_type(v, json_type_int)
	    || (json_object_get_int(v) != 0 && json_object_get_int(v) != 1))
		return perr(d, "%s: 0 or 1", "mode");
	*mode = (enum tpake_oprf_mode) json_object_get_int(v);
	return 0;
}

static int
fn_oprf_derive_key_pair(
    struct driver *d, json_object *p, json_object *res, struct tpake_blame *b)
{
	struct tpake_scalar sk;
	struct tpake_element pk;
	enum tpake_oprf_mode mode;
	uint8_t seed[32];
	struct view info = { 0 };
	int rv;

	if ((rv = mode_get(d, p, &mode)) != 0
	    || (rv = b64_fixed(d, p, "seed", seed, 32, 1, NULL)) != 0
	    || (rv = view_get(d, p, "info", &info, 0)) != 0)
		goto out;
	rv = tpake_oprf_derive_key_pair(
	    &sk, &pk, mode, seed, info.b.p, info.b.len);
	if (rv == 0) {
		put_b64(res, "sk", sk.b, 32);
		put_b64(res, "pk", pk.b, 32);
	}
out:
	view_free(&info);
	lk_wipe(&sk, sizeof(sk));
	lk_wipe(seed, sizeof(seed));
	return rv;
}

static int
fn_oprf_blind(
    struct driver *d, json_object *p, json_object *res, struct tpake_blame *b)
{
	struct tpake_scalar blind, fixed;
	struct tpake_element blinded;
	enum tpake_oprf_mode mode;
	struct view in = { 0 };
	int have, rv;

	if ((rv = mode_get(d, p, &mode)) != 0
	    || (rv = view_get(d, p, "input", &in, 1)) != 0
	    || (rv = b64_fixed(d, p, "blind", fixed.b, 32, 0, &have)) != 0)
		goto out;
	rv = tpake_oprf_blind(
	    &blind, &blinded, mode, in.b.p, in.b.len, have ? &fixed : NULL);
	if (rv == 0) {
		put_b64(res, "blind", blind.b, 32);
		put_b64(res, "blinded", blinded.b, 32);
	}
out:
	view_free(&in);
	lk_wipe(&blind, sizeof(blind));
	lk_wipe(&fixed, sizeof(fixed));
	return rv;
}

static int
fn_oprf_evaluate(
    struct driver *d, json_object *p, json_object *res, struct tpake_blame *b)
{
	struct tpake_scalar sk;
	struct tpake_element bl, ev;
	int rv;

	if ((rv = b64_fixed(d, p, "sk", sk.b, 32, 1, NULL)) != 0
	    || (rv = b64_fixed(d, p, "blinded", bl.b, 32, 1, NULL)) != 0)
		goto out;
	if ((rv = tpake_oprf_evaluate(&ev, &sk, &bl)) == 0)
		put_b64(res, "evaluated", ev.b, 32);
out:
	lk_wipe(&sk, sizeof(sk));
	return rv;
}

static int
fn_oprf_finalize(
    struct driver *d, json_object *p, json_object *res, struct tpake_blame *b)
{
	struct tpake_scalar blind;
	struct tpake_element ev;
	struct view in = { 0 };
	uint8_t out[64];
	int rv;

	if ((rv = view_get(d, p, "input", &in, 1)) != 0
	    || (rv = b64_fixed(d, p, "blind", blind.b, 32, 1, NULL)) != 0
	    || (rv = b64_fixed(d, p, "evaluated", ev.b, 32, 1, NULL)) != 0)
		goto out;
	rv = tpake_oprf_finalize(out, in.b.p, in.b.len, &blind, &ev);
	if (rv == 0)
		put_b64(res, "output", out, 64);
out:
	view_free(&in);
	lk_wipe(&blind, sizeof(blind));
	lk_wipe(out, sizeof(out));
	return rv;
}

/* Reads an array of 32-byte elements (at most max). */
static int
elements_get(struct driver *d, json_object *p, const char *key,
    struct tpake_element *out, size_t max, size_t *n)
{
	json_object *a = field(p, key), *e;
	size_t i;

	*n = 0;
	if (a == NULL || !json_object_is_type(a, json_type_array))
		return perr(d, "%s: array required", key);
	if (json_object_array_length(a) == 0
	    || json_object_array_length(a) > max)
		return perr(d, "%s: bad length", key);
	for (i = 0; i < json_object_array_length(a); i++) {
		size_t len = 32;

		e = json_object_array_get_idx(a, i);
		if (!json_object_is_type(e, json_type_string)
		    || strlen(json_object_get_string(e)) != 43
		    || lk_b64_decode(out[i].b, &len, json_object_get_string(e))
		        != 0
		    || len != 32)
			return perr(d, "%s: 32-byte base64url items", key);
	}
	*n = i;
	return 0;
}

static int
fn_voprf_prove(
    struct driver *d, json_object *p, json_object *res, struct tpake_blame *b)
{
	struct tpake_scalar sk, r;
	struct tpake_element pk, bl[64], ev[64];
	uint8_t proof[64];
	size_t m, m2;
	int have, rv;

	if ((rv = b64_fixed(d, p, "sk", sk.b, 32, 1, NULL)) != 0
	    || (rv = b64_fixed(d, p, "pk", pk.b, 32, 1, NULL)) != 0
	    || (rv = b64_fixed(d, p, "r", r.b, 32, 0, &have)) != 0
	    || (rv = elements_get(d, p, "blinded", bl, 64, &m)) != 0
	    || (rv = elements_get(d, p, "evaluated", ev, 64, &m2)) != 0)
		goto out;
	if (m != m2) {
		rv = perr(d, "%s: lengths differ", "blinded/evaluated");
		goto out;
	}
	rv = tpake_voprf_prove(proof, &sk, &pk, bl, ev, m, have ? &r : NULL);
	if (rv == 0)
		put_b64(res, "proof", proof, 64);
out:
	lk_wipe(&sk, sizeof(sk));
	lk_wipe(&r, sizeof(r));
	return rv;
}

static int
fn_voprf_verify(
    struct driver *d, json_object *p, json_object *res, struct tpake_blame *b)
{
	struct tpake_element pk, bl[64], ev[64];
	uint8_t proof[64];
	size_t m, m2;
	int rv;

	if ((rv = b64_fixed(d, p, "pk", pk.b, 32, 1, NULL)) != 0
	    || (rv = b64_fixed(d, p, "proof", proof, 64, 1, NULL)) != 0
	    || (rv = elements_get(d, p, "blinded", bl, 64, &m)) != 0
	    || (rv = elements_get(d, p, "evaluated", ev, 64, &m2)) != 0)
		return rv;
	if (m != m2)
		return perr(d, "%s: lengths differ", "blinded/evaluated");
	return tpake_voprf_verify(&pk, bl, ev, m, proof);
}

static int
fn_server_key_generate(
    struct driver *d, json_object *p, json_object *res, struct tpake_blame *b)
{
	struct tpake_server_key key;
	uint8_t seed[32];
	int have, rv;

	if ((rv = b64_fixed(d, p, "seed", seed, 32, 0, &have)) != 0)
		return rv;
	rv = tpake_server_key_generate(&key, have ? seed : NULL);
	if (rv == 0) {
		put_b64(res, "sk", key.sk.b, 32);
		put_b64(res, "pk", key.pk.b, 32);
	}
	lk_wipe(&key, sizeof(key));
	lk_wipe(seed, sizeof(seed));
	return rv;
}

/* The per-user OPRF key: "oprf_key", or derived from "oprf_seed" and
 * "user_id" (RFC 9807). */
static int
oprf_key_get(struct driver *d, json_object *p, struct tpake_scalar *k)
{
	uint8_t seed[64];
	struct view uid = { 0 };
	int have, rv;

	if ((rv = b64_fixed(d, p, "oprf_key", k->b, 32, 0, &have)) != 0)
		return rv;
	if (have)
		return 0;
	if ((rv = b64_fixed(d, p, "oprf_seed", seed, 64, 1, NULL)) != 0
	    || (rv = view_get(d, p, "user_id", &uid, 1)) != 0)
		goto out;
	rv = tpake_oprf_key_from_seed(k, seed, uid.b);
out:
	view_free(&uid);
	lk_wipe(seed, sizeof(seed));
	return rv;
}

static int
fn_server_oprf_key(
    struct driver *d, json_object *p, json_object *res, struct tpake_blame *b)
{
	struct tpake_scalar k;
	int rv;

	if ((rv = oprf_key_get(d, p, &k)) == 0)
		put_b64(res, "oprf_key", k.b, 32);
	lk_wipe(&k, sizeof(k));
	return rv;
}

static int
fn_server_register_respond(
    struct driver *d, json_object *p, json_object *res, struct tpake_blame *b)
{
	struct tpake_scalar k;
	struct tpake_element pk;
	uint8_t req[32], resp[64];
	int rv;

	if ((rv = oprf_key_get(d, p, &k)) != 0
	    || (rv = b64_fixed(d, p, "server_pk", pk.b, 32, 1, NULL)) != 0
	    || (rv = b64_fixed(d, p, "request", req, 32, 1, NULL)) != 0)
		goto out;
	if ((rv = tpake_server_register_respond(resp, &k, &pk, req)) == 0)
		put_b64(res, "response", resp, 64);
out:
	lk_wipe(&k, sizeof(k));
	return rv;
}

static void
put_user(json_object *res, const struct tpake_user *u)
{
	uint8_t enc[TPAKE_USER_MAX_BYTES], h[64];
	size_t len = sizeof(enc);

	if (tpake_user_encode(enc, &len, u) == 0)
		put_b64(res, "user", enc, len);
	tpake_commit_hash(h, u->commit, u->t, u->n);
	put_b64(res, "commit_hash", h, 64);
	lk_wipe(enc, sizeof(enc));
}

static int
user_get(
    struct driver *d, json_object *p, const char *key, struct tpake_user *u)
{
	uint8_t *buf;
	size_t len;
	int rv;

	if ((rv = b64_var(d, p, key, &buf, &len, 1)) != 0)
		return rv;
	rv = tpake_user_decode(u, buf, len);
	lk_free_wipe(buf, len);
	return rv;
}

static int
fn_server_user_from_record(
    struct driver *d, json_object *p, json_object *res, struct tpake_blame *b)
{
	struct tpake_scalar k;
	struct tpake_user u;
	uint8_t rec[TPAKE_RECORD_BYTES];
	int rv;

	if ((rv = oprf_key_get(d, p, &k)) != 0
	    || (rv = b64_fixed(d, p, "record", rec, sizeof(rec), 1, NULL)) != 0)
		goto out;
	if ((rv = tpake_user_from_record(&u, &k, rec)) == 0)
		put_user(res, &u);
out:
	lk_wipe(&k, sizeof(k));
	tpake_user_clear(&u);
	return rv;
}

static int
fn_server_user_fake(
    struct driver *d, json_object *p, json_object *res, struct tpake_blame *b)
{
	struct tpake_user u;
	uint8_t seed[64], index, t, n;
	struct view uid = { 0 };
	int rv;

	memset(&u, 0, sizeof(u));
	if ((rv = b64_fixed(d, p, "seed", seed, 64, 1, NULL)) != 0
	    || (rv = view_get(d, p, "user_id", &uid, 1)) != 0
	    || (rv = u8_get(d, p, "index", &index)) != 0
	    || (rv = u8_get(d, p, "t", &t)) != 0
	    || (rv = u8_get(d, p, "n", &n)) != 0)
		goto out;
	if ((rv = tpake_user_fake(&u, seed, uid.b, index, t, n)) == 0)
		put_user(res, &u);
out:
	view_free(&uid);
	lk_wipe(seed, sizeof(seed));
	tpake_user_clear(&u);
	return rv;
}

static int
fn_server_register_accept(
    struct driver *d, json_object *p, json_object *res, struct tpake_blame *b)
{
	struct tpake_user u;
	uint8_t *up = NULL, index, t, n;
	size_t len = 0;
	int rv;

	memset(&u, 0, sizeof(u));
	if ((rv = u8_get(d, p, "index", &index)) != 0
	    || (rv = u8_get(d, p, "t", &t)) != 0
	    || (rv = u8_get(d, p, "n", &n)) != 0
	    || (rv = b64_var(d, p, "upload", &up, &len, 1)) != 0)
		goto out;
	rv = tpake_server_register_accept(&u, NULL, up, len, index, t, n);
	if (rv == 0)
		put_user(res, &u);
out:
	if (up != NULL)
		lk_free_wipe(up, len);
	tpake_user_clear(&u);
	return rv;
}

static int
fn_server_password_change(
    struct driver *d, json_object *p, json_object *res, struct tpake_blame *b)
{
	struct tpake_user old, u;
	uint8_t *up = NULL;
	size_t len = 0;
	int rv;

	memset(&u, 0, sizeof(u));
	memset(&old, 0, sizeof(old));
	if ((rv = user_get(d, p, "old_user", &old)) != 0
	    || (rv = b64_var(d, p, "upload", &up, &len, 1)) != 0)
		goto out;
	rv = tpake_server_password_change(&u, NULL, &old, up, len);
	if (rv == 0)
		put_user(res, &u);
out:
	if (up != NULL)
		lk_free_wipe(up, len);
	tpake_user_clear(&u);
	tpake_user_clear(&old);
	return rv;
}

static int
fn_server_user_info(
    struct driver *d, json_object *p, json_object *res, struct tpake_blame *b)
{
	struct tpake_user u;
	json_object *c;
	uint8_t j;
	int rv;

	if ((rv = user_get(d, p, "user", &u)) != 0)
		return rv;
	json_object_object_add(res, "t", json_object_new_int(u.t));
	json_object_object_add(res, "n", json_object_new_int(u.n));
	json_object_object_add(res, "index", json_object_new_int(u.index));
	put_b64(res, "record", u.record, TPAKE_RECORD_BYTES);
	c = json_object_new_array();
	for (j = 0; j < u.t; j++) {
		char s[LK_B64_LEN(32)];

		lk_b64_encode(s, sizeof(s), u.commit[j].b, 32);
		json_object_array_add(c, json_object_new_string(s));
	}
	json_object_object_add(res, "commitments", c);
	tpake_user_clear(&u);
	return 0;
}

static int
fn_server_login_start(
    struct driver *d, json_object *p, json_object *res, struct tpake_blame *b)
{
	struct tpake_server_key key;
	struct tpake_user u;
	struct tpake_server_rand rnd;
	struct tpake_idents ids;
	struct view uid = { 0 }, idc = { 0 }, ids_ = { 0 }, ctx = { 0 };
	json_object *r = field(p, "rand");
	uint8_t ke1[96], ke2[320], ext[TPAKE_EXT_BYTES(TPAKE_MAX_SERVERS)];
	size_t extlen = sizeof(ext);
	struct state *s = NULL;
	int rv;

	memset(&u, 0, sizeof(u));
	memset(&key, 0, sizeof(key));
	memset(&rnd, 0, sizeof(rnd));
	if ((rv = b64_fixed(d, p, "server_sk", key.sk.b, 32, 1, NULL)) != 0
	    || (rv = b64_fixed(d, p, "server_pk", key.pk.b, 32, 1, NULL)) != 0
	    || (rv = user_get(d, p, "user", &u)) != 0
	    || (rv = b64_fixed(d, p, "ke1", ke1, 96, 1, NULL)) != 0
	    || (rv = view_get(d, p, "user_id", &uid, 0)) != 0
	    || (rv = view_get(d, p, "client_id", &idc, 0)) != 0
	    || (rv = view_get(d, p, "server_id", &ids_, 0)) != 0
	    || (rv = view_get(d, p, "context", &ctx, 0)) != 0)
		goto out;
	if (r != NULL
	    && ((rv = b64_fixed(
	             d, r, "masking_nonce", rnd.masking_nonce, 32, 1, NULL))
	            != 0
	        || (rv = b64_fixed(
	                d, r, "server_nonce", rnd.server_nonce, 32, 1, NULL))
	            != 0
	        || (rv = b64_fixed(
	                d, r, "keyshare_seed", rnd.keyshare_seed, 32, 1, NULL))
	            != 0
	        || (rv = b64_fixed(
	                d, r, "proof_nonce", rnd.proof_nonce, 32, 0, NULL))
	            != 0))
		goto out;
	if ((s = state_new(d, K_SERVER_LOGIN)) == NULL) {
		rv = LK_ENOMEM;
		goto out;
	}
	ids = (struct tpake_idents) { idc.b, ids_.b, ctx.b };
	rv = tpake_server_login_start(&s->u.sl, ke2, ext, &extlen, &key, &u,
	    uid.b, ke1, &ids, r != NULL ? &rnd : NULL);
	if (rv == 0) {
		json_object_object_add(
		    res, "state", json_object_new_string(s->id));
		put_b64(res, "ke2", ke2, 320);
		put_b64(res, "ext", ext, extlen);
		s = NULL;
	}
out:
	if (s != NULL)
		state_free(d, s);
	view_free(&uid);
	view_free(&idc);
	view_free(&ids_);
	view_free(&ctx);
	lk_wipe(&key, sizeof(key));
	lk_wipe(&rnd, sizeof(rnd));
	tpake_user_clear(&u);
	return rv;
}

static int
fn_server_login_finish(
    struct driver *d, json_object *p, json_object *res, struct tpake_blame *b)
{
	struct state *s;
	uint8_t ke3[64], sk[64];
	int rv;

	if ((rv = state_get(d, p, K_SERVER_LOGIN, &s)) != 0
	    || (rv = b64_fixed(d, p, "ke3", ke3, 64, 1, NULL)) != 0)
		return rv;
	rv = tpake_server_login_finish(&s->u.sl, sk, ke3);
	if (rv == 0)
		put_b64(res, "session_key", sk, 64);
	state_free(d, s); /* one KE3 per KE2, whatever the outcome */
	lk_wipe(sk, sizeof(sk));
	return rv;
}

static int
fn_client_register_start(
    struct driver *d, json_object *p, json_object *res, struct tpake_blame *b)
{
	struct tpake_scalar fixed;
	struct view pw = { 0 };
	uint8_t req[32];
	struct state *s = NULL;
	int have, rv;

	if ((rv = view_get(d, p, "password", &pw, 1)) != 0
	    || (rv = b64_fixed(d, p, "blind", fixed.b, 32, 0, &have)) != 0)
		goto out;
	if ((s = state_new(d, K_CLIENT_REG)) == NULL) {
		rv = LK_ENOMEM;
		goto out;
	}
	rv = tpake_client_register_start(
	    &s->u.reg, req, pw.b.p, pw.b.len, have ? &fixed : NULL);
	if (rv == 0) {
		json_object_object_add(
		    res, "state", json_object_new_string(s->id));
		put_b64(res, "request", req, 32);
		s = NULL;
	}
out:
	if (s != NULL)
		state_free(d, s);
	view_free(&pw);
	lk_wipe(&fixed, sizeof(fixed));
	return rv;
}

static int
fn_client_register_finish(
    struct driver *d, json_object *p, json_object *res, struct tpake_blame *b)
{
	struct state *s;
	struct tpake_ksf ksf;
	struct tpake_element spk;
	struct view idc = { 0 }, ids = { 0 };
	uint8_t resp[64], rec[192], ek[64], nonce[32];
	int have, rv;

	if ((rv = state_get(d, p, K_CLIENT_REG, &s)) != 0
	    || (rv = b64_fixed(d, p, "response", resp, 64, 1, NULL)) != 0
	    || (rv = b64_fixed(d, p, "envelope_nonce", nonce, 32, 0, &have))
	        != 0
	    || (rv = ksf_get(d, p, &ksf)) != 0
	    || (rv = view_get(d, p, "client_id", &idc, 0)) != 0
	    || (rv = view_get(d, p, "server_id", &ids, 0)) != 0)
		goto out;
	rv = tpake_client_register_finish(&s->u.reg, rec, ek, &spk, resp, idc.b,
	    ids.b, &ksf, have ? nonce : NULL);
	if (rv == 0) {
		put_b64(res, "record", rec, 192);
		put_b64(res, "export_key", ek, 64);
		put_b64(res, "server_pk", spk.b, 32);
		state_free(d, s);
	}
out:
	view_free(&idc);
	view_free(&ids);
	lk_wipe(rec, sizeof(rec)); /* holds the masking key */
	lk_wipe(ek, sizeof(ek));
	return rv;
}

static int
fn_client_register_deal(
    struct driver *d, json_object *p, json_object *res, struct tpake_blame *b)
{
	struct tpake_deal_params dp;
	struct tpake_deal_rand rnd;
	struct tpake_element pks[TPAKE_MAX_SERVERS];
	struct view pw = { 0 }, idc = { 0 }, sid[TPAKE_MAX_SERVERS];
	json_object *r = field(p, "rand"), *ids = field(p, "server_ids"), *arr;
	uint8_t *up = NULL, ek[64], h[64];
	size_t per = 0, npk, i;
	int rv;

	memset(&dp, 0, sizeof(dp));
	memset(&rnd, 0, sizeof(rnd));
	memset(sid, 0, sizeof(sid));
	if ((rv = view_get(d, p, "password", &pw, 1)) != 0
	    || (rv = u8_get(d, p, "t", &dp.t)) != 0
	    || (rv = u8_get(d, p, "n", &dp.n)) != 0
	    || (rv = ksf_get(d, p, &dp.ksf)) != 0
	    || (rv = view_get(d, p, "client_id", &idc, 0)) != 0
	    || (rv = elements_get(
	            d, p, "server_pks", pks, TPAKE_MAX_SERVERS, &npk))
	        != 0)
		goto out;
	if (npk != dp.n || dp.t > dp.n) {
		rv = perr(d, "%s: n keys and t <= n", "server_pks");
		goto out;
	}
	if (ids != NULL) {
		if (!json_object_is_type(ids, json_type_array)
		    || json_object_array_length(ids) != dp.n) {
			rv = perr(d, "%s: array of n", "server_ids");
			goto out;
		}
		for (i = 0; i < dp.n; i++) {
			json_object *wrap = json_object_new_object();

			json_object_object_add(wrap, "v",
			    json_object_get(json_object_array_get_idx(ids, i)));
			rv = view_get(d, wrap, "v", &sid[i], 0);
			json_object_put(wrap);
			if (rv != 0)
				goto out;
			dp.server_id[i] = sid[i].b;
		}
	}
	if (r != NULL) {
		size_t nc;
		struct tpake_element tmp[TPAKE_MAX_SERVERS];

		/* tmp[0] is the user's OPRF key: wiped on every path. */
		rv = elements_get(d, r, "coeffs", tmp, TPAKE_MAX_SERVERS, &nc);
		if (rv == 0)
			rv = b64_fixed(d, r, "envelope_nonce",
			    rnd.envelope_nonce, 32, 1, NULL);
		if (rv == 0 && nc != dp.t)
			rv = perr(d, "%s: t coefficients", "rand.coeffs");
		for (i = 0; rv == 0 && i < nc; i++)
			memcpy(rnd.coeff[i].b, tmp[i].b, 32);
		lk_wipe(tmp, sizeof(tmp));
		if (rv != 0)
			goto out;
	}
	dp.server_pk = pks;
	dp.client_id = idc.b;
	per = TPAKE_UPLOAD_BYTES(dp.t);
	if ((up = malloc(per * dp.n)) == NULL) {
		rv = LK_ENOMEM;
		goto out;
	}
	rv = tpake_client_register_deal(up, per * dp.n, ek, h, &dp, pw.b.p,
	    pw.b.len, r != NULL ? &rnd : NULL);
	if (rv == 0) {
		arr = json_object_new_array();
		for (i = 0; i < dp.n; i++) {
			json_object *tmp = json_object_new_object();

			put_b64(tmp, "u", up + per * i, per);
			json_object_array_add(arr,
			    json_object_get(json_object_object_get(tmp, "u")));
			json_object_put(tmp);
		}
		json_object_object_add(res, "uploads", arr);
		put_b64(res, "export_key", ek, 64);
		put_b64(res, "commit_hash", h, 64);
	}
out:
	if (up != NULL)
		lk_free_wipe(up, per * dp.n);
	view_free(&pw);
	view_free(&idc);
	for (i = 0; i < TPAKE_MAX_SERVERS; i++)
		view_free(&sid[i]);
	lk_wipe(&rnd, sizeof(rnd));
	lk_wipe(ek, sizeof(ek));
	return rv;
}

static int
fn_client_login_start(
    struct driver *d, json_object *p, json_object *res, struct tpake_blame *b)
{
	struct tpake_client_rand rnd;
	struct view pw = { 0 };
	json_object *r = field(p, "rand");
	uint8_t ke1[96];
	struct state *s = NULL;
	int rv;

	memset(&rnd, 0, sizeof(rnd));
	if ((rv = view_get(d, p, "password", &pw, 1)) != 0)
		goto out;
	if (r != NULL
	    && ((rv = b64_fixed(d, r, "blind", rnd.blind.b, 32, 1, NULL)) != 0
	        || (rv = b64_fixed(d, r, "nonce", rnd.nonce, 32, 1, NULL)) != 0
	        || (rv = b64_fixed(
	                d, r, "keyshare_seed", rnd.keyshare_seed, 32, 1, NULL))
	            != 0))
		goto out;
	if ((s = state_new(d, K_CLIENT_LOGIN)) == NULL) {
		rv = LK_ENOMEM;
		goto out;
	}
	rv = tpake_client_login_start(
	    &s->u.cl, ke1, pw.b.p, pw.b.len, r != NULL ? &rnd : NULL);
	if (rv == 0) {
		json_object_object_add(
		    res, "state", json_object_new_string(s->id));
		put_b64(res, "ke1", ke1, 96);
		s = NULL;
	}
out:
	if (s != NULL)
		state_free(d, s);
	view_free(&pw);
	lk_wipe(&rnd, sizeof(rnd));
	return rv;
}

static int
fn_client_login_finish(
    struct driver *d, json_object *p, json_object *res, struct tpake_blame *b)
{
	struct state *s;
	struct tpake_login_params lp;
	struct tpake_reply rep[TPAKE_MAX_SERVERS];
	struct tpake_client_result *out = NULL;
	struct view uid = { 0 }, idc = { 0 }, ctx = { 0 };
	struct view ke2[TPAKE_MAX_SERVERS], ext[TPAKE_MAX_SERVERS];
	struct view sid[TPAKE_MAX_SERVERS];
	struct tpake_element pins[TPAKE_MAX_SERVERS];
	json_object *reps = field(p, "replies"), *arr;
	size_t m = 0, npin, i;
	int rv;

	memset(&lp, 0, sizeof(lp));
	memset(rep, 0, sizeof(rep));
	memset(ke2, 0, sizeof(ke2));
	memset(ext, 0, sizeof(ext));
	memset(sid, 0, sizeof(sid));
	if ((rv = state_get(d, p, K_CLIENT_LOGIN, &s)) != 0
	    || (rv = u8_get(d, p, "t", &lp.t)) != 0
	    || (rv = u8_get(d, p, "n", &lp.n)) != 0
	    || (rv = ksf_get(d, p, &lp.ksf)) != 0
	    || (rv = view_get(d, p, "user_id", &uid, 0)) != 0
	    || (rv = view_get(d, p, "client_id", &idc, 0)) != 0
	    || (rv = view_get(d, p, "context", &ctx, 0)) != 0)
		goto out;
	if (reps == NULL || !json_object_is_type(reps, json_type_array)
	    || json_object_array_length(reps) == 0
	    || json_object_array_length(reps) > TPAKE_MAX_SERVERS) {
		rv = perr(d, "%s: array of 1..16 replies", "replies");
		goto out;
	}
	m = json_object_array_length(reps);
	for (i = 0; i < m; i++) {
		json_object *e = json_object_array_get_idx(reps, i);

		if ((rv = u8_get(d, e, "index", &rep[i].index)) != 0
		    || (rv = view_get(d, e, "ke2", &ke2[i], 1)) != 0
		    || (rv = view_get(d, e, "ext", &ext[i], 0)) != 0
		    || (rv = view_get(d, e, "server_id", &sid[i], 0)) != 0)
			goto out;
		if (ke2[i].len != TPAKE_KE2_BYTES) {
			rv = perr(d, "%s: 320 bytes", "ke2");
			goto out;
		}
		rep[i].ke2 = ke2[i].buf;
		rep[i].ext = ext[i].len > 0 ? ext[i].buf : NULL;
		rep[i].ext_len = ext[i].len;
		rep[i].server_id = sid[i].b;
	}
	if (field(p, "server_pks") != NULL) {
		if ((rv = elements_get(
		         d, p, "server_pks", pins, TPAKE_MAX_SERVERS, &npin))
		    != 0)
			goto out;
		if (npin != lp.n) {
			rv = perr(d, "%s: n keys", "server_pks");
			goto out;
		}
		lp.server_pk = pins;
	}
	lp.user_id = uid.b;
	lp.client_id = idc.b;
	lp.context = ctx.b;
	if ((out = malloc(sizeof(*out))) == NULL) {
		rv = LK_ENOMEM;
		goto out;
	}
	rv = tpake_client_login_finish(&s->u.cl, out, b, &lp, rep, m);
	if (rv == 0) {
		arr = json_object_new_array();
		for (i = 0; i < out->count; i++) {
			json_object *e = json_object_new_object();

			json_object_object_add(
			    e, "index", json_object_new_int(out->index[i]));
			put_b64(e, "session_key", out->session_key[i], 64);
			put_b64(e, "ke3", out->ke3[i], 64);
			put_b64(e, "server_pk", out->server_pk[i].b, 32);
			json_object_array_add(arr, e);
		}
		json_object_object_add(res, "servers", arr);
		put_b64(res, "export_key", out->export_key, 64);
		put_b64(res, "client_pk", out->client_pk.b, 32);
		state_free(d, s);
	}
out:
	if (out != NULL)
		lk_free_wipe(out, sizeof(*out));
	view_free(&uid);
	view_free(&idc);
	view_free(&ctx);
	for (i = 0; i < TPAKE_MAX_SERVERS; i++) {
		view_free(&ke2[i]);
		view_free(&ext[i]);
		view_free(&sid[i]);
	}
	return rv;
}

static int
fn_attempt_id(
    struct driver *d, json_object *p, json_object *res, struct tpake_blame *b)
{
	struct view uid = { 0 };
	uint8_t ke1[96], aid[TPAKE_ATTEMPT_ID_BYTES];
	int rv;

	if ((rv = view_get(d, p, "user_id", &uid, 1)) != 0
	    || (rv = b64_fixed(d, p, "ke1", ke1, 96, 1, NULL)) != 0)
		goto out;
	tpake_attempt_id(aid, uid.b, ke1);
	put_b64(res, "attempt_id", aid, sizeof(aid));
out:
	view_free(&uid);
	return rv;
}

static int
fn_state_free(
    struct driver *d, json_object *p, json_object *res, struct tpake_blame *b)
{
	json_object *v = field(p, "state");
	struct state *s;

	if (v == NULL)
		return perr(d, "missing parameter %s", "state");
	for (s = d->states; s != NULL; s = s->next) {
		if (strcmp(s->id, json_object_get_string(v)) == 0) {
			state_free(d, s);
			return 0;
		}
	}
	return TPAKE_ESTATE;
}

static int
fn_strerror(
    struct driver *d, json_object *p, json_object *res, struct tpake_blame *b)
{
	long code;
	int rv = int_get(d, p, "code", 0, 1000, &code);

	if (rv == 0)
		json_object_object_add(res, "message",
		    json_object_new_string(tpake_strerror((int) code)));
	return rv;
}

static const struct {
	const char *name;
	fn_t fn;
} fns[] = {
	{ "oprf.derive_key_pair", fn_oprf_derive_key_pair },
	{ "oprf.blind", fn_oprf_blind },
	{ "oprf.evaluate", fn_oprf_evaluate },
	{ "oprf.finalize", fn_oprf_finalize },
	{ "voprf.prove", fn_voprf_prove },
	{ "voprf.verify", fn_voprf_verify },
	{ "server.key_generate", fn_server_key_generate },
	{ "server.oprf_key", fn_server_oprf_key },
	{ "server.register_respond", fn_server_register_respond },
	{ "server.user_from_record", fn_server_user_from_record },
	{ "server.user_fake", fn_server_user_fake },
	{ "server.register_accept", fn_server_register_accept },
	{ "server.password_change", fn_server_password_change },
	{ "server.user_info", fn_server_user_info },
	{ "server.login_start", fn_server_login_start },
	{ "server.login_finish", fn_server_login_finish },
	{ "client.register_start", fn_client_register_start },
	{ "client.register_finish", fn_client_register_finish },
	{ "client.register_deal", fn_client_register_deal },
	{ "client.login_start", fn_client_login_start },
	{ "client.login_finish", fn_client_login_finish },
	{ "attempt_id", fn_attempt_id },
	{ "state.free", fn_state_free },
	{ "strerror", fn_strerror },
};

/* ---------------------------------------------------------------------
 * Main loop
 * ------------------------------------------------------------------- */

/* Requests and answers carry passwords, keys and shares as strings, which
 * json-c frees without wiping: overwrite every string value first. (The
 * parser's own scratch buffer is out of reach of json-c's API.) */
static void
json_wipe(json_object *o)
{
	size_t i;

	switch (json_object_get_type(o)) {
	case json_type_string:
		lk_wipe((char *) json_object_get_string(o),
		    (size_t) json_object_get_string_len(o));
		break;
	case json_type_object: {
		json_object_object_foreach(o, key, val)
		{
			(void) key;
			json_wipe(val);
		}
		break;
	}
	case json_type_array:
		for (i = 0; i < json_object_array_length(o); i++)
			json_wipe(json_object_array_get_idx(o, i));
		break;
	default:
		break;
	}
}

static void
answer(json_object *req, int rv, json_object *res,
    const struct tpake_blame *blame, const char *detail)
{
	json_object *out = json_object_new_object(), *id = NULL, *bl;
	const char *text;
	size_t i;

	if (req != NULL && json_object_object_get_ex(req, "id", &id))
		json_object_object_add(out, "id", json_object_get(id));
	json_object_object_add(out, "ok", json_object_new_boolean(rv == 0));
	if (rv == 0) {
		json_object_object_add(out, "result", json_object_get(res));
	} else {
		json_object_object_add(out, "code", json_object_new_int(rv));
		json_object_object_add(out, "error",
		    json_object_new_string(detail != NULL && detail[0]
		            ? detail
		            : (rv >= 300 && rv < 400 ? tpake_strerror(rv)
		                                     : lk_strerror(rv))));
		bl = json_object_new_array();
		for (i = 0; blame != NULL && i < blame->count; i++) {
			json_object *e = json_object_new_object();

			json_object_object_add(
			    e, "index", json_object_new_int(blame->index[i]));
			json_object_object_add(
			    e, "reason", json_object_new_int(blame->reason[i]));
			json_object_object_add(e, "message",
			    json_object_new_string(
			        tpake_strerror(blame->reason[i])));
			json_object_array_add(bl, e);
		}
		json_object_object_add(out, "blame", bl);
	}
	text = json_object_to_json_string_ext(out, JSON_C_TO_STRING_PLAIN);
	fputs(text, stdout);
	fputc('\n', stdout);
	fflush(stdout);
	lk_wipe((char *) text, strlen(text));
	json_wipe(out);
	json_object_put(out);
}

static void
put_wiped(json_object *o)
{
	json_wipe(o);
	json_object_put(o);
}

static void
handle(struct driver *d, const char *line)
{
	json_object *req = json_tokener_parse(line), *fn, *params, *res;
	struct tpake_blame blame;
	size_t i;
	int rv;

	d->err[0] = 0;
	memset(&blame, 0, sizeof(blame));
	if (req == NULL || !json_object_is_type(req, json_type_object)
	    || !json_object_object_get_ex(req, "fn", &fn)
	    || !json_object_is_type(fn, json_type_string)) {
		answer(req, TPAKE_EDECODE, NULL, NULL,
		    "request must be a JSON object with a string \"fn\"");
		put_wiped(req);
		return;
	}
	params = field(req, "params");
	if (params != NULL && !json_object_is_type(params, json_type_object)) {
		answer(req, TPAKE_EDECODE, NULL, NULL, "params: not an object");
		put_wiped(req);
		return;
	}
	for (i = 0; i < LK_ARRAY_LEN(fns); i++)
		if (strcmp(fns[i].name, json_object_get_string(fn)) == 0)
			break;
	if (i == LK_ARRAY_LEN(fns)) {
		snprintf(d->err, sizeof(d->err), "unknown fn %s",
		    json_object_get_string(fn));
		answer(req, E_UNKNOWN_FN, NULL, NULL, d->err);
		put_wiped(req);
		return;
	}
	res = json_object_new_object();
	rv = fns[i].fn(d, params, res, &blame);
	answer(req, rv, res, &blame, d->err);
	put_wiped(res);
	put_wiped(req);
}

int
main(int argc, char **argv)
{
	struct driver d;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;

	if (argc > 1) {
		fprintf(stderr,
		    "usage: %s < requests.jsonl (see docs/tpake-driver.md)\n",
		    argv[0]);
		return 2;
	}
	if (lk_init() != 0)
		return 1;
	memset(&d, 0, sizeof(d));
	while ((n = getline(&line, &cap, stdin)) >= 0) {
		if (n > 0 && line[n - 1] == '\n')
			line[--n] = 0;
		if (n == 0)
			continue;
		if ((size_t) n > MAX_LINE) {
			answer(
			    NULL, TPAKE_ETOOBIG, NULL, NULL, "line too long");
			lk_wipe(line, (size_t) n);
			continue;
		}
		handle(&d, line);
		lk_wipe(line, (size_t) n);
	}
	if (line != NULL)
		lk_free_wipe(line, cap);
	while (d.states != NULL)
		state_free(&d, d.states);
	return 0;
}
