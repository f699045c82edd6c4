/* The event queue between nng's callback threads and a daemon's owner
 * thread. Callbacks push; only the owner pops. */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "net_int.h"
#include "proto_err.h"

struct proto_evq {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct proto_ev *head, *tail;
};

int
proto_evq_new(struct proto_evq **q)
{
	pthread_condattr_t ca;
	struct proto_evq *e = calloc(1, sizeof(*e));

	*q = NULL;
	if (e == NULL)
		return PROTO_ETRANSPORT;
	pthread_mutex_init(&e->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&e->cv, &ca);
	pthread_condattr_destroy(&ca);
	*q = e;
	return 0;
}

void
proto_evq_free(struct proto_evq *q)
{
	struct proto_ev *e, *next;

	if (q == NULL)
		return;
	for (e = q->head; e != NULL; e = next) {
		next = e->next;
		if (e->msg != NULL)
			nng_msg_free(e->msg);
		free(e);
	}
	pthread_mutex_destroy(&q->mu);
	pthread_cond_destroy(&q->cv);
	free(q);
}

/* Called from nng callbacks: must not block beyond the short lock. On
 * allocation failure the message is dropped (and freed), which every
 * consumer already tolerates as a lost message. */
void
proto_evq_push(struct proto_evq *q, const struct proto_ev *ev)
{
	struct proto_ev *e = malloc(sizeof(*e));

	if (e == NULL) {
		if (ev->msg != NULL)
			nng_msg_free(ev->msg);
		return;
	}
	*e = *ev;
	e->next = NULL;
	pthread_mutex_lock(&q->mu);
	if (q->tail != NULL)
		q->tail->next = e;
	else
		q->head = e;
	q->tail = e;
	pthread_cond_signal(&q->cv);
	pthread_mutex_unlock(&q->mu);
}

void
proto_evq_wake(struct proto_evq *q)
{
	struct proto_ev ev;

	memset(&ev, 0, sizeof(ev));
	ev.kind = PROTO_EV_WAKE;
	proto_evq_push(q, &ev);
}

void
net_deadline(struct timespec *ts, clockid_t clock, int ms)
{
	clock_gettime(clock, ts);
	ts->tv_sec += ms / 1000;
	ts->tv_nsec += (long) (ms % 1000) * 1000000L;
	if (ts->tv_nsec >= 1000000000L) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000L;
	}
}

int
proto_evq_wait(struct proto_evq *q, int timeout_ms, struct proto_ev *out)
{
	struct proto_ev *e;
	struct timespec until;

	net_deadline(&until, CLOCK_MONOTONIC, timeout_ms);
	pthread_mutex_lock(&q->mu);
	while (q->head == NULL && timeout_ms > 0)
		if (pthread_cond_timedwait(&q->cv, &q->mu, &until) == ETIMEDOUT)
			break;
	e = q->head;
	if (e != NULL) {
		q->head = e->next;
		if (q->head == NULL)
			q->tail = NULL;
	}
	pthread_mutex_unlock(&q->mu);
	if (e == NULL)
		return 0;
	*out = *e;
	out->next = NULL;
	free(e);
	return 1;
}

void
pipeset_init(struct pipeset *ps)
{
	memset(ps, 0, sizeof(*ps));
	pthread_mutex_init(&ps->mu, NULL);
}

void
pipeset_fini(struct pipeset *ps)
{
	pthread_mutex_destroy(&ps->mu);
}

int
pipeset_add(struct pipeset *ps, uint32_t id)
{
	int i, changed = 0;

	pthread_mutex_lock(&ps->mu);
	for (i = 0; i < ps->n && ps->ids[i] != id; i++)
		;
	if (i == ps->n && ps->n < PIPESET_MAX) {
		ps->ids[ps->n++] = id;
		changed = 1;
	}
	pthread_mutex_unlock(&ps->mu);
	return changed;
}

int
pipeset_del(struct pipeset *ps, uint32_t id)
{
	int i, changed = 0;

	pthread_mutex_lock(&ps->mu);
	for (i = 0; i < ps->n; i++)
		if (ps->ids[i] == id) {
			ps->ids[i] = ps->ids[--ps->n];
			changed = 1;
			break;
		}
	pthread_mutex_unlock(&ps->mu);
	return changed;
}

int
pipeset_count(struct pipeset *ps)
{
	int n;

	pthread_mutex_lock(&ps->mu);
	n = ps->n;
	pthread_mutex_unlock(&ps->mu);
	return n;
}
