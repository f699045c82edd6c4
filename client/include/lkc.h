/* libclient: the client side of the cluster (C API used by lkctl and by
 * applications). It talks only to the aggregator, over TLS that checks the
 * aggregator's certificate against the cluster's CA and name. */
#ifndef LKC_H
#define LKC_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>

#include "proto.h"

/* Client error codes (block 700..799). */
enum lkc_err {
	LKC_ECONFIG = 700, /* bad cluster file */
	LKC_EREPLY = 701, /* the aggregator's reply was malformed */
	LKC_EQUORUM = 702 /* fewer than t servers usable */
};
const char *lkc_strerror(int code);

struct lkc_cluster {
	uint16_t n, t;
	char aggregator[256];
	char ca[PATH_MAX];
	char server_name[64];
	uint32_t timeout_ms;
};

/* Loads a cluster file ([cluster] n, t, aggregator, ca, server_name,
 * timeout_ms). Errors name the setting. Returns 0 or LKC_ECONFIG. */
int lkc_cluster_load(
    struct lkc_cluster *c, const char *path, char *err, size_t errcap);

struct lkc;

/* Args: c: the cluster (copied). Out: *out, free with lkc_close.
 * Returns 0 or an error (the CA file is read here). */
int lkc_open(
    struct lkc **out, const struct lkc_cluster *c, char *err, size_t errcap);
void lkc_close(struct lkc *k);

/* Asks the aggregator for every server's health.
 * Out: *out is filled; it borrows nothing.
 * Returns 0, a transport error (PROTO_E*), an error code the aggregator
 * returned, or LKC_EREPLY. err describes the failure. */
int lkc_health(struct lkc *k, struct proto_msg_cluster_health_resp *out,
    char *err, size_t errcap);

/* Counts rows of a health reply that answered. */
int lkc_health_count_ok(const struct proto_msg_cluster_health_resp *r);

/* ---- a server's local admin socket (ipc://, no TLS) ----
 * Operators and tests reach one key server directly through the socket in
 * its [listen] admin setting; file permissions protect it, and the server
 * accepts consensus commands (and counter resets) only there.
 * Each call returns 0, a transport error (PROTO_E*), the error code the
 * server answered with (e.g. CONS_ENOTLEADER, SRV_EUNKNOWN), or
 * LKC_EREPLY; err describes it. */

/* Maps a user or id argument to its 32 bytes: "hex:" and 64 hex digits,
 * or a text of 1..32 bytes zero-padded. Returns 0 or LKC_ECONFIG. */
int lkc_id_parse(uint8_t out[32], const char *text);

/* A consensus command (ATTEMPT, LOGIN_OK, UNLOCK, READ_USER, ...): the
 * reply comes once it committed (or the request's timeout_ms passed). */
int lkc_admin_cons(const char *url, const struct proto_msg_cons_admin_req *req,
    struct proto_msg_cons_admin_resp *out, int timeout_ms, char *err,
    size_t errcap);
int lkc_admin_status(const char *url, struct proto_msg_cons_status_resp *out,
    int timeout_ms, char *err, size_t errcap);
/* Test fault hook: drop traffic from/to the servers in the masks (bit i =
 * server i); 0, 0 heals. out: the status after the change. */
int lkc_admin_fault(const char *url, uint32_t drop_in, uint32_t drop_out,
    struct proto_msg_cons_status_resp *out, int timeout_ms, char *err,
    size_t errcap);

#endif
