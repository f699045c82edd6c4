/* Audit events and their hash chain (docs/CLUSTER.md section 9).
 *
 * The server, not the client, decides what is logged: one event per
 * operation it handles, with its own outcome. Each account's events form a
 * chain on each server:
 *
 *   h_0 = SHA-512/256("lk-audit-v1" || user_id)
 *   h_k = SHA-512/256("lk-audit-v1" || h_{k-1} || encode(event_k))
 *
 * A retrieval returns events with their chain values, so a client checks
 * that consecutive events link, and compares what the servers logged. */
#ifndef SRV_AUDIT_H
#define SRV_AUDIT_H

#include <stddef.h>
#include <stdint.h>

#define SRV_AUDIT_HASHBYTES   32
#define SRV_AUDIT_EVENT_BYTES (8 + 8 + 16 + 2 + 1 + 1 + 32 + 16)

/* Actions (stable numbers: they are stored and sent). */
enum srv_audit_action {
	SRV_AUD_REGISTER = 1,
	SRV_AUD_LOGIN = 2,
	SRV_AUD_LOGOUT = 3,
	SRV_AUD_CHECK_SESSION = 4,
	SRV_AUD_GET_USER_ID = 5,
	SRV_AUD_CREATE_STORAGE_KEY = 6,
	SRV_AUD_RETRIEVE_STORAGE_KEY = 7,
	SRV_AUD_STORE_SECRET = 8,
	SRV_AUD_RETRIEVE_SECRET = 9,
	SRV_AUD_EXPORT_SECRET = 10,
	SRV_AUD_STORE_BLOB = 11,
	SRV_AUD_RETRIEVE_BLOB = 12,
	SRV_AUD_DELETE_KEY = 13,
	SRV_AUD_RETRIEVE_AUDIT = 14,
	SRV_AUD_PASSWORD_CHANGE = 15,
	SRV_AUD_UNLOCK = 16,
	SRV_AUD_LAST = 16
};

enum srv_audit_outcome {
	SRV_AUD_STARTED = 1,
	SRV_AUD_SUCCESS = 2,
	SRV_AUD_FAILED = 3
};

struct srv_audit_event {
	uint64_t seq; /* 1, 2, ... in this account's chain */
	uint64_t time_ms; /* server wall clock */
	uint8_t user_id[16];
	uint16_t action;
	uint8_t outcome;
	uint8_t has_key;
	uint8_t key_id[32];
	uint8_t request_id[16];
};

/* Lock-Keeper's filters: event type (all, system, key), key ids, a time
 * range and a request id. */
enum srv_audit_type { SRV_AUDT_ALL = 0, SRV_AUDT_SYSTEM = 1, SRV_AUDT_KEY = 2 };
#define SRV_AUDIT_MAX_KEYS 16
struct srv_audit_filter {
	enum srv_audit_type type;
	size_t nkeys; /* 0: any key */
	uint8_t key_ids[SRV_AUDIT_MAX_KEYS][32];
	uint64_t after_ms, before_ms; /* 0: unbounded */
	int has_request_id;
	uint8_t request_id[16];
};

/* Canonical encoding (SRV_AUDIT_EVENT_BYTES). */
void srv_audit_encode(
    uint8_t out[SRV_AUDIT_EVENT_BYTES], const struct srv_audit_event *e);
/* Returns 0 or PROTO_E* for a malformed event (bad action/outcome,
 * has_key not 0/1, key id set without has_key). */
int srv_audit_decode(
    struct srv_audit_event *e, const uint8_t in[SRV_AUDIT_EVENT_BYTES]);

void srv_audit_genesis(
    uint8_t h0[SRV_AUDIT_HASHBYTES], const uint8_t user_id[16]);
void srv_audit_link(uint8_t out[SRV_AUDIT_HASHBYTES],
    const uint8_t prev[SRV_AUDIT_HASHBYTES], const struct srv_audit_event *e);

/* 1 when e passes the filter. System events are those without a key. */
int srv_audit_match(
    const struct srv_audit_event *e, const struct srv_audit_filter *f);

#endif
