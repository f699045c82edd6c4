/* libclient: registration, login, sessions and operations
 * (docs/CLUSTER.md). Every request goes to the aggregator as one FANOUT
 * whose items are frames for single servers: before a session they carry
 * items sealed to each server's pinned key; inside a session they are
 * proto_chan frames. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lk_common.h"
#include "lk_seal.h"
#include "lkc_int.h"
#include "proto_chan.h"
#include "tpake.h"

#define H32 32

static double
now_ms(void)
{
	return (double) lk_mono_us() / 1e3;
}

void
lkc_last_login_times(const struct lkc *k, struct lkc_login_times *out)
{
	*out = k->times;
}

/* One server's answer inside a fan-out. */
struct ans {
	uint16_t server;
	int code; /* 0: a reply of a wanted type; else its error */
	struct proto_hdr h;
	uint8_t *body; /* plain body (opened when sealed) */
	size_t len;
};

struct lkc_session {
	struct lkc *k;
	char user[PROTO_MAX_USER + 1];
	uint8_t sid[PROTO_SID_BYTES];
	uint8_t user_id[16];
	uint8_t export_key[TPAKE_EXPORT_KEY_BYTES];
	int live[PROTO_MAX_NODES + 1];
	struct proto_chan chan[PROTO_MAX_NODES + 1];
	uint64_t ssid;
	uint64_t version; /* the account's, as the servers said at login */
	struct ans ans[PROTO_MAX_NODES];
	int nans;
	uint8_t bodies[PROTO_MAX_NODES][PROTO_MAX_OP_DATA + 1024];
};

static uint8_t fbuf[PROTO_MAX_NODES]
                   [PROTO_HDR_BYTES + PROTO_MAX_OP_DATA + 1024];

/* ------------------------------------------------------------------ */
/* fan-out */

/* Sends items (frames[i] for server[i]) and returns the aggregator's reply;
 * res rows borrow from *reply. */
static int
fanout(struct lkc *k, const uint16_t *server, uint8_t *const *frames,
    const size_t *lens, int n, struct proto_msg_fanout_resp *res,
    nng_msg **reply, char *err, size_t errcap)
{
	static struct proto_msg_fanout_req req;
	struct proto_hdr rh;
	const uint8_t *body;
	int i, rv;

	memset(&req, 0, sizeof(req));
	req.deadline_ms
	    = k->c.timeout_ms > 1000 ? k->c.timeout_ms - 500 : k->c.timeout_ms;
	for (i = 0; i < n; i++) {
		req.items[i].server = server[i];
		req.items[i].frame.p = frames[i];
		req.items[i].frame.len = lens[i];
	}
	req.items_n = (uint16_t) n;
	if ((rv = lkc_call(k, &proto_schema_fanout_req, &req,
	         PROTO_T_FANOUT_RESP, reply, &rh, &body, err, errcap))
	    != 0)
		return rv;
	if ((rv = proto_msg_decode(
	         &proto_schema_fanout_resp, res, body, rh.len))
	    != 0) {
		nng_msg_free(*reply);
		*reply = NULL;
		snprintf(
		    err, errcap, "bad fan-out reply: %s", proto_strerror(rv));
		return LKC_EREPLY;
	}
	return 0;
}

/* The code of an ERROR body, or LKC_EREPLY. */
static int
error_code(const uint8_t *body, size_t len)
{
	struct proto_msg_error e;

	if (proto_msg_decode(&proto_schema_error, &e, body, len) != 0)
		return LKC_EREPLY;
	return e.code;
}

/* A plain (unsealed) reply of server: copies body into b. */
static void
plain_answer(struct ans *a, uint16_t server, const struct proto_bytes *fr,
    uint8_t *b, size_t cap)
{
	const uint8_t *body;
	int rv;

	memset(a, 0, sizeof(*a));
	a->server = server;
	rv = proto_frame_parse(&a->h, &body, fr->p, fr->len, PROTO_MAX_INNER);
	if (rv == 0
	    && (a->h.sender != server || !(a->h.flags & PROTO_F_RESPONSE)))
		rv = LKC_EREPLY;
	if (rv == 0 && a->h.type == PROTO_T_ERROR)
		rv = error_code(body, a->h.len);
	if (rv == 0 && a->h.len > cap)
		rv = LKC_EREPLY;
	if (rv == 0) {
		memcpy(b, body, a->h.len);
		a->body = b;
		a->len = a->h.len;
	}
	a->code = rv;
}

/* One fan-out result: the aggregator's status for that server (down,
 * timed out), else the server's plain answer. */
static void
item_answer(struct ans *a, const struct proto_msg_fanout_result *it, uint8_t *b,
    size_t cap)
{
	if (it->status != 0) {
		memset(a, 0, sizeof(*a));
		a->server = it->server;
		a->code = it->status;
		return;
	}
	plain_answer(a, it->server, &it->frame, b, cap);
}

/* The most telling error of the answers: a server code (>= 500) that most
 * servers gave, else LKC_EQUORUM. */
static int
pick_err(const struct ans *a, int n, char *err, size_t errcap)
{
	int i, j, best = 0, bestn = 0;
	char *p = err;
	size_t left = errcap;

	for (i = 0; i < n; i++) {
		int c = a[i].code, m = 0;
		/* only answers about the request itself; a server that is
		 * stale, unsure or busy just leaves the quorum short */
		if (c < 505 || (c > 506 && c < 521) || c >= 800)
			continue;
		for (j = 0; j < n; j++)
			m += a[j].code == c;
		if (m > bestn) {
			best = c;
			bestn = m;
		}
	}
	if (err[0] == '\0' && errcap > 0) {
		for (i = 0; i < n && left > 1; i++) {
			int w = snprintf(p, left, "%sserver %u: %s (%d)",
			    i ? "; " : "", a[i].server,
			    a[i].code ? lkc_strerror(a[i].code) : "ok",
			    a[i].code);
			if (w < 0 || (size_t) w >= left)
				break;
			p += w;
			left -= (size_t) w;
		}
	}
	return best ? best : LKC_EQUORUM;
}

/* ------------------------------------------------------------------ */
/* registration */

static void
reg_ad(
    uint8_t *ad, size_t *adlen, const char *user, size_t ulen, uint64_t version)
{
	int i;

	ad[0] = (uint8_t) (ulen >> 8);
	ad[1] = (uint8_t) ulen;
	memcpy(ad + 2, user, ulen);
	for (i = 0; i < 8; i++)
		ad[2 + ulen + i] = (uint8_t) (version >> (56 - 8 * i));
	*adlen = 2 + ulen + 8;
}

static int
check_user(const char *user, char *err, size_t errcap)
{
	size_t n = strlen(user);

	if (n < 1 || n > PROTO_MAX_USER) {
		snprintf(err, errcap, "user name must have 1..%d bytes",
		    PROTO_MAX_USER);
		return LK_EINVAL;
	}
	return 0;
}

static int
check_pins(
    const struct lkc *k, struct tpake_element *pk, char *err, size_t errcap)
{
	int i;

	for (i = 1; i <= k->c.n; i++) {
		if (k->c.have_pk[i] != 3) {
			snprintf(err, errcap,
			    "cluster file: [server.%d] needs ake_pk and "
			    "seal_pk",
			    i);
			return LKC_EPIN;
		}
		if (pk != NULL)
			memcpy(pk[i - 1].b, k->c.ake_pk[i], 32);
	}
	return 0;
}

static uint8_t reg_items[PROTO_MAX_NODES][PROTO_MAX_SEALED_UPLOAD];

int
lkc_register(struct lkc *k, const char *user, const uint8_t *pw, size_t pwlen,
    char *err, size_t errcap)
{
	static uint8_t uploads[PROTO_MAX_NODES * TPAKE_UPLOAD_BYTES(16)];
	static struct proto_msg_fanout_resp res;
	static struct proto_msg_reg_commit cm;
	struct tpake_element pk[PROTO_MAX_NODES];
	struct tpake_deal_params p;
	struct proto_msg_reg_prepare rp;
	struct proto_msg_reg_prepared ok;
	struct proto_hdr h;
	struct ans a[PROTO_MAX_NODES];
	uint8_t export_key[TPAKE_EXPORT_KEY_BYTES], chash[64];
	uint8_t info[16], ad[2 + PROTO_MAX_USER + 8], scratch[512];
	uint8_t *frames[PROTO_MAX_NODES];
	uint16_t servers[PROTO_MAX_NODES];
	size_t lens[PROTO_MAX_NODES], adlen, ulen = strlen(user);
	size_t up = TPAKE_UPLOAD_BYTES(k->c.t), itemlen = up + LK_SEAL_OVERHEAD;
	int prepared[PROTO_MAX_NODES + 1], nprep = 0, i, m, rv;
	nng_msg *reply = NULL;

	err[0] = '\0';
	if ((rv = check_user(user, err, errcap)) != 0
	    || (rv = check_pins(k, pk, err, errcap)) != 0)
		return rv;
	memset(&p, 0, sizeof(p));
	p.t = (uint8_t) k->c.t;
	p.n = (uint8_t) k->c.n;
	p.server_pk = pk;
	p.ksf.alg = TPAKE_KSF_ARGON2ID;
	p.ksf.opslimit = k->c.ksf_ops;
	p.ksf.memlimit = (size_t) k->c.ksf_mem_kib * 1024;
	rv = tpake_client_register_deal(
	    uploads, up * k->c.n, export_key, chash, &p, pw, pwlen, NULL);
	lk_wipe(export_key, sizeof(export_key));
	if (rv != 0) {
		snprintf(err, errcap, "registration: %s", tpake_strerror(rv));
		return rv;
	}
	reg_ad(ad, &adlen, user, ulen, 1);
	memset(&h, 0, sizeof(h));
	lk_random(h.sid, sizeof(h.sid));
	for (i = 0; i < k->c.n; i++) {
		struct lk_seal_pk spk;
		memcpy(spk.b, k->c.seal_pk[i + 1], 32);
		memcpy(info, "lk register v1", 14);
		info[14] = (uint8_t) ((i + 1) >> 8);
		info[15] = (uint8_t) (i + 1);
		rv = lk_seal(reg_items[i], &spk, info, sizeof(info), ad, adlen,
		    uploads + (size_t) i * up, up);
		if (rv != 0)
			goto out;
		rp.user.p = (const uint8_t *) user;
		rp.user.len = ulen;
		rp.item.p = reg_items[i];
		rp.item.len = itemlen;
		h.seq = 1;
		if ((rv = PROTO_ENCODE(reg_prepare, fbuf[i], sizeof(fbuf[i]),
		         &lens[i], &h, &rp))
		    != 0)
			goto out;
		frames[i] = fbuf[i];
		servers[i] = (uint16_t) (i + 1);
	}
	lk_wipe(uploads, sizeof(uploads));
	if ((rv = fanout(
	         k, servers, frames, lens, k->c.n, &res, &reply, err, errcap))
	    != 0)
		goto out;
	memset(prepared, 0, sizeof(prepared));
	m = 0;
	for (i = 0; i < res.items_n; i++) {
		struct ans *x = &a[m++];
		item_answer(x, &res.items[i], scratch, sizeof(scratch));
		if (x->code == 0
		    && (x->h.type != PROTO_T_REG_PREPARED
		        || proto_msg_decode(
		               &proto_schema_reg_prepared, &ok, x->body, x->len)
		            != 0
		        || !lk_ct_eq(ok.commit_hash, chash, 64)))
			x->code = LKC_EREPLY;
		if (x->code == 0 && x->server >= 1 && x->server <= k->c.n
		    && !prepared[x->server]) {
			prepared[x->server] = 1;
			cm.prepared[nprep].server = x->server;
			memcpy(
			    cm.prepared[nprep].record_hash, ok.record_hash, 32);
			nprep++;
		}
	}
	nng_msg_free(reply);
	reply = NULL;
	if (nprep < k->c.t) {
		rv = pick_err(a, m, err, errcap);
		goto out;
	}
	/* Phase 2: every prepared server proposes the same commit (the state
	 * machine executes it once); the others' items wait in the mailbox
	 * of each prepared server. */
	cm.user.p = (const uint8_t *) user;
	cm.user.len = ulen;
	memcpy(cm.commit_hash, chash, 64);
	cm.prepared_n = (uint16_t) nprep;
	cm.missed_n = 0;
	for (i = 1; i <= k->c.n; i++)
		if (!prepared[i]) {
			cm.missed[cm.missed_n].server = (uint16_t) i;
			cm.missed[cm.missed_n].item.p = reg_items[i - 1];
			cm.missed[cm.missed_n].item.len = itemlen;
			cm.missed_n++;
		}
	m = 0;
	for (i = 1; i <= k->c.n; i++) {
		if (!prepared[i])
			continue;
		h.seq = 2;
		if ((rv = PROTO_ENCODE(reg_commit, fbuf[m], sizeof(fbuf[m]),
		         &lens[m], &h, &cm))
		    != 0)
			goto out;
		frames[m] = fbuf[m];
		servers[m] = (uint16_t) i;
		m++;
	}
	if ((rv = fanout(
	         k, servers, frames, lens, m, &res, &reply, err, errcap))
	    != 0)
		goto out;
	rv = -1;
	m = 0;
	for (i = 0; i < res.items_n; i++) {
		struct ans *x = &a[m++];
		item_answer(x, &res.items[i], scratch, sizeof(scratch));
		if (x->code == 0 && x->h.type == PROTO_T_REG_DONE)
			rv = 0;
		else if (x->code == 0)
			x->code = LKC_EREPLY;
	}
	if (rv != 0)
		rv = pick_err(a, m, err, errcap);
out:
	if (reply != NULL)
		nng_msg_free(reply);
	lk_wipe(uploads, sizeof(uploads));
	lk_wipe(chash, sizeof(chash));
	if (rv != 0 && err[0] == '\0')
		snprintf(err, errcap, "%s", lkc_strerror(rv));
	return rv;
}

/* ------------------------------------------------------------------ */
/* login */

int
lkc_session_servers(const struct lkc_session *s)
{
	int i, n = 0;

	for (i = 1; i <= PROTO_MAX_NODES; i++)
		n += s->live[i] != 0;
	return n;
}

int
lkc_session_answered(const struct lkc_session *s)
{
	int i, n = 0;

	for (i = 0; i < s->nans; i++)
		n += s->ans[i].code == 0;
	return n;
}

void
lkc_session_free(struct lkc_session *s)
{
	int i;

	if (s == NULL)
		return;
	for (i = 0; i <= PROTO_MAX_NODES; i++)
		proto_chan_clear(&s->chan[i]);
	sodium_free(s);
}

static int
login_once(struct lkc *k, const char *user, const uint8_t *pw, size_t pwlen,
    struct lkc_session **out, char *err, size_t errcap)
{
	static struct proto_msg_fanout_resp res;
	static uint8_t ke2[PROTO_MAX_NODES][TPAKE_KE2_BYTES];
	static uint8_t ext[PROTO_MAX_NODES][PROTO_MAX_LOGIN_EXT];
	struct tpake_element pk[PROTO_MAX_NODES];
	struct tpake_client_login st;
	struct tpake_client_result *r = NULL;
	struct tpake_login_params p;
	struct tpake_reply rep[PROTO_MAX_NODES];
	struct tpake_blame blame;
	struct proto_msg_login1 l1;
	struct proto_msg_login2 l2;
	struct proto_msg_login3 l3;
	struct proto_hdr h;
	struct ans a[PROTO_MAX_NODES];
	struct lkc_session *s = NULL;
	uint8_t ke1[TPAKE_KE1_BYTES], attempt[TPAKE_ATTEMPT_ID_BYTES], d[64];
	uint8_t scratch[1024];
	uint8_t *frames[PROTO_MAX_NODES];
	uint16_t servers[PROTO_MAX_NODES];
	size_t lens[PROTO_MAX_NODES], ulen = strlen(user);
	int i, j, m, nrep = 0, rv;
	nng_msg *reply = NULL;
	crypto_hash_sha512_state hs;
	double t0;

	*out = NULL;
	err[0] = '\0';
	memset(&st, 0, sizeof(st));
	if ((rv = check_user(user, err, errcap)) != 0
	    || (rv = check_pins(k, pk, err, errcap)) != 0)
		return rv;
	if ((s = sodium_malloc(sizeof(*s))) == NULL
	    || (r = sodium_malloc(sizeof(*r))) == NULL) {
		rv = LK_ENOMEM;
		goto out;
	}
	memset(s, 0, sizeof(*s));
	s->k = k;
	memcpy(s->user, user, ulen + 1);
	if ((rv = tpake_client_login_start(&st, ke1, pw, pwlen, NULL)) != 0) {
		snprintf(err, errcap, "login: %s", tpake_strerror(rv));
		goto out;
	}
	tpake_attempt_id(attempt,
	    (struct tpake_bytes) { (const uint8_t *) user, ulen }, ke1);
	memset(&h, 0, sizeof(h));
	lk_random(h.sid, sizeof(h.sid));
	h.seq = 1;
	l1.user.p = (const uint8_t *) user;
	l1.user.len = ulen;
	memcpy(l1.ke1, ke1, sizeof(ke1));
	m = 0;
	for (i = 0; i < k->c.n; i++) {
		if (k->c.login_only != 0
		    && !(k->c.login_only & (1u << (i + 1))))
			continue;
		if ((rv = PROTO_ENCODE(
		         login1, fbuf[m], sizeof(fbuf[m]), &lens[m], &h, &l1))
		    != 0)
			goto out;
		frames[m] = fbuf[m];
		servers[m] = (uint16_t) (i + 1);
		m++;
	}
	memset(&k->times, 0, sizeof(k->times));
	t0 = now_ms();
	if ((rv = fanout(
	         k, servers, frames, lens, m, &res, &reply, err, errcap))
	    != 0)
		goto out;
	k->times.login1_ms = now_ms() - t0;
	m = 0;
	for (i = 0; i < res.items_n; i++) {
		struct ans *x = &a[m++];
		item_answer(x, &res.items[i], scratch, sizeof(scratch));
		if (x->code == 0
		    && (x->h.type != PROTO_T_LOGIN2
		        || proto_msg_decode(
		               &proto_schema_login2, &l2, x->body, x->len)
		            != 0
		        || l2.ext.len != TPAKE_EXT_BYTES(k->c.t)
		        || x->server < 1 || x->server > k->c.n))
			x->code = LKC_EREPLY;
		if (x->code != 0)
			continue;
		for (j = 0; j < nrep; j++)
			if (rep[j].index == x->server)
				break;
		if (j < nrep)
			continue;
		memcpy(ke2[nrep], l2.ke2, TPAKE_KE2_BYTES);
		memcpy(ext[nrep], l2.ext.p, l2.ext.len);
		rep[nrep].index = (uint8_t) x->server;
		rep[nrep].ke2 = ke2[nrep];
		rep[nrep].ext = ext[nrep];
		rep[nrep].ext_len = l2.ext.len;
		rep[nrep].server_id = (struct tpake_bytes) { NULL, 0 };
		nrep++;
	}
	nng_msg_free(reply);
	reply = NULL;
	if (nrep < k->c.t) {
		rv = pick_err(a, m, err, errcap);
		goto out;
	}
	memset(&p, 0, sizeof(p));
	p.t = (uint8_t) k->c.t;
	p.n = (uint8_t) k->c.n;
	p.user_id = (struct tpake_bytes) { (const uint8_t *) user, ulen };
	p.client_id = (struct tpake_bytes) { NULL, 0 };
	p.context = (struct tpake_bytes) { (const uint8_t *) LK_AKE_CONTEXT,
		strlen(LK_AKE_CONTEXT) };
	p.ksf.alg = TPAKE_KSF_ARGON2ID;
	p.ksf.opslimit = k->c.ksf_ops;
	p.ksf.memlimit = (size_t) k->c.ksf_mem_kib * 1024;
	p.server_pk = pk;
	t0 = now_ms();
	for (;;) {
		rv = tpake_client_login_finish(&st, r, &blame, &p, rep, nrep);
		if (rv != TPAKE_EPEER || blame.count == 0)
			break;
		/* leave out the servers named and try again */
		for (i = 0; i < (int) blame.count; i++)
			for (j = 0; j < nrep; j++)
				if (rep[j].index == blame.index[i]) {
					rep[j] = rep[--nrep];
					break;
				}
		if (nrep < k->c.t)
			break;
	}
	if (rv != 0) {
		if (rv == TPAKE_EAUTH)
			rv = LKC_EAUTH;
		snprintf(err, errcap, "login: %s",
		    lkc_strerror(rv == LKC_EAUTH ? rv : LKC_EQUORUM));
		if (rv != LKC_EAUTH)
			rv = LKC_EQUORUM;
		goto out;
	}
	k->times.finish_ms = now_ms() - t0;
	memcpy(s->export_key, r->export_key, sizeof(s->export_key));
	crypto_hash_sha512_init(&hs);
	crypto_hash_sha512_update(&hs, (const uint8_t *) "lk sid v1", 10);
	crypto_hash_sha512_update(&hs, attempt, H32);
	crypto_hash_sha512_final(&hs, d);
	memcpy(s->sid, d, PROTO_SID_BYTES);
	l3.user.p = (const uint8_t *) user;
	l3.user.len = ulen;
	memcpy(l3.attempt_id, attempt, H32);
	h.seq = 2;
	for (i = 0; i < (int) r->count; i++) {
		uint8_t ix = r->index[i];
		memcpy(l3.ke3, r->ke3[i], TPAKE_KE3_BYTES);
		if ((rv = PROTO_ENCODE(
		         login3, fbuf[i], sizeof(fbuf[i]), &lens[i], &h, &l3))
		    != 0)
			goto out;
		frames[i] = fbuf[i];
		servers[i] = ix;
		if ((rv = proto_chan_init(&s->chan[ix], r->session_key[i],
		         TPAKE_SESSION_KEY_BYTES, s->sid, ix, 1))
		    != 0)
			goto out;
	}
	t0 = now_ms();
	if ((rv = fanout(k, servers, frames, lens, (int) r->count, &res, &reply,
	         err, errcap))
	    != 0)
		goto out;
	k->times.login3_ms = now_ms() - t0;
	m = 0;
	for (i = 0; i < res.items_n; i++) {
		struct ans *x = &a[m++];
		uint16_t ix = res.items[i].server;
		struct proto_msg_login_done ld;
		size_t blen;
		memset(x, 0, sizeof(*x));
		x->server = ix;
		x->code = res.items[i].status;
		if (x->code != 0 || ix < 1 || ix > k->c.n)
			continue;
		x->code = proto_chan_open(&s->chan[ix], &x->h, scratch,
		    sizeof(scratch), &blen, res.items[i].frame.p,
		    res.items[i].frame.len);
		if (x->code != 0) {
			/* a plain error (e.g. LOGIN_OK not committed) */
			plain_answer(x, ix, &res.items[i].frame, scratch,
			    sizeof(scratch));
			if (x->code == 0)
				x->code = LKC_EREPLY;
			continue;
		}
		if (x->h.type != PROTO_T_LOGIN_DONE
		    || proto_msg_decode(
		           &proto_schema_login_done, &ld, scratch, blen)
		        != 0) {
			x->code = x->h.type == PROTO_T_ERROR
			    ? error_code(scratch, blen)
			    : LKC_EREPLY;
			continue;
		}
		memcpy(s->user_id, ld.user_id, 16);
		if (ld.version > s->version)
			s->version = ld.version;
		s->live[ix] = 1;
	}
	lk_wipe(scratch, sizeof(scratch));
	if (lkc_session_servers(s) < k->c.t) {
		rv = pick_err(a, m, err, errcap);
		goto out;
	}
	rv = 0;
	*out = s;
	s = NULL;
out:
	if (reply != NULL)
		nng_msg_free(reply);
	tpake_client_login_clear(&st);
	if (r != NULL) {
		tpake_client_result_clear(r);
		sodium_free(r);
	}
	lk_wipe(ke2, sizeof(ke2));
	lk_wipe(ext, sizeof(ext));
	lkc_session_free(s);
	if (rv != 0 && err[0] == '\0')
		snprintf(err, errcap, "%s", lkc_strerror(rv));
	return rv;
}

/* A concurrent login of the same account that completed first resets its
 * attempts (the state machine keeps one reset per account), so this
 * login's LOGIN_OK finds nothing and every server answers SRV_EAUTH (523)
 * after the password was verified: log in once more (a new attempt). */
int
lkc_login(struct lkc *k, const char *user, const uint8_t *pw, size_t pwlen,
    struct lkc_session **out, char *err, size_t errcap)
{
	int rv = login_once(k, user, pw, pwlen, out, err, errcap);

	if (rv == 523)
		rv = login_once(k, user, pw, pwlen, out, err, errcap);
	return rv;
}

/* ------------------------------------------------------------------ */
/* operations */

/* Seals body (type) for every live server, sends the fan-out and fills
 * s->ans: code 0 with the opened body of a reply of type want, else the
 * error. A server whose channel failed or that did not answer leaves the
 * session (its channel state is unknown). Returns the number of servers
 * that answered with want. */
static int sess_call_each(struct lkc_session *s, uint16_t type,
    const uint8_t *body, size_t blen, uint8_t *const *each,
    const size_t *each_len, uint16_t want, char *err, size_t errcap);

static int
sess_call(struct lkc_session *s, uint16_t type, const uint8_t *body,
    size_t blen, uint16_t want, char *err, size_t errcap)
{
	return sess_call_each(
	    s, type, body, blen, NULL, NULL, want, err, errcap);
}

/* As sess_call; with each != NULL server i gets body each[i] instead. */
static int
sess_call_each(struct lkc_session *s, uint16_t type, const uint8_t *body,
    size_t blen, uint8_t *const *each, const size_t *each_len, uint16_t want,
    char *err, size_t errcap)
{
	static struct proto_msg_fanout_resp res;
	uint8_t *frames[PROTO_MAX_NODES];
	uint16_t servers[PROTO_MAX_NODES];
	size_t lens[PROTO_MAX_NODES];
	nng_msg *reply = NULL;
	int i, m = 0, ok = 0, rv;

	err[0] = '\0';
	s->nans = 0;
	s->ssid++;
	for (i = 1; i <= s->k->c.n; i++) {
		if (!s->live[i])
			continue;
		if (proto_chan_seal(&s->chan[i], fbuf[m], sizeof(fbuf[m]),
		        &lens[m], type, 0, s->ssid, each ? each[i] : body,
		        each ? each_len[i] : blen)
		    != 0)
			return -LK_EINVAL;
		frames[m] = fbuf[m];
		servers[m] = (uint16_t) i;
		m++;
	}
	if (m == 0) {
		snprintf(err, errcap, "no server left in the session");
		return -524;
	}
	rv = fanout(s->k, servers, frames, lens, m, &res, &reply, err, errcap);
	if (rv != 0)
		return -rv;
	for (i = 0; i < res.items_n && i < PROTO_MAX_NODES; i++) {
		struct ans *x = &s->ans[s->nans++];
		uint16_t ix = res.items[i].server;
		size_t olen;
		memset(x, 0, sizeof(*x));
		x->server = ix;
		x->code = res.items[i].status;
		if (ix < 1 || ix > s->k->c.n || !s->live[ix]) {
			x->code = LKC_EREPLY;
			continue;
		}
		if (x->code == 0)
			x->code = proto_chan_open(&s->chan[ix], &x->h,
			    s->bodies[i], sizeof(s->bodies[i]), &olen,
			    res.items[i].frame.p, res.items[i].frame.len);
		if (x->code != 0) {
			if (res.items[i].status == 0) {
				plain_answer(x, ix, &res.items[i].frame,
				    s->bodies[i], sizeof(s->bodies[i]));
				if (x->code == 0)
					x->code = LKC_EREPLY;
			}
			s->live[ix] = 0;
			continue;
		}
		if (!(x->h.flags & PROTO_F_RESPONSE) || x->h.ssid != s->ssid) {
			x->code = LKC_EREPLY;
			s->live[ix] = 0;
			continue;
		}
		x->body = s->bodies[i];
		x->len = olen;
		if (x->h.type == PROTO_T_ERROR)
			x->code = error_code(x->body, x->len);
		else if (x->h.type != want)
			x->code = LKC_EREPLY;
		else
			ok++;
	}
	nng_msg_free(reply);
	return ok;
}

/* Encodes msg of schema sc into buf and calls sess_call. */
static int
sess_op(struct lkc_session *s, uint16_t type, const struct proto_schema *sc,
    const void *msg, uint16_t want, char *err, size_t errcap)
{
	static uint8_t buf[PROTO_MAX_OP_DATA + 1024];
	struct proto_wbuf w;
	size_t len;
	int rv;

	proto_wbuf_init(&w, buf, sizeof(buf));
	proto_msg_encode(&w, sc, msg);
	if ((rv = proto_wbuf_finish(&w, &len)) != 0) {
		snprintf(err, errcap, "encode: %s", proto_strerror(rv));
		return -rv;
	}
	rv = sess_call(s, type, buf, len, want, err, errcap);
	lk_wipe(buf, len);
	return rv;
}

/* The result of an operation that needs `need` good answers. */
static int
outcome(struct lkc_session *s, int ok, int need, char *err, size_t errcap)
{
	if (ok < 0)
		return -ok;
	if (ok >= need)
		return 0;
	return pick_err(s->ans, s->nans, err, errcap);
}

static const struct ans *
first_ok(const struct lkc_session *s)
{
	int i;

	for (i = 0; i < s->nans; i++)
		if (s->ans[i].code == 0)
			return &s->ans[i];
	return NULL;
}

static const struct proto_msg_op_empty empty = { 0 };

int
lkc_logout(struct lkc_session *s, char *err, size_t errcap)
{
	int ok = sess_op(s, PROTO_T_OP_LOGOUT, &proto_schema_op_empty, &empty,
	    PROTO_T_ACK, err, errcap);

	/* The channels stay: a later request still goes out and the servers
	 * refuse it (SRV_ESESSION), as Lock-Keeper's tests expect. */
	lk_wipe(s->export_key, sizeof(s->export_key));
	return outcome(s, ok, 1, err, errcap);
}

int
lkc_check_session(struct lkc_session *s, char *err, size_t errcap)
{
	int ok = sess_op(s, PROTO_T_OP_CHECK, &proto_schema_op_empty, &empty,
	    PROTO_T_ACK, err, errcap);

	return outcome(s, ok, s->k->c.t, err, errcap);
}

int
lkc_user_id(struct lkc_session *s, uint8_t out[16], char *err, size_t errcap)
{
	struct proto_msg_op_user_id r;
	const struct ans *a;
	int ok = sess_op(s, PROTO_T_OP_USER_ID, &proto_schema_op_empty, &empty,
	    PROTO_T_OP_USER_ID_RESP, err, errcap);
	int rv = outcome(s, ok, 1, err, errcap);

	if (rv != 0)
		return rv;
	a = first_ok(s);
	if (proto_msg_decode(&proto_schema_op_user_id, &r, a->body, a->len)
	    != 0)
		return LKC_EREPLY;
	memcpy(out, r.user_id, 16);
	return 0;
}

static void
skey_wrap_key(const struct lkc_session *s, uint8_t wk[32])
{
	lk_hkdf512(wk, 32, NULL, 0, s->export_key, sizeof(s->export_key),
	    (const uint8_t *) "lk storage key wrap v1", 22);
}

int
lkc_storage_key(
    struct lkc_session *s, uint8_t key[32], char *err, size_t errcap)
{
	struct proto_msg_op_data d;
	struct proto_msg_op_put_skey pk;
	uint8_t wk[32], wrapped[24 + 32 + 16], ad[8 + PROTO_MAX_USER];
	size_t adlen = 8 + strlen(s->user);
	const struct ans *a;
	int ok, rv, i, tries;

	memcpy(ad, "lk skey ", 8);
	memcpy(ad + 8, s->user, strlen(s->user));
	skey_wrap_key(s, wk);
	for (tries = 0; tries < 2; tries++) {
		ok = sess_op(s, PROTO_T_OP_GET_SKEY, &proto_schema_op_empty,
		    &empty, PROTO_T_OP_DATA, err, errcap);
		if (ok < 0) {
			rv = -ok;
			goto out;
		}
		rv = LKC_ECORRUPT;
		for (i = 0; i < s->nans; i++) {
			a = &s->ans[i];
			if (a->code != 0
			    || proto_msg_decode(
			           &proto_schema_op_data, &d, a->body, a->len)
			        != 0
			    || d.data.len != sizeof(wrapped))
				continue;
			if (lk_xaead_open(key, d.data.p + 24, d.data.len - 24,
			        ad, adlen, d.data.p, wk)
			    == 0) {
				rv = 0;
				goto out;
			}
		}
		if (ok > 0) {
			snprintf(err, errcap, "the storage key did not unwrap");
			goto out;
		}
		/* none yet: every answer says "no key" */
		for (i = 0; i < s->nans; i++)
			if (s->ans[i].code != 525 && s->ans[i].code != 0)
				break;
		if (i < s->nans || s->nans < s->k->c.t) {
			rv = pick_err(s->ans, s->nans, err, errcap);
			goto out;
		}
		lk_random(key, 32);
		lk_random(wrapped, 24);
		lk_xaead_seal(wrapped + 24, key, 32, ad, adlen, wrapped, wk);
		pk.wrapped.p = wrapped;
		pk.wrapped.len = sizeof(wrapped);
		memset(pk.acct_hash, 0, sizeof(pk.acct_hash));
		ok = sess_op(s, PROTO_T_OP_PUT_SKEY, &proto_schema_op_put_skey,
		    &pk, PROTO_T_ACK, err, errcap);
		rv = outcome(s, ok, s->k->c.t, err, errcap);
		if (rv != 521) /* 521: another login created it first */
			goto out;
	}
out:
	lk_wipe(wk, sizeof(wk));
	if (rv != 0)
		lk_wipe(key, 32);
	return rv;
}

static int
store_key(struct lkc_session *s, uint8_t kind, const uint8_t *data, size_t len,
    uint8_t key_id[32], char *err, size_t errcap)
{
	struct proto_msg_op_store st;
	int ok;

	lk_random(key_id, 32);
	st.kind = kind;
	memcpy(st.key_id, key_id, 32);
	st.data.p = data;
	st.data.len = len;
	ok = sess_op(s, PROTO_T_OP_STORE_KEY, &proto_schema_op_store, &st,
	    PROTO_T_ACK, err, errcap);
	return outcome(s, ok, s->k->c.t, err, errcap);
}

int
lkc_secret_store(struct lkc_session *s, const uint8_t *secret, size_t len,
    uint8_t key_id[32], char *err, size_t errcap)
{
	static uint8_t ct[24 + PROTO_MAX_OP_DATA];
	uint8_t key[32], ad[12 + 32];
	int rv;

	if (len == 0 || len > PROTO_MAX_OP_DATA - 24 - 16) {
		snprintf(err, errcap, "secret must have 1..%d bytes",
		    PROTO_MAX_OP_DATA - 40);
		return LK_EINVAL;
	}
	if ((rv = lkc_storage_key(s, key, err, errcap)) != 0)
		return rv;
	lk_random(key_id, 32);
	memcpy(ad, "lk secret v1", 12);
	memcpy(ad + 12, key_id, 32);
	lk_random(ct, 24);
	lk_xaead_seal(ct + 24, secret, len, ad, sizeof(ad), ct, key);
	lk_wipe(key, sizeof(key));
	/* store_key draws the id: encrypt under the one it will use */
	{
		struct proto_msg_op_store st;
		int ok;
		st.kind = PROTO_KEY_SECRET;
		memcpy(st.key_id, key_id, 32);
		st.data.p = ct;
		st.data.len = 24 + len + 16;
		ok = sess_op(s, PROTO_T_OP_STORE_KEY, &proto_schema_op_store,
		    &st, PROTO_T_ACK, err, errcap);
		rv = outcome(s, ok, s->k->c.t, err, errcap);
	}
	return rv;
}

int
lkc_secret_generate(struct lkc_session *s, size_t len, uint8_t *secret,
    uint8_t key_id[32], char *err, size_t errcap)
{
	int rv;

	lk_random(secret, len);
	rv = lkc_secret_store(s, secret, len, key_id, err, errcap);
	if (rv != 0)
		lk_wipe(secret, len);
	return rv;
}

static int
get_key(struct lkc_session *s, uint8_t kind, int export_,
    const uint8_t key_id[32], char *err, size_t errcap)
{
	struct proto_msg_op_get g;
	int ok;

	g.kind = kind;
	g.export_ = (uint8_t) export_;
	memcpy(g.key_id, key_id, 32);
	ok = sess_op(s, PROTO_T_OP_GET_KEY, &proto_schema_op_get, &g,
	    PROTO_T_OP_DATA, err, errcap);
	return outcome(s, ok, 1, err, errcap);
}

int
lkc_secret_retrieve(struct lkc_session *s, const uint8_t key_id[32],
    int export_, uint8_t *out, size_t cap, size_t *len, char *err,
    size_t errcap)
{
	struct proto_msg_op_data d;
	uint8_t key[32], ad[12 + 32];
	int rv, i;

	*len = 0;
	if ((rv = lkc_storage_key(s, key, err, errcap)) != 0)
		return rv;
	if ((rv = get_key(s, PROTO_KEY_SECRET, export_, key_id, err, errcap))
	    != 0)
		goto out;
	memcpy(ad, "lk secret v1", 12);
	memcpy(ad + 12, key_id, 32);
	rv = LKC_ECORRUPT;
	for (i = 0; i < s->nans; i++) {
		const struct ans *a = &s->ans[i];
		if (a->code != 0
		    || proto_msg_decode(
		           &proto_schema_op_data, &d, a->body, a->len)
		        != 0
		    || d.data.len < 24 + 16 || d.data.len - 40 > cap)
			continue;
		if (lk_xaead_open(out, d.data.p + 24, d.data.len - 24, ad,
		        sizeof(ad), d.data.p, key)
		    == 0) {
			*len = d.data.len - 40;
			rv = 0;
			break;
		}
	}
	if (rv != 0)
		snprintf(err, errcap, "the secret did not decrypt");
out:
	lk_wipe(key, sizeof(key));
	return rv;
}

int
lkc_blob_store(struct lkc_session *s, const uint8_t *data, size_t len,
    uint8_t key_id[32], char *err, size_t errcap)
{
	if (len == 0 || len > PROTO_MAX_OP_DATA) {
		snprintf(err, errcap, "blob must have 1..%d bytes",
		    PROTO_MAX_OP_DATA);
		return LK_EINVAL;
	}
	return store_key(s, PROTO_KEY_BLOB, data, len, key_id, err, errcap);
}

int
lkc_blob_retrieve(struct lkc_session *s, const uint8_t key_id[32], uint8_t *out,
    size_t cap, size_t *len, char *err, size_t errcap)
{
	struct proto_msg_op_data d;
	const struct ans *a;
	int rv;

	*len = 0;
	if ((rv = get_key(s, PROTO_KEY_BLOB, 0, key_id, err, errcap)) != 0)
		return rv;
	a = first_ok(s);
	if (proto_msg_decode(&proto_schema_op_data, &d, a->body, a->len) != 0
	    || d.data.len > cap)
		return LKC_EREPLY;
	memcpy(out, d.data.p, d.data.len);
	*len = d.data.len;
	return 0;
}

int
lkc_delete(
    struct lkc_session *s, const uint8_t key_id[32], char *err, size_t errcap)
{
	struct proto_msg_op_delete d;
	int ok;

	memcpy(d.key_id, key_id, 32);
	ok = sess_op(s, PROTO_T_OP_DELETE_KEY, &proto_schema_op_delete, &d,
	    PROTO_T_ACK, err, errcap);
	return outcome(s, ok, s->k->c.t, err, errcap);
}

static uint64_t
be64(const uint8_t *p)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

/* h_k = SHA-512("lk-audit-v1" || h_{k-1} || event_k)[0..32] */
static int
audit_chain_ok(const struct proto_msg_op_audit_resp *r)
{
	crypto_hash_sha512_state st;
	uint8_t h[64];
	int i;

	for (i = 1; i < r->events_n; i++) {
		if (be64(r->events[i].event)
		    != be64(r->events[i - 1].event) + 1)
			continue; /* filtered out in between */
		crypto_hash_sha512_init(&st);
		crypto_hash_sha512_update(
		    &st, (const uint8_t *) "lk-audit-v1", 11);
		crypto_hash_sha512_update(&st, r->events[i - 1].chain, 32);
		crypto_hash_sha512_update(
		    &st, r->events[i].event, PROTO_AUDIT_EVENT_BYTES);
		crypto_hash_sha512_final(&st, h);
		if (!lk_ct_eq(h, r->events[i].chain, 32))
			return 0;
	}
	if (r->events_n > 0
	    && be64(r->events[r->events_n - 1].event) == r->length
	    && !lk_ct_eq(r->events[r->events_n - 1].chain, r->head, 32))
		return 0;
	return 1;
}

/* The same events, times (bytes 8..15) aside. */
static int
audit_same(const struct proto_msg_op_audit_resp *a,
    const struct proto_msg_op_audit_resp *b)
{
	int i;

	if (a->events_n != b->events_n)
		return 0;
	for (i = 0; i < a->events_n; i++)
		if (memcmp(a->events[i].event, b->events[i].event, 8) != 0
		    || memcmp(a->events[i].event + 16, b->events[i].event + 16,
		           PROTO_AUDIT_EVENT_BYTES - 16)
		        != 0)
			return 0;
	return 1;
}

int
lkc_audit(struct lkc_session *s, const struct proto_msg_op_audit *f,
    struct lkc_audit *out, char *err, size_t errcap)
{
	int ok, i, rv;

	memset(out, 0, sizeof(*out));
	ok = sess_op(s, PROTO_T_OP_AUDIT, &proto_schema_op_audit, f,
	    PROTO_T_OP_AUDIT_RESP, err, errcap);
	if ((rv = outcome(s, ok, 1, err, errcap)) != 0)
		return rv;
	out->first = -1;
	out->chains_ok = 1;
	out->events_agree = 1;
	for (i = 0; i < s->nans; i++) {
		const struct ans *a = &s->ans[i];
		const struct proto_msg_op_audit_resp *r = &out->s[i].r;
		out->s[i].server = a->server;
		out->s[i].code = a->code;
		if (a->code == 0
		    && proto_msg_decode(&proto_schema_op_audit_resp,
		           &out->s[i].r, a->body, a->len)
		        != 0)
			out->s[i].code = LKC_EREPLY;
		if (out->s[i].code != 0)
			continue;
		if (!audit_chain_ok(r))
			out->chains_ok = 0;
		if (out->first < 0)
			out->first = i;
		else if (!audit_same(r, &out->s[out->first].r))
			out->events_agree = 0;
	}
	out->nservers = s->nans;
	return out->first < 0 ? LKC_EREPLY : 0;
}

/* ------------------------------------------------------------------ */
/* channel test hooks */

/* Sends frames; with open = 1 the sealed replies are opened in a's
 * channels (they advance its receive counters), else the plain error
 * codes are collected. */
static int
test_send(struct lkc_session *a, const uint16_t *servers,
    uint8_t *const *frames, const size_t *lens, int m, int open, int *codes,
    char *err, size_t errcap)
{
	static struct proto_msg_fanout_resp res;
	nng_msg *reply = NULL;
	int i, rv;

	if ((rv = fanout(
	         a->k, servers, frames, lens, m, &res, &reply, err, errcap))
	    != 0)
		return rv;
	for (i = 0; i < res.items_n; i++) {
		uint16_t ix = res.items[i].server;
		struct proto_hdr h;
		struct ans x;
		uint8_t ob[256];
		size_t olen;
		if (res.items[i].status != 0) {
			codes[i] = res.items[i].status;
			continue;
		}
		if (open && ix >= 1 && ix <= a->k->c.n) {
			codes[i] = proto_chan_open(&a->chan[ix], &h, ob,
			    sizeof(ob), &olen, res.items[i].frame.p,
			    res.items[i].frame.len);
			if (codes[i] != 0)
				a->live[ix] = 0;
			continue;
		}
		plain_answer(&x, ix, &res.items[i].frame, ob, sizeof(ob));
		codes[i] = x.code;
	}
	nng_msg_free(reply);
	return 0;
}

int
lkc_test_channel(struct lkc_session *a, struct lkc_session *b, int mode,
    int *rejected, int *codes, char *err, size_t errcap)
{
	static uint8_t one[PROTO_MAX_NODES][PROTO_HDR_BYTES + 64];
	static uint8_t two[PROTO_MAX_NODES][PROTO_HDR_BYTES + 64];
	uint8_t *f1[PROTO_MAX_NODES], *f2[PROTO_MAX_NODES];
	uint16_t servers[PROTO_MAX_NODES];
	size_t l1[PROTO_MAX_NODES], l2[PROTO_MAX_NODES];
	int scratch[PROTO_MAX_NODES];
	uint8_t body[1] = { 0 };
	int i, m = 0, rv, want;

	*rejected = 0;
	err[0] = '\0';
	/* two CHECK requests (op_empty: flags 0) per server, in order */
	for (i = 1; i <= a->k->c.n; i++) {
		if (!a->live[i] || (mode == 3 && (b == NULL || !b->live[i])))
			continue;
		servers[m] = (uint16_t) i;
		m++;
	}
	if (m == 0) {
		snprintf(err, errcap, "no server in the session(s)");
		return LKC_EQUORUM;
	}
	a->ssid++;
	for (i = 0; i < m; i++) {
		if (proto_chan_seal(&a->chan[servers[i]], one[i],
		        sizeof(one[i]), &l1[i], PROTO_T_OP_CHECK, 0, a->ssid,
		        body, 1)
		        != 0
		    || proto_chan_seal(&a->chan[servers[i]], two[i],
		           sizeof(two[i]), &l2[i], PROTO_T_OP_CHECK, 0, a->ssid,
		           body, 1)
		        != 0)
			return LK_EINVAL;
		f1[i] = one[i];
		f2[i] = two[i];
	}
	want = PROTO_EREPLAY;
	switch (mode) {
	case 1: /* deliver, then replay the same bytes */
		if ((rv = test_send(
		         a, servers, f1, l1, m, 1, scratch, err, errcap))
		    != 0)
			return rv;
		rv = test_send(a, servers, f1, l1, m, 0, codes, err, errcap);
		break;
	case 2: /* the second frame first */
		rv = test_send(a, servers, f2, l2, m, 0, codes, err, errcap);
		break;
	case 3: { /* the frame relabelled with b's session id */
		static uint8_t moved[PROTO_MAX_NODES][PROTO_HDR_BYTES + 64];
		uint8_t *fm[PROTO_MAX_NODES];
		for (i = 0; i < m; i++) {
			memcpy(moved[i], one[i], l1[i]);
			memcpy(moved[i] + 8, b->sid, PROTO_SID_BYTES);
			fm[i] = moved[i];
		}
		rv = test_send(a, servers, fm, l1, m, 0, codes, err, errcap);
		break;
	}
	default:
		return LK_EINVAL;
	}
	if (rv != 0)
		return rv;
	/* a moved frame fails the other session's sequence or its keys */
	for (i = 0; i < m; i++)
		if (codes[i] == want || (mode == 3 && codes[i] == PROTO_EAUTH))
			(*rejected)++;
	/* both sessions go on: deliver what a's counters expect */
	if (mode != 1
	    && (rv = test_send(a, servers, f1, l1, m, 1, scratch, err, errcap))
	        != 0)
		return rv;
	if ((rv = test_send(a, servers, f2, l2, m, 1, scratch, err, errcap))
	    != 0)
		return rv;
	return 0;
}

/* ------------------------------------------------------------------ */
/* password change */

int
lkc_password_change(struct lkc_session *s, const uint8_t *pw, size_t pwlen,
    char *err, size_t errcap)
{
	static uint8_t uploads[PROTO_MAX_NODES * TPAKE_UPLOAD_BYTES(16)];
	static uint8_t bodies[PROTO_MAX_NODES + 1][2 * PROTO_MAX_SEALED_UPLOAD
	    + PROTO_MAX_NODES * (PROTO_MAX_SEALED_UPLOAD + 8)];
	static struct proto_msg_op_password op;
	struct lkc *k = s->k;
	struct tpake_element pk[PROTO_MAX_NODES];
	struct tpake_deal_params p;
	uint8_t export_key[TPAKE_EXPORT_KEY_BYTES], chash[64], skey[32];
	uint8_t info[16], ad[2 + PROTO_MAX_USER + 8];
	uint8_t *each[PROTO_MAX_NODES + 1];
	size_t each_len[PROTO_MAX_NODES + 1], adlen, ulen = strlen(s->user);
	size_t up = TPAKE_UPLOAD_BYTES(k->c.t), itemlen = up + LK_SEAL_OVERHEAD;
	int i, ok, rv;

	err[0] = '\0';
	if ((rv = check_pins(k, pk, err, errcap)) != 0)
		return rv;
	if (s->version == 0) {
		snprintf(err, errcap, "the account's version is unknown");
		return LKC_EREPLY;
	}
	memset(&p, 0, sizeof(p));
	p.t = (uint8_t) k->c.t;
	p.n = (uint8_t) k->c.n;
	p.server_pk = pk;
	p.ksf.alg = TPAKE_KSF_ARGON2ID;
	p.ksf.opslimit = k->c.ksf_ops;
	p.ksf.memlimit = (size_t) k->c.ksf_mem_kib * 1024;
	/* the storage key, to wrap again under the new export key */
	if ((rv = lkc_storage_key(s, skey, err, errcap)) != 0)
		return rv;
	rv = tpake_client_register_deal(
	    uploads, up * k->c.n, export_key, chash, &p, pw, pwlen, NULL);
	if (rv != 0) {
		lk_wipe(export_key, sizeof(export_key));
		lk_wipe(skey, sizeof(skey));
		snprintf(
		    err, errcap, "password change: %s", tpake_strerror(rv));
		return rv;
	}
	/* first the storage key for the new password (unused until the
	 * change commits), then the change */
	{
		struct proto_msg_op_put_skey put;
		crypto_hash_sha512_state hs;
		uint8_t d[64], wk[32], wrapped[24 + 32 + 16];
		uint8_t sad[8 + PROTO_MAX_USER];
		crypto_hash_sha512_init(&hs);
		crypto_hash_sha512_update(
		    &hs, (const uint8_t *) "lk acct v1", 11);
		crypto_hash_sha512_update(&hs, chash, sizeof(chash));
		crypto_hash_sha512_final(&hs, d);
		memcpy(put.acct_hash, d, 32);
		lk_hkdf512(wk, 32, NULL, 0, export_key, sizeof(export_key),
		    (const uint8_t *) "lk storage key wrap v1", 22);
		memcpy(sad, "lk skey ", 8);
		memcpy(sad + 8, s->user, ulen);
		lk_random(wrapped, 24);
		lk_xaead_seal(
		    wrapped + 24, skey, 32, sad, 8 + ulen, wrapped, wk);
		lk_wipe(wk, sizeof(wk));
		put.wrapped.p = wrapped;
		put.wrapped.len = sizeof(wrapped);
		ok = sess_op(s, PROTO_T_OP_PUT_SKEY, &proto_schema_op_put_skey,
		    &put, PROTO_T_ACK, err, errcap);
		rv = outcome(s, ok, k->c.t, err, errcap);
	}
	lk_wipe(skey, sizeof(skey));
	if (rv != 0) {
		lk_wipe(export_key, sizeof(export_key));
		goto out;
	}
	/* every upload sealed to its server for the next version */
	reg_ad(ad, &adlen, s->user, ulen, s->version + 1);
	for (i = 0; i < k->c.n; i++) {
		struct lk_seal_pk spk;
		memcpy(spk.b, k->c.seal_pk[i + 1], 32);
		memcpy(info, "lk register v1", 14);
		info[14] = (uint8_t) ((i + 1) >> 8);
		info[15] = (uint8_t) (i + 1);
		if ((rv = lk_seal(reg_items[i], &spk, info, sizeof(info), ad,
		         adlen, uploads + (size_t) i * up, up))
		    != 0)
			goto out;
	}
	memset(&op, 0, sizeof(op));
	for (i = 1; i <= k->c.n; i++)
		if (!s->live[i]) {
			op.missed[op.missed_n].server = (uint16_t) i;
			op.missed[op.missed_n].item.p = reg_items[i - 1];
			op.missed[op.missed_n].item.len = itemlen;
			op.missed_n++;
		}
	for (i = 1; i <= k->c.n; i++) {
		struct proto_wbuf w;
		each[i] = bodies[i];
		each_len[i] = 0;
		if (!s->live[i])
			continue;
		op.item.p = reg_items[i - 1];
		op.item.len = itemlen;
		proto_wbuf_init(&w, bodies[i], sizeof(bodies[i]));
		proto_msg_encode(&w, &proto_schema_op_password, &op);
		if ((rv = proto_wbuf_finish(&w, &each_len[i])) != 0)
			goto out;
	}
	ok = sess_call_each(s, PROTO_T_OP_PASSWORD, NULL, 0, each, each_len,
	    PROTO_T_ACK, err, errcap);
	rv = outcome(s, ok, k->c.t, err, errcap);
	if (rv == 0) {
		/* the session now belongs to the new password */
		s->version++;
		memcpy(s->export_key, export_key, sizeof(export_key));
	}
out:
	lk_wipe(uploads, sizeof(uploads));
	lk_wipe(export_key, sizeof(export_key));
	lk_wipe(chash, sizeof(chash));
	if (rv != 0 && err[0] == '\0')
		snprintf(err, errcap, "%s", lkc_strerror(rv));
	return rv;
}
