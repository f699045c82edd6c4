/* lkctl: the command-line client. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lk_common.h"
#include "lkc.h"

static const char *const roles[] = { "-", "follower", "candidate", "leader" };

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: lkctl [-c CLUSTER_FILE] COMMAND\n"
	    "commands:\n"
	    "  health    table of servers; exit 1 if fewer than t answer\n"
	    "options:\n"
	    "  -c, --cluster FILE   cluster file (default $LK_CLUSTER or "
	    "./cluster.conf)\n"
	    "  -t, --timeout MS     request timeout\n");
}

static void
fmt_age(char *out, size_t cap, uint64_t ms)
{
	if (ms == UINT64_MAX)
		snprintf(out, cap, "never");
	else if (ms < 10000)
		snprintf(out, cap, "%llums", (unsigned long long) ms);
	else
		snprintf(out, cap, "%llus", (unsigned long long) (ms / 1000));
}

static int
cmd_health(struct lkc *k, const struct lkc_cluster *c)
{
	static struct proto_msg_cluster_health_resp r;
	char err[512], age[32];
	int i, j, ok, rv;

	if ((rv = lkc_health(k, &r, err, sizeof(err))) != 0) {
		fprintf(stderr, "lkctl: health: %s\n",
		    err[0] ? err : lkc_strerror(rv));
		return 1;
	}
	ok = lkc_health_count_ok(&r);
	printf("cluster: n=%u t=%u answering=%d %s\n", r.n, r.t, ok,
	    ok >= r.t ? "OK" : "DEGRADED (fewer than t)");
	printf("%-3s %-6s %8s %-9s %6s %7s %-10s %9s %8s\n", "ID", "STATE",
	    "RTT(ms)", "ROLE", "TERM", "COMMIT", "PEERS-UP", "DB-ITEMS",
	    "UPTIME");
	for (i = 0; i < r.servers_n; i++) {
		const struct proto_msg_server_health *s = &r.servers[i];
		if (s->status != 0 || s->info_n == 0) {
			printf("%-3u %-6s %8s %s\n", s->id, "DOWN", "-",
			    lkc_strerror(s->status));
			continue;
		}
		{
			const struct proto_msg_health_resp *h = &s->info[0];
			char peers[16];
			int up = 0;
			for (j = 0; j < h->peers_n; j++)
				up += h->peers[j].up;
			snprintf(peers, sizeof(peers), "%d/%u", up, h->peers_n);
			fmt_age(age, sizeof(age), h->uptime_ms);
			printf("%-3u %-6s %8.2f %-9s %6llu %7llu %-10s %9llu "
			       "%8s\n",
			    s->id, "up", s->rtt_us / 1000.0,
			    roles[h->role < 4 ? h->role : 0],
			    (unsigned long long) h->term,
			    (unsigned long long) h->commit, peers,
			    (unsigned long long) h->db_entries, age);
		}
	}
	(void) c;
	return ok >= r.t ? 0 : 1;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "cluster", required_argument, NULL, 'c' },
		{ "timeout", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *path = getenv("LK_CLUSTER"), *timeout = NULL;
	struct lkc_cluster c;
	struct lkc *k;
	char err[PATH_MAX + 256];
	int o, rv;

	while ((o = getopt_long(argc, argv, "c:t:h", opts, NULL)) != -1) {
		switch (o) {
		case 'c':
			path = optarg;
			break;
		case 't':
			timeout = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return 2;
	}
	if (path == NULL)
		path = "cluster.conf";
	if (lk_init() != 0)
		return 2;
	if (lkc_cluster_load(&c, path, err, sizeof(err)) != 0) {
		fprintf(stderr, "lkctl: %s\n", err);
		return 2;
	}
	if (timeout != NULL
	    && lk_parse_u32(timeout, 10, 600000, &c.timeout_ms) != 0) {
		fprintf(stderr, "lkctl: --timeout: '%s' invalid\n", timeout);
		return 2;
	}
	if ((rv = lkc_open(&k, &c, err, sizeof(err))) != 0) {
		fprintf(stderr, "lkctl: %s\n", err);
		return 2;
	}
	if (strcmp(argv[optind], "health") == 0)
		rv = cmd_health(k, &c);
	else {
		fprintf(stderr, "lkctl: unknown command '%s'\n", argv[optind]);
		usage(stderr);
		rv = 2;
	}
	lkc_close(k);
	return rv;
}
