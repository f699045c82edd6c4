/* Wire encoding of Raft messages, state-machine commands and results
 * (byte layout in docs/CONSENSUS.md §5). Built on proto/'s strict cursors:
 * big-endian, bounded, canonical, no trailing bytes. Decoders check every
 * semantic rule the core relies on, so a decoded message is safe to feed. */
#include <string.h>

#include "cons_int.h"
#include "proto_buf.h"
#include "proto_err.h"

#define WIRE_VERSION 1
#define CMD_VERSION  1

/* ------------------------------------------------------------------ */
/* messages */

static int
type_has_last(uint8_t t)
{
	return t == CONS_MSG_PREVOTE || t == CONS_MSG_VOTE;
}

static int
type_is_resp(uint8_t t)
{
	return t == CONS_MSG_PREVOTE_RESP || t == CONS_MSG_VOTE_RESP
	    || t == CONS_MSG_APPEND_RESP;
}

/* Rules shared by encoder and decoder (entries checked separately). */
static int
msg_check(const struct cons_msg *m, unsigned n)
{
	if (m->type < CONS_MSG_PREVOTE || m->type > CONS_MSG_PROPOSE)
		return CONS_EMSG;
	if (n < 1 || n > CONS_MAX_NODES || m->from >= n || m->to >= n
	    || m->from == m->to)
		return CONS_EMSG;
	if (m->ok > 1 || (!type_is_resp(m->type) && m->ok))
		return CONS_EMSG;
	switch (m->type) {
	case CONS_MSG_PREVOTE:
	case CONS_MSG_VOTE:
	case CONS_MSG_APPEND:
	case CONS_MSG_PROPOSE:
	case CONS_MSG_VOTE_RESP:
	case CONS_MSG_APPEND_RESP:
		if (m->term == 0)
			return CONS_EMSG;
		break;
	default:
		break;
	}
	if (type_has_last(m->type) || m->type == CONS_MSG_APPEND
	    || m->type == CONS_MSG_RECOVER
	    || m->type == CONS_MSG_RECOVER_RESP) {
		/* index 0 has term 0; an entry's term never exceeds the
		 * sender's term */
		if ((m->index == 0) != (m->log_term == 0))
			return CONS_EMSG;
		if (m->log_term > m->term)
			return CONS_EMSG;
		if (m->type == CONS_MSG_PREVOTE && m->log_term >= m->term)
			return CONS_EMSG;
	}
	if (m->type == CONS_MSG_PREVOTE_RESP && m->ok && m->term == 0)
		return CONS_EMSG;
	if (m->type == CONS_MSG_RECOVER
	    && (m->boot_term > m->term || m->log_term > m->boot_term))
		return CONS_EMSG;
	return 0;
}

static int
entry_check(const struct cons_entry *e, int cmd_only)
{
	if (e->type == CONS_ENTRY_NOOP)
		return cmd_only || e->len != 0 ? CONS_EMSG : 0;
	if (e->type == CONS_ENTRY_CMD)
		return e->len == 0 || e->len > CONS_ENTRY_MAX ? CONS_EMSG : 0;
	return CONS_EMSG;
}

int
cons_msg_encode(
    uint8_t *out, size_t cap, size_t *outlen, const struct cons_msg *m)
{
	struct proto_wbuf w;
	size_t k;
	int rc;

	CONS_ARG_CHECK(out != NULL && outlen != NULL && m != NULL);
	*outlen = 0;
	if ((rc = msg_check(m, CONS_MAX_NODES)) != 0)
		return rc;
	if (m->n_entries > CONS_MSG_ENTRIES
	    || (m->n_entries > 0 && m->entries == NULL))
		return CONS_EMSG;
	proto_wbuf_init(&w, out, cap);
	proto_put_u8(&w, WIRE_VERSION);
	proto_put_u8(&w, m->type);
	proto_put_u8(&w, m->from);
	proto_put_u8(&w, m->to);
	proto_put_u64(&w, m->term);
	switch (m->type) {
	case CONS_MSG_PREVOTE:
	case CONS_MSG_VOTE:
		proto_put_u64(&w, m->index);
		proto_put_u64(&w, m->log_term);
		break;
	case CONS_MSG_PREVOTE_RESP:
	case CONS_MSG_VOTE_RESP:
		proto_put_u8(&w, m->ok);
		break;
	case CONS_MSG_APPEND_RESP:
		proto_put_u8(&w, m->ok);
		proto_put_u64(&w, m->index);
		break;
	case CONS_MSG_RECOVER:
		proto_put_u64(&w, m->nonce);
		proto_put_u64(&w, m->boot_term);
		proto_put_u64(&w, m->index);
		proto_put_u64(&w, m->log_term);
		break;
	case CONS_MSG_RECOVER_RESP:
		proto_put_u64(&w, m->nonce);
		proto_put_u64(&w, m->inc);
		proto_put_u64(&w, m->index);
		proto_put_u64(&w, m->log_term);
		proto_put_u64(&w, m->commit);
		break;
	case CONS_MSG_APPEND:
		proto_put_u64(&w, m->index);
		proto_put_u64(&w, m->log_term);
		proto_put_u64(&w, m->commit);
		if (m->n_entries > UINT64_MAX - m->index)
			return CONS_EMSG;
		proto_put_u16(&w, (uint16_t) m->n_entries);
		for (k = 0; k < m->n_entries; k++) {
			const struct cons_entry *e = &m->entries[k];
			uint64_t prevt
			    = k ? m->entries[k - 1].term : m->log_term;
			if (entry_check(e, 0) != 0 || e->term < prevt
			    || e->term > m->term
			    || e->index != m->index + 1 + k)
				return CONS_EMSG;
			proto_put_u64(&w, e->term);
			proto_put_u8(&w, e->type);
			proto_put_bytes(&w, e->data, e->len);
		}
		break;
	case CONS_MSG_PROPOSE:
		if (m->n_entries == 0)
			return CONS_EMSG;
		proto_put_u16(&w, (uint16_t) m->n_entries);
		for (k = 0; k < m->n_entries; k++) {
			if (entry_check(&m->entries[k], 1) != 0)
				return CONS_EMSG;
			proto_put_bytes(
			    &w, m->entries[k].data, m->entries[k].len);
		}
		break;
	default:
		return CONS_EMSG;
	}
	return proto_wbuf_finish(&w, outlen);
}

static int
get_entries(struct proto_rbuf *r, struct cons_msg *m, struct cons_entry *ents,
    size_t ents_cap, int propose)
{
	uint16_t cnt;
	size_t k, len;
	int rc;

	if ((rc = proto_get_u16(r, &cnt)) != 0)
		return rc;
	if (cnt > CONS_MSG_ENTRIES || cnt > ents_cap
	    || (cnt > 0 && ents == NULL) || (propose && cnt == 0))
		return CONS_EMSG;
	if (!propose && cnt > UINT64_MAX - m->index)
		return CONS_EMSG;
	for (k = 0; k < cnt; k++) {
		struct cons_entry *e = &ents[k];
		const uint8_t *p;

		memset(e, 0, sizeof(*e));
		if (propose) {
			e->type = CONS_ENTRY_CMD;
			e->term = m->term;
			e->index = k + 1;
		} else {
			uint64_t prevt = k ? ents[k - 1].term : m->log_term;
			if ((rc = proto_get_u64(r, &e->term)) != 0
			    || (rc = proto_get_u8(r, &e->type)) != 0)
				return rc;
			if (e->term < prevt || e->term > m->term)
				return CONS_EMSG;
			e->index = m->index + 1 + k;
		}
		if ((rc = proto_get_bytes_direct(
		         r, &p, &len, 0, CONS_ENTRY_MAX))
		    != 0)
			return rc;
		e->data = len ? p : NULL;
		e->len = (uint32_t) len;
		if (entry_check(e, propose) != 0)
			return CONS_EMSG;
	}
	m->n_entries = cnt;
	m->entries = cnt ? ents : NULL;
	return 0;
}

int
cons_msg_decode(struct cons_msg *m, struct cons_entry *ents, size_t ents_cap,
    unsigned n, const uint8_t *buf, size_t len)
{
	struct proto_rbuf r;
	uint8_t ver;
	int rc;

	CONS_ARG_CHECK(m != NULL && (buf != NULL || len == 0));
	memset(m, 0, sizeof(*m));
	proto_rbuf_init(&r, buf, len);
	if ((rc = proto_get_u8(&r, &ver)) != 0
	    || (rc = proto_get_u8(&r, &m->type)) != 0
	    || (rc = proto_get_u8(&r, &m->from)) != 0
	    || (rc = proto_get_u8(&r, &m->to)) != 0
	    || (rc = proto_get_u64(&r, &m->term)) != 0)
		goto fail;
	if (ver != WIRE_VERSION) {
		rc = PROTO_EVERSION;
		goto fail;
	}
	switch (m->type) {
	case CONS_MSG_PREVOTE:
	case CONS_MSG_VOTE:
		if ((rc = proto_get_u64(&r, &m->index)) != 0
		    || (rc = proto_get_u64(&r, &m->log_term)) != 0)
			goto fail;
		break;
	case CONS_MSG_PREVOTE_RESP:
	case CONS_MSG_VOTE_RESP:
		if ((rc = proto_get_u8(&r, &m->ok)) != 0)
			goto fail;
		break;
	case CONS_MSG_APPEND_RESP:
		if ((rc = proto_get_u8(&r, &m->ok)) != 0
		    || (rc = proto_get_u64(&r, &m->index)) != 0)
			goto fail;
		break;
	case CONS_MSG_RECOVER:
		if ((rc = proto_get_u64(&r, &m->nonce)) != 0
		    || (rc = proto_get_u64(&r, &m->boot_term)) != 0
		    || (rc = proto_get_u64(&r, &m->index)) != 0
		    || (rc = proto_get_u64(&r, &m->log_term)) != 0)
			goto fail;
		break;
	case CONS_MSG_RECOVER_RESP:
		if ((rc = proto_get_u64(&r, &m->nonce)) != 0
		    || (rc = proto_get_u64(&r, &m->inc)) != 0
		    || (rc = proto_get_u64(&r, &m->index)) != 0
		    || (rc = proto_get_u64(&r, &m->log_term)) != 0
		    || (rc = proto_get_u64(&r, &m->commit)) != 0)
			goto fail;
		break;
	case CONS_MSG_APPEND:
		if ((rc = proto_get_u64(&r, &m->index)) != 0
		    || (rc = proto_get_u64(&r, &m->log_term)) != 0
		    || (rc = proto_get_u64(&r, &m->commit)) != 0)
			goto fail;
		if ((rc = msg_check(m, n)) != 0)
			goto fail;
		if ((rc = get_entries(&r, m, ents, ents_cap, 0)) != 0)
			goto fail;
		break;
	case CONS_MSG_PROPOSE:
		if ((rc = msg_check(m, n)) != 0)
			goto fail;
		if ((rc = get_entries(&r, m, ents, ents_cap, 1)) != 0)
			goto fail;
		break;
	default:
		rc = PROTO_ETYPE;
		goto fail;
	}
	if ((rc = msg_check(m, n)) != 0 || (rc = proto_rbuf_done(&r)) != 0)
		goto fail;
	return 0;
fail:
	memset(m, 0, sizeof(*m));
	return rc;
}

/* ------------------------------------------------------------------ */
/* store records */

size_t
cons_entry_rec_put(uint8_t *out, const struct cons_entry *e)
{
	struct proto_wbuf w;
	size_t len = 0;

	proto_wbuf_init(&w, out, 13 + (size_t) e->len);
	proto_put_u8(&w, e->type);
	proto_put_u64(&w, e->term);
	proto_put_bytes(&w, e->data, e->len);
	(void) proto_wbuf_finish(&w, &len);
	return len;
}

int
cons_entry_rec_get(
    struct cons_entry *e, uint64_t index, const uint8_t *buf, size_t len)
{
	struct proto_rbuf r;
	const uint8_t *p;
	size_t n;

	memset(e, 0, sizeof(*e));
	proto_rbuf_init(&r, buf, len);
	if (proto_get_u8(&r, &e->type) != 0 || proto_get_u64(&r, &e->term) != 0
	    || proto_get_bytes_direct(&r, &p, &n, 0, CONS_ENTRY_MAX) != 0
	    || proto_rbuf_done(&r) != 0)
		goto bad;
	e->data = n ? p : NULL;
	e->len = (uint32_t) n;
	e->index = index;
	if (e->term == 0 || entry_check(e, 0) != 0)
		goto bad;
	return 0;
bad:
	memset(e, 0, sizeof(*e));
	return CONS_ECORRUPT;
}

/* ------------------------------------------------------------------ */
/* commands and results */

static int
cmd_has_user(uint8_t t)
{
	return t == CONS_CMD_ATTEMPT || t == CONS_CMD_LOGIN_OK
	    || t == CONS_CMD_UNLOCK || t == CONS_CMD_READ_USER;
}

static int
cmd_has_id(uint8_t t)
{
	return t == CONS_CMD_ATTEMPT || t == CONS_CMD_LOGIN_OK
	    || t == CONS_CMD_SET_RECORD || t == CONS_CMD_DELETE_RECORD
	    || t == CONS_CMD_SET_EPOCH || t == CONS_CMD_READ_RECORD;
}

static int
cmd_has_version(uint8_t t)
{
	return t == CONS_CMD_SET_RECORD || t == CONS_CMD_DELETE_RECORD
	    || t == CONS_CMD_SET_EPOCH;
}

int
cons_cmd_encode(
    uint8_t *out, size_t cap, size_t *outlen, const struct cons_cmd *c)
{
	struct proto_wbuf w;

	CONS_ARG_CHECK(out != NULL && outlen != NULL && c != NULL);
	*outlen = 0;
	if (c->type < CONS_CMD_ATTEMPT || c->type > CONS_CMD_NOP || c->seq == 0
	    || (cmd_has_version(c->type) && c->version == 0))
		return CONS_ECMD;
	proto_wbuf_init(&w, out, cap);
	proto_put_u8(&w, CMD_VERSION);
	proto_put_u8(&w, c->type);
	proto_put_u64(&w, c->client_id);
	proto_put_u64(&w, c->seq);
	if (cmd_has_user(c->type))
		proto_put_fixed(&w, c->user, CONS_ID_BYTES);
	if (cmd_has_id(c->type))
		proto_put_fixed(&w, c->id, CONS_ID_BYTES);
	if (cmd_has_version(c->type))
		proto_put_u64(&w, c->version);
	if (c->type == CONS_CMD_SET_RECORD)
		proto_put_fixed(&w, c->hash, CONS_ID_BYTES);
	return proto_wbuf_finish(&w, outlen);
}

int
cons_cmd_decode(struct cons_cmd *c, const uint8_t *buf, size_t len)
{
	struct proto_rbuf r;
	uint8_t ver;
	int rc;

	CONS_ARG_CHECK(c != NULL && (buf != NULL || len == 0));
	memset(c, 0, sizeof(*c));
	proto_rbuf_init(&r, buf, len);
	if ((rc = proto_get_u8(&r, &ver)) != 0
	    || (rc = proto_get_u8(&r, &c->type)) != 0
	    || (rc = proto_get_u64(&r, &c->client_id)) != 0
	    || (rc = proto_get_u64(&r, &c->seq)) != 0)
		goto fail;
	if (ver != CMD_VERSION) {
		rc = PROTO_EVERSION;
		goto fail;
	}
	if (c->type < CONS_CMD_ATTEMPT || c->type > CONS_CMD_NOP
	    || c->seq == 0) {
		rc = CONS_ECMD;
		goto fail;
	}
	if (cmd_has_user(c->type)
	    && (rc = proto_get_fixed(&r, c->user, CONS_ID_BYTES)) != 0)
		goto fail;
	if (cmd_has_id(c->type)
	    && (rc = proto_get_fixed(&r, c->id, CONS_ID_BYTES)) != 0)
		goto fail;
	if (cmd_has_version(c->type)) {
		if ((rc = proto_get_u64(&r, &c->version)) != 0)
			goto fail;
		if (c->version == 0) {
			rc = CONS_ECMD;
			goto fail;
		}
	}
	if (c->type == CONS_CMD_SET_RECORD
	    && (rc = proto_get_fixed(&r, c->hash, CONS_ID_BYTES)) != 0)
		goto fail;
	if ((rc = proto_rbuf_done(&r)) != 0)
		goto fail;
	return 0;
fail:
	memset(c, 0, sizeof(*c));
	return rc;
}

int
cons_result_encode(
    uint8_t *out, size_t cap, size_t *outlen, const struct cons_result *res)
{
	struct proto_wbuf w;

	CONS_ARG_CHECK(out != NULL && outlen != NULL && res != NULL);
	*outlen = 0;
	if (res->status > CONS_R_DONE)
		return CONS_ECMD;
	proto_wbuf_init(&w, out, cap);
	proto_put_u8(&w, res->status);
	proto_put_u64(&w, res->value);
	proto_put_u32(&w, res->backoff_ms);
	proto_put_fixed(&w, res->hash, CONS_ID_BYTES);
	return proto_wbuf_finish(&w, outlen);
}

int
cons_result_decode(struct cons_result *res, const uint8_t *buf, size_t len)
{
	struct proto_rbuf r;
	int rc;

	CONS_ARG_CHECK(res != NULL && (buf != NULL || len == 0));
	memset(res, 0, sizeof(*res));
	proto_rbuf_init(&r, buf, len);
	if ((rc = proto_get_u8(&r, &res->status)) != 0
	    || (rc = proto_get_u64(&r, &res->value)) != 0
	    || (rc = proto_get_u32(&r, &res->backoff_ms)) != 0
	    || (rc = proto_get_fixed(&r, res->hash, CONS_ID_BYTES)) != 0
	    || (rc = proto_rbuf_done(&r)) != 0)
		goto fail;
	if (res->status > CONS_R_DONE) {
		rc = CONS_ECMD;
		goto fail;
	}
	return 0;
fail:
	memset(res, 0, sizeof(*res));
	return rc;
}
