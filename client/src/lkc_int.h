/* libclient internals shared by its files. */
#ifndef LKC_INT_H
#define LKC_INT_H

#include "lkc.h"
#include "proto_net.h"

struct lkc {
	struct lkc_cluster c;
	nng_tls_config *tls;
	uint64_t seq;
	uint8_t sid[PROTO_SID_BYTES];
	struct lkc_login_times times; /* of the last login */
};

/* One request/reply with the aggregator: *reply holds a response of type
 * want (an ERROR reply becomes its code). */
int lkc_call(struct lkc *k, const struct proto_schema *s, const void *msg,
    uint16_t want, nng_msg **reply, struct proto_hdr *rh, const uint8_t **body,
    char *err, size_t errcap);

#endif
