/* libclient: requests to one server's local admin socket. */
#include <stdio.h>
#include <string.h>

#include "lk_common.h"
#include "lk_enc.h"
#include "lkc.h"
#include "proto_net.h"

int
lkc_id_parse(uint8_t out[32], const char *text)
{
	size_t n = strlen(text);

	memset(out, 0, 32);
	if (strncmp(text, "user:", 5) == 0) {
		/* an account name: the id consensus counts it under */
		uint8_t d[64];
		crypto_hash_sha512_state st;
		if (n - 5 < 1 || n - 5 > PROTO_MAX_USER)
			return LKC_ECONFIG;
		crypto_hash_sha512_init(&st);
		crypto_hash_sha512_update(
		    &st, (const uint8_t *) "lk user v1", 11);
		crypto_hash_sha512_update(
		    &st, (const uint8_t *) text + 5, n - 5);
		crypto_hash_sha512_final(&st, d);
		memcpy(out, d, 32);
		return 0;
	}
	if (strncmp(text, "hex:", 4) == 0)
		return lk_hex_decode_exact(out, 32, text + 4) == 0
		    ? 0
		    : LKC_ECONFIG;
	if (n == 0 || n > 32)
		return LKC_ECONFIG;
	memcpy(out, text, n);
	return 0;
}

/* One request on the admin socket; the reply must be a response of type
 * want (an ERROR becomes its code) and is decoded into out. */
static int
admin_call(const char *url, const struct proto_schema *rs, const void *req,
    const struct proto_schema *ws, void *out, int timeout_ms, char *err,
    size_t errcap)
{
	uint8_t buf[PROTO_HDR_BYTES + 512];
	struct proto_hdr h, rh;
	struct proto_msg_error e;
	const uint8_t *body;
	nng_msg *reply;
	size_t len;
	int rv;

	err[0] = '\0';
	memset(&h, 0, sizeof(h));
	lk_random(h.sid, sizeof(h.sid));
	h.seq = 1;
	if ((rv = proto_frame_encode(buf, sizeof(buf), &len, &h, rs, req))
	    != 0) {
		snprintf(err, errcap, "encode: %s", proto_strerror(rv));
		return rv;
	}
	if ((rv = proto_call(url, NULL, buf, len, timeout_ms,
	         PROTO_HDR_BYTES + PROTO_MAX_INNER, &reply, err, errcap))
	    != 0)
		return rv;
	rv = proto_frame_parse(&rh, &body, nng_msg_body(reply),
	    nng_msg_len(reply), PROTO_MAX_INNER);
	if (rv == 0
	    && (!(rh.flags & PROTO_F_RESPONSE) || rh.seq != h.seq
	        || memcmp(rh.sid, h.sid, sizeof(h.sid)) != 0))
		rv = LKC_EREPLY;
	if (rv == 0 && rh.type == PROTO_T_ERROR) {
		if (proto_msg_decode(&proto_schema_error, &e, body, rh.len)
		    == 0) {
			snprintf(err, errcap, "server %u: %.*s (code %u)",
			    rh.sender, (int) e.detail.len,
			    (const char *) e.detail.p, e.code);
			rv = e.code;
		} else
			rv = LKC_EREPLY;
	} else if (rv == 0 && rh.type != ws->type)
		rv = LKC_EREPLY;
	if (rv == 0)
		rv = proto_msg_decode(ws, out, body, rh.len);
	nng_msg_free(reply); /* the replies hold no borrowed bytes */
	if (rv != 0 && err[0] == '\0')
		snprintf(err, errcap, "bad reply: %s", lkc_strerror(rv));
	return rv;
}

int
lkc_admin_cons(const char *url, const struct proto_msg_cons_admin_req *req,
    struct proto_msg_cons_admin_resp *out, int timeout_ms, char *err,
    size_t errcap)
{
	return admin_call(url, &proto_schema_cons_admin_req, req,
	    &proto_schema_cons_admin_resp, out, timeout_ms, err, errcap);
}

int
lkc_admin_status(const char *url, struct proto_msg_cons_status_resp *out,
    int timeout_ms, char *err, size_t errcap)
{
	struct proto_msg_cons_status_req req = { 0 };

	return admin_call(url, &proto_schema_cons_status_req, &req,
	    &proto_schema_cons_status_resp, out, timeout_ms, err, errcap);
}

int
lkc_admin_fault(const char *url, uint32_t drop_in, uint32_t drop_out,
    struct proto_msg_cons_status_resp *out, int timeout_ms, char *err,
    size_t errcap)
{
	struct proto_msg_cons_fault_req req;

	req.drop_in = drop_in;
	req.drop_out = drop_out;
	return admin_call(url, &proto_schema_cons_fault_req, &req,
	    &proto_schema_cons_status_resp, out, timeout_ms, err, errcap);
}
