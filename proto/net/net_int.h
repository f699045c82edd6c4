/* Internal declarations shared by the proto/net files. */
#ifndef PROTO_NET_INT_H
#define PROTO_NET_INT_H

#include <pthread.h>
#include <time.h>

#include "proto_net.h"

void proto_evq_push(struct proto_evq *q, const struct proto_ev *ev);

/* The live pipes of a socket, by id. nng can report the removal of a pipe
 * it never reported as added (one the protocol refused, such as a second
 * peer on a pair1 socket), so a plain counter drifts; a set does not. */
#define PIPESET_MAX 32
struct pipeset {
	pthread_mutex_t mu;
	uint32_t ids[PIPESET_MAX];
	int n;
};
void pipeset_init(struct pipeset *ps);
void pipeset_fini(struct pipeset *ps);
/* Return 1 when the set changed (a new pipe, or a known one removed). */
int pipeset_add(struct pipeset *ps, uint32_t id);
int pipeset_del(struct pipeset *ps, uint32_t id);
int pipeset_count(struct pipeset *ps);

/* *ts = now on clock + ms (for pthread timed waits). */
void net_deadline(struct timespec *ts, clockid_t clock, int ms);

/* nng_close bounded to timeout_ms. nng 1.5.2's nng_close can block for
 * good once its reaper thread is stuck (nng#1543); a daemon must still
 * stop. On PROTO_ETIMEOUT the socket is abandoned to a detached thread,
 * and the caller must not free anything nng may still call back into. */
#define NET_CLOSE_MS 2000
int net_close(nng_socket sock, int timeout_ms);
/* The same bound for the other nng objects a daemon closes while it runs
 * (nng_dialer_close, nng_listener_close and nng_pipe_close take the same
 * locks): 0, or PROTO_ETIMEOUT when given up on (or skipped because an
 * earlier close is still stuck). */
enum net_obj { NET_SOCKET, NET_DIALER, NET_LISTENER, NET_PIPE };
int net_close_obj(int kind, uint32_t id, int timeout_ms);

/* Creates and starts a listener on sock (TLS when tls != NULL). */
int net_listen(nng_socket sock, const char *url, nng_tls_config *tls,
    size_t max_msg, nng_listener *out);

#endif
