/* Shared helpers of the tpake Check suites. */
#ifndef TPAKE_TEST_H
#define TPAKE_TEST_H

#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#include "tpake.h"

/* Loads test/vectors/<name> (or $TPAKE_VECTORS/<name>); aborts the test
 * when missing. */
json_object *tt_load(const char *name);
json_object *tt_get(json_object *o, const char *key);
/* Decodes the hex string o[key] into out, which must be exactly n bytes. */
void tt_hex(uint8_t *out, size_t n, json_object *o, const char *key);
/* Decodes into out (capacity cap); returns the length. */
size_t tt_hexv(uint8_t *out, size_t cap, json_object *o, const char *key);
/* Same, from a string element of an array. */
void tt_hex_at(uint8_t *out, size_t n, json_object *arr, size_t i);

/* Cheap Argon2id for most tests (8 KiB, 1 pass) and the identity KSF. */
extern const struct tpake_ksf tt_ksf_cheap;
extern const struct tpake_ksf tt_ksf_identity;

/* An in-process cluster: n servers with AKE keys and one user's records. */
struct tt_cluster {
	uint8_t t, n;
	struct tpake_server_key key[TPAKE_MAX_SERVERS];
	struct tpake_user user[TPAKE_MAX_SERVERS];
	uint8_t export_key[64];
	uint8_t commit_hash[64];
	struct tpake_ksf ksf;
	int pin; /* the client pins the servers' keys (default 1) */
};

#define TT_USER "alice@example"

void tt_cluster_keys(struct tt_cluster *c, uint8_t t, uint8_t n);
/* Client deals, every server accepts. */
void tt_cluster_register(struct tt_cluster *c, const char *pw);

/* One login's messages, kept for tampering. */
struct tt_login {
	struct tpake_client_login cst;
	uint8_t ke1[TPAKE_KE1_BYTES];
	size_t m;
	uint8_t idx[TPAKE_MAX_SERVERS];
	struct tpake_server_login sst[TPAKE_MAX_SERVERS];
	uint8_t ke2[TPAKE_MAX_SERVERS][TPAKE_KE2_BYTES];
	uint8_t ext[TPAKE_MAX_SERVERS][TPAKE_EXT_BYTES(TPAKE_MAX_SERVERS)];
	size_t ext_len[TPAKE_MAX_SERVERS];
	struct tpake_reply rep[TPAKE_MAX_SERVERS];
};

/* Client start, then each server in set[0..m) answers. Returns the first
 * server error (0 when all answered). */
int tt_login_start(struct tt_login *l, struct tt_cluster *c, const char *pw,
    const uint8_t *set, size_t m);
/* Client finish over the (possibly tampered) answers. */
int tt_login_finish(struct tt_login *l, struct tt_cluster *c,
    struct tpake_client_result *res, struct tpake_blame *bl);
/* Full login: start, finish and every server's KE3 check; asserts the
 * session keys agree and returns the client's code. */
int tt_login_full(struct tt_cluster *c, const char *pw, const uint8_t *set,
    size_t m, struct tpake_client_result *res);

int tt_blamed(const struct tpake_blame *bl, uint8_t index);

#endif
