/* lk-loginbench: end-to-end logins through the aggregator (libclient), for
 * `make bench` (test/bench/cluster.sh).
 *
 *   lk-loginbench CLUSTER_FILE USER COUNT PROCS
 *
 * The password comes from $LK_PASSWORD. PROCS = 1: COUNT logins one after
 * the other (each followed by a logout), printing the latency (mean, p50,
 * p90, p99) and its phases: LOGIN1 round trip (the servers commit ATTEMPT
 * before they answer), the client's combination (Argon2id included), the
 * LOGIN3 round trip (LOGIN_OK commit). PROCS > 1: PROCS processes doing
 * COUNT logins each (process i logs in as USER-i), printing logins per
 * second. */
#include <sys/wait.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lk_common.h"
#include "lkc.h"

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double) ts.tv_sec * 1e3 + (double) ts.tv_nsec / 1e6;
}

static int
cmp_d(const void *a, const void *b)
{
	double x = *(const double *) a, y = *(const double *) b;

	return x < y ? -1 : x > y;
}

static int
one_login(struct lkc *k, const char *user, const char *pw, double *ms,
    struct lkc_login_times *lt)
{
	struct lkc_session *s;
	char err[1024];
	double t0 = now_ms();
	int rv;

	rv = lkc_login(
	    k, user, (const uint8_t *) pw, strlen(pw), &s, err, sizeof(err));
	*ms = now_ms() - t0;
	if (rv != 0) {
		fprintf(stderr, "lk-loginbench: login: %s\n", err);
		return rv;
	}
	lkc_last_login_times(k, lt);
	lkc_logout(s, err, sizeof(err));
	lkc_session_free(s);
	return 0;
}

static int
run(const struct lkc_cluster *c, const char *user, const char *pw, int count,
    int report)
{
	struct lkc_login_times lt, sum = { 0, 0, 0 };
	double *lat = calloc((size_t) count, sizeof(double)), mean = 0;
	char err[1024];
	struct lkc *k;
	int i, rv = 0;

	if (lat == NULL || lkc_open(&k, c, err, sizeof(err)) != 0) {
		fprintf(stderr, "lk-loginbench: %s\n", err);
		free(lat);
		return 1;
	}
	for (i = 0; i < count && rv == 0; i++) {
		rv = one_login(k, user, pw, &lat[i], &lt);
		mean += lat[i];
		sum.login1_ms += lt.login1_ms;
		sum.finish_ms += lt.finish_ms;
		sum.login3_ms += lt.login3_ms;
	}
	if (rv == 0 && report) {
		qsort(lat, (size_t) count, sizeof(double), cmp_d);
		printf("logins=%d mean_ms=%.2f p50_ms=%.2f p90_ms=%.2f "
		       "p99_ms=%.2f login1_ms=%.2f finish_ms=%.2f "
		       "login3_ms=%.2f\n",
		    count, mean / count, lat[count / 2], lat[count * 9 / 10],
		    lat[count * 99 / 100], sum.login1_ms / count,
		    sum.finish_ms / count, sum.login3_ms / count);
	}
	lkc_close(k);
	free(lat);
	return rv != 0;
}

int
main(int argc, char **argv)
{
	struct lkc_cluster c;
	const char *pw = getenv("LK_PASSWORD");
	char err[1024];
	int count, procs, i, st, bad = 0;
	double t0;

	if (argc != 5 || pw == NULL) {
		fprintf(stderr,
		    "usage: LK_PASSWORD=... lk-loginbench "
		    "CLUSTER_FILE USER COUNT PROCS\n");
		return 2;
	}
	count = atoi(argv[3]);
	procs = atoi(argv[4]);
	if (count < 1 || procs < 1 || lk_init() != 0
	    || lkc_cluster_load(&c, argv[1], err, sizeof(err)) != 0) {
		fprintf(stderr, "lk-loginbench: bad arguments %s\n", err);
		return 2;
	}
	if (procs == 1)
		return run(&c, argv[2], pw, count, 1);
	t0 = now_ms();
	for (i = 0; i < procs; i++) {
		pid_t p = fork();
		if (p == 0) {
			/* one account per process: USER-1, USER-2, ... */
			char u[80];
			snprintf(u, sizeof(u), "%s-%d", argv[2], i + 1);
			_exit(run(&c, u, pw, count, 0));
		}
		if (p < 0)
			return 1;
	}
	for (i = 0; i < procs; i++) {
		if (wait(&st) < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
			bad++;
	}
	printf("procs=%d logins=%d seconds=%.2f logins_per_s=%.1f failed=%d\n",
	    procs, procs * count, (now_ms() - t0) / 1e3,
	    procs * count / ((now_ms() - t0) / 1e3), bad);
	return bad != 0;
}
