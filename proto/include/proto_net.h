/* proto/net: the nng transport under every daemon and client.
 *
 * Threading rule: nng completes I/O on its own threads; every callback here
 * only turns the completion into an event on a proto_evq (and re-arms its
 * receive). One owner thread per daemon takes events off the queue and does
 * all the work, so daemons are single-threaded above this layer.
 *
 * Shapes (DESIGN.md section 4.1):
 *   proto_srv   rep socket with contexts: requests in, replies out.
 *   proto_cli   req socket with contexts to one peer (REQ load-balances, so
 *               one socket per destination).
 *   proto_link  pair1 socket to one server peer: ordered one-way messages,
 *               redialled in the background (NNG_FLAG_NONBLOCK).
 * TLS: TLS 1.2 (the only version Debian's mbedTLS 2.28 offers nng). Mutual
 * TLS between cluster members pins one certificate per peer: a listener's
 * trust store holds only the certificates allowed to connect, a dialer's
 * only the certificate it expects, so the link itself names the peer. */
#ifndef PROTO_NET_H
#define PROTO_NET_H

#include <stddef.h>
#include <stdint.h>

#include <nng/nng.h>
#include <nng/supplemental/tls/tls.h>

#include "proto.h"

enum proto_ev_kind {
	PROTO_EV_REQUEST = 1, /* a request on a proto_srv: reply with slot */
	PROTO_EV_REPLY, /* the answer (or err) to a proto_cli_send */
	PROTO_EV_PEER_MSG, /* a message on a proto_link */
	PROTO_EV_PEER_UP, /* a proto_link or proto_cli gained its pipe */
	PROTO_EV_PEER_DOWN, /* ... and lost it */
	PROTO_EV_WAKE, /* proto_evq_wake */
	/* the watchdog found a listener not accepting */
	PROTO_EV_LISTENER_DEAD,
	/* a proto_link that is up saw its peer connect again: the peer takes
	 * the connection we hold for dead */
	PROTO_EV_PEER_REDIAL
};

struct proto_ev {
	enum proto_ev_kind kind;
	int endpoint; /* the id given when the endpoint was opened */
	uint32_t slot; /* REQUEST: the context to reply on */
	uint64_t tag; /* REPLY: the caller's tag */
	int err; /* REPLY: 0 or a PROTO_E* code */
	uint32_t rtt_us;
	nng_msg *msg; /* owned by the receiver of the event (may be NULL) */
	struct proto_ev *next;
};

struct proto_evq;
struct proto_srv;
struct proto_cli;
struct proto_link;
struct proto_probe;

/* ---- event queue ---- */
int proto_evq_new(struct proto_evq **q);
/* Frees the queue and every undelivered event (and its message). Call
 * after every endpoint feeding it is closed. */
void proto_evq_free(struct proto_evq *q);
/* Waits up to timeout_ms (0 = poll) for one event. Returns 1 and fills *ev,
 * or 0 on timeout. The caller frees ev->msg (nng_msg_free). */
int proto_evq_wait(struct proto_evq *q, int timeout_ms, struct proto_ev *ev);
void proto_evq_wake(struct proto_evq *q);

/* ---- TLS configuration ---- */
/* A server-side config presenting cert/key. With pinned_pem_path (a file
 * holding one or more PEM certificates) clients must present one of them;
 * with pin_self, the node's own certificate is accepted too (so that its
 * listener watchdog can connect); with NULL no client certificate is asked
 * for. Errors name the file. */
int proto_tls_server(nng_tls_config **out, const char *cert_path,
    const char *key_path, const char *pinned_pem_path, int pin_self, char *err,
    size_t errcap);
/* A client-side config trusting only trust_pem_path (a CA, or the pinned
 * certificate of the one server allowed) and checking server_name; with
 * cert_path/key_path it also presents a client certificate. trust_pem_path
 * NULL skips verifying the server: only for a process probing its own
 * listener. */
int proto_tls_client(nng_tls_config **out, const char *trust_pem_path,
    const char *server_name, const char *cert_path, const char *key_path,
    char *err, size_t errcap);

/* ---- rep endpoint ---- */
int proto_srv_open(struct proto_srv **out, struct proto_evq *q, int endpoint,
    const char *url, nng_tls_config *tls, size_t max_msg, int nctx);
/* Sends msg (ownership passes, even on error) as the reply on slot. */
int proto_srv_reply(struct proto_srv *s, uint32_t slot, nng_msg *msg);
/* 0, or PROTO_ETIMEOUT when nng did not close the socket within 2 s and it
 * was abandoned (nng 1.5.2, nng#1543; the same for the other closes). */
int proto_srv_close(struct proto_srv *s);
/* Replaces the listener (same URL and TLS); established connections and
 * requests in flight are unaffected. See the watchdog below. */
int proto_srv_relisten(struct proto_srv *s);
struct proto_srv_counts {
	uint64_t requests, replies, errors, relistens;
};
void proto_srv_counts(const struct proto_srv *s, struct proto_srv_counts *out);

/* ---- req endpoint ---- */
int proto_cli_open(struct proto_cli **out, struct proto_evq *q, int endpoint,
    const char *url, nng_tls_config *tls, size_t max_msg, int nctx);
/* Sends msg (ownership passes, even on error) and later posts a
 * PROTO_EV_REPLY with tag. Returns PROTO_EBUSY when every context is in
 * use; no event is posted then. */
int proto_cli_send(
    struct proto_cli *c, nng_msg *msg, int timeout_ms, uint64_t tag);
/* Number of live pipes (0 = not connected). */
int proto_cli_pipes(const struct proto_cli *c);
int proto_cli_close(struct proto_cli *c);

/* ---- pair1 peer link ---- */
/* listen != 0: listen on url for the one peer; else dial it. */
int proto_link_open(struct proto_link **out, struct proto_evq *q, int endpoint,
    const char *url, int listen, nng_tls_config *tls, size_t max_msg);
/* Non-blocking send (ownership passes). PROTO_EBUSY when the send buffer
 * is full or the link is down: the message is dropped, as on a lossy
 * network. */
int proto_link_send(struct proto_link *l, nng_msg *msg);
int proto_link_up(const struct proto_link *l);
int proto_link_close(struct proto_link *l);
/* Closes the link's connections but keeps its socket, listener and dialer
 * (a dialing link redials): how a link that is up but silent is reset.
 * Closing the socket instead risks nng 1.5.2's nng_close hang (nng#1543).
 * Returns the number of connections closed. */
int proto_link_drop_pipes(struct proto_link *l);
/* Replaces the listener of a listening link, or the dialer of a dialing
 * one (see link.c for the nng 1.5.2 defects this works around). */
int proto_link_renew(struct proto_link *l);

/* ---- listener watchdog ----
 * nng 1.5.2 stops a TLS listener for good when a connecting peer's SP
 * negotiation ends in NNG_ECLOSED, which a remote peer can provoke. The
 * watchdog thread connects to each registered listener every interval_ms
 * with a PING and posts PROTO_EV_LISTENER_DEAD(endpoint) after two
 * failures in a row; the owner answers with proto_srv_relisten. */
int proto_probe_new(
    struct proto_probe **out, struct proto_evq *q, int interval_ms);
/* Before proto_probe_start: url is the listen URL (a wildcard host is
 * probed on 127.0.0.1); tls is a client config the listener accepts. */
int proto_probe_add(
    struct proto_probe *p, int endpoint, const char *url, nng_tls_config *tls);
int proto_probe_start(struct proto_probe *p);
void proto_probe_free(struct proto_probe *p);

/* ---- blocking one-shot request, for command-line tools ---- */
/* Dials url, sends req and waits up to timeout_ms for the connection and
 * again for the reply, which is returned in *reply (caller frees with
 * nng_msg_free). No connection within the timeout is PROTO_EUNAVAIL. */
int proto_call(const char *url, nng_tls_config *tls, const uint8_t *req,
    size_t reqlen, int timeout_ms, size_t max_msg, nng_msg **reply, char *err,
    size_t errcap);

/* 1 while a socket close given up on (net_close, 2 s) has still not
 * returned: nng 1.5.2's reaper is stuck (nng#1543) and this process's
 * transport cannot recover without a restart. */
int proto_net_wedged(void);

/* Writes every non-zero nng counter (sockets, listeners, dialers, pipes:
 * accept errors by cause, rejects, bytes) to stderr, for operators. */
void proto_net_dump_stats(void);

/* Maps an nng error to a PROTO_E* code. */
int proto_net_err(int nng_rv);

/* Parses "tls+tcp://host:port"; out receives the same URL with port+delta.
 * Returns 0 or PROTO_EINVAL when the URL has no valid port. */
int proto_url_port_add(char *out, size_t cap, const char *url, int delta);

/* Encodes header + schema body into a new nng message. */
int proto_net_frame(nng_msg **out, const struct proto_hdr *h,
    const struct proto_schema *s, const void *msg);
/* An error reply to request header req as a new nng message. */
int proto_net_error(nng_msg **out, const struct proto_hdr *req, uint16_t sender,
    int code, const char *detail);

#endif
