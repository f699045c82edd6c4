/* Audit events and their hash chain (see audit.h). */
#include "audit.h"

#include <string.h>

#include "lk_common.h"
#include "proto_buf.h"
#include "proto_err.h"

static const char tag[] = "lk-audit-v1";

void
srv_audit_encode(
    uint8_t out[SRV_AUDIT_EVENT_BYTES], const struct srv_audit_event *e)
{
	struct proto_wbuf w;

	proto_wbuf_init(&w, out, SRV_AUDIT_EVENT_BYTES);
	proto_put_u64(&w, e->seq);
	proto_put_u64(&w, e->time_ms);
	proto_put_fixed(&w, e->user_id, 16);
	proto_put_u16(&w, e->action);
	proto_put_u8(&w, e->outcome);
	proto_put_u8(&w, e->has_key);
	proto_put_fixed(&w, e->key_id, 32);
	proto_put_fixed(&w, e->request_id, 16);
}

int
srv_audit_decode(
    struct srv_audit_event *e, const uint8_t in[SRV_AUDIT_EVENT_BYTES])
{
	struct proto_rbuf r;

	memset(e, 0, sizeof(*e));
	proto_rbuf_init(&r, in, SRV_AUDIT_EVENT_BYTES);
	proto_get_u64(&r, &e->seq);
	proto_get_u64(&r, &e->time_ms);
	proto_get_fixed(&r, e->user_id, 16);
	proto_get_u16(&r, &e->action);
	proto_get_u8(&r, &e->outcome);
	proto_get_u8(&r, &e->has_key);
	proto_get_fixed(&r, e->key_id, 32);
	proto_get_fixed(&r, e->request_id, 16);
	if (e->seq == 0 || e->action == 0 || e->action > SRV_AUD_LAST
	    || e->outcome < SRV_AUD_STARTED || e->outcome > SRV_AUD_FAILED
	    || e->has_key > 1 || (!e->has_key && !lk_is_zero(e->key_id, 32))) {
		memset(e, 0, sizeof(*e));
		return PROTO_ERANGE;
	}
	return 0;
}

static void
digest(uint8_t out[SRV_AUDIT_HASHBYTES], const uint8_t *a, size_t alen,
    const uint8_t *b, size_t blen)
{
	crypto_hash_sha512_state st;
	uint8_t h[64];

	crypto_hash_sha512_init(&st);
	crypto_hash_sha512_update(&st, (const uint8_t *) tag, sizeof(tag) - 1);
	crypto_hash_sha512_update(&st, a, alen);
	if (b != NULL)
		crypto_hash_sha512_update(&st, b, blen);
	crypto_hash_sha512_final(&st, h);
	memcpy(out, h, SRV_AUDIT_HASHBYTES);
}

void
srv_audit_genesis(uint8_t h0[SRV_AUDIT_HASHBYTES], const uint8_t user_id[16])
{
	digest(h0, user_id, 16, NULL, 0);
}

void
srv_audit_link(uint8_t out[SRV_AUDIT_HASHBYTES],
    const uint8_t prev[SRV_AUDIT_HASHBYTES], const struct srv_audit_event *e)
{
	uint8_t enc[SRV_AUDIT_EVENT_BYTES];

	srv_audit_encode(enc, e);
	digest(out, prev, SRV_AUDIT_HASHBYTES, enc, sizeof(enc));
}

int
srv_audit_match(
    const struct srv_audit_event *e, const struct srv_audit_filter *f)
{
	size_t i;

	if (f->type == SRV_AUDT_SYSTEM && e->has_key)
		return 0;
	if (f->type == SRV_AUDT_KEY && !e->has_key)
		return 0;
	if (f->after_ms != 0 && e->time_ms <= f->after_ms)
		return 0;
	if (f->before_ms != 0 && e->time_ms >= f->before_ms)
		return 0;
	if (f->has_request_id && memcmp(e->request_id, f->request_id, 16) != 0)
		return 0;
	if (f->nkeys == 0)
		return 1;
	if (!e->has_key)
		return 0;
	for (i = 0; i < f->nkeys && i < SRV_AUDIT_MAX_KEYS; i++)
		if (memcmp(e->key_id, f->key_ids[i], 32) == 0)
			return 1;
	return 0;
}
