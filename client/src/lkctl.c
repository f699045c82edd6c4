/* lkctl: the command-line client. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cons.h"
#include "lk_common.h"
#include "lkc.h"

int lkctl_register(struct lkc *k, int argc, char **argv);
int lkctl_login(struct lkc *k, int argc, char **argv);
int lkctl_session(struct lkc *k, int argc, char **argv);

static const char *const roles[] = { "-", "follower", "candidate", "leader" };

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: lkctl [-c CLUSTER_FILE] COMMAND\n"
	    "       lkctl admin [-s SOCKET] [-t MS] ADMIN-COMMAND\n"
	    "commands:\n"
	    "  health    table of servers; exit 1 if fewer than t answer\n"
	    "  register USER   create an account (password: $LK_PASSWORD or\n"
	    "                  the first line of standard input)\n"
	    "  login USER      log in, print the user id, log out\n"
	    "  session USER    log in ($LK_PASSWORD), then one command per\n"
	    "                  line of standard input, one result line each\n"
	    "                  (ok ... | error CODE text):\n"
	    "      user-id | check | logout | servers | storage-key\n"
	    "      store-secret TEXT | generate-secret BYTES\n"
	    "      retrieve-secret ID | export-secret ID | delete ID\n"
	    "      store-blob TEXT | store-blob-size BYTES | retrieve-blob ID\n"
	    "      audit [system|key] [key=ID] [after=MS] [before=MS]\n"
	    "            [request=HEX32]\n"
	    "      login (a new session) | sleep MS | echo TEXT\n"
	    "      answered (servers that answered the last command)\n"
	    "      password-change NEW (the new password as an argument:\n"
	    "      tests and demos only)\n"
	    "      test-replay | test-reorder | test-cross (channel checks)\n"
	    "    ID: 64 hex digits, or LAST (the last key id returned)\n"
	    "  admin     one server, through its local admin socket (below)\n"
	    "options:\n"
	    "  -c, --cluster FILE   cluster file (default $LK_CLUSTER or "
	    "./cluster.conf)\n"
	    "  -t, --timeout MS     request timeout\n"
	    "admin commands (consensus; only a server's own admin socket\n"
	    "accepts them, so network clients can never reset a counter):\n"
	    "  attempt USER ATTEMPT_ID    count a login attempt; prints the\n"
	    "                             committed count\n"
	    "  login-ok USER ATTEMPT_ID   that attempt logged in: reset\n"
	    "  unlock USER                reset the count (operator)\n"
	    "  read USER                  the count, read through the log\n"
	    "  nop                        a barrier through the log\n"
	    "  status                     this server's consensus state\n"
	    "  fault heal | isolate | drop IDS | drop-in IDS | drop-out IDS\n"
	    "                             test hook: drop peer traffic\n"
	    "admin options:\n"
	    "  -s, --socket URL     ipc:// admin socket (default $LK_ADMIN)\n"
	    "  -t, --timeout MS     commit timeout (default 5000)\n"
	    "  --client ID --seq N  the client session (default: the\n"
	    "                       server's); a retry with the same pair\n"
	    "                       executes once\n"
	    "USER and ids: text of 1..32 bytes, or hex: and 64 hex digits.\n");
}

static const char *const statuses[] = { "OK", "BACKOFF", "LOCKED", "NOTFOUND",
	"STALE", "DELETED", "OLDSEQ", "BADCMD", "DONE" };

static uint32_t
parse_ids(const char *list)
{
	char buf[128], *tok, *save = NULL;
	uint32_t mask = 0, id;

	if (lk_strlcpy(buf, sizeof(buf), list) != 0)
		return 0;
	for (tok = strtok_r(buf, ",", &save); tok != NULL;
	     tok = strtok_r(NULL, ",", &save)) {
		if (lk_parse_u32(tok, 1, PROTO_MAX_NODES, &id) != 0)
			return 0;
		mask |= 1u << id;
	}
	return mask;
}

static void
print_status(const struct proto_msg_cons_status_resp *r)
{
	printf("id=%u n=%u role=%s leader=%u term=%llu vote=%s%u commit=%llu "
	       "applied=%llu last=%llu/%llu durable=%llu serving=%u "
	       "recovering=%u catching_up=%u floor=%llu/%llu "
	       "recovery_term=%llu pending=%u proposed=%llu answered=%llu "
	       "unknown=%llu refused=%llu drop_in=0x%x drop_out=0x%x\n",
	    r->id, r->n, roles[r->role < 4 ? r->role : 0], r->leader,
	    (unsigned long long) r->term, r->vote == 254 ? "spent" : "",
	    r->vote == 254 ? 0u : r->vote, (unsigned long long) r->commit,
	    (unsigned long long) r->applied, (unsigned long long) r->last_index,
	    (unsigned long long) r->last_term,
	    (unsigned long long) r->durable_index,
	    (r->status & PROTO_HS_SERVING) ? 1u : 0u,
	    (r->status & PROTO_HS_RECOVERING) ? 1u : 0u,
	    (r->status & PROTO_HS_CATCHING_UP) ? 1u : 0u,
	    (unsigned long long) r->floor_index,
	    (unsigned long long) r->floor_term,
	    (unsigned long long) r->recovery_term, r->pending,
	    (unsigned long long) r->proposed, (unsigned long long) r->answered,
	    (unsigned long long) r->unknown, (unsigned long long) r->refused,
	    r->drop_in, r->drop_out);
}

static int
cmd_admin(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "timeout", required_argument, NULL, 't' },
		{ "client", required_argument, NULL, 'C' },
		{ "seq", required_argument, NULL, 'S' },
		{ NULL, 0, NULL, 0 },
	};
	const char *url = getenv("LK_ADMIN"), *cmd;
	struct proto_msg_cons_admin_req req;
	struct proto_msg_cons_admin_resp resp;
	struct proto_msg_cons_status_resp st;
	uint32_t timeout = 5000;
	char err[512];
	int o, rv, nargs;

	memset(&req, 0, sizeof(req));
	optind = 1;
	while ((o = getopt_long(argc, argv, "+s:t:", opts, NULL)) != -1) {
		switch (o) {
		case 's':
			url = optarg;
			break;
		case 't':
			if (lk_parse_u32(optarg, 1, 60000, &timeout) != 0) {
				fprintf(stderr,
				    "lkctl: --timeout: '%s' not in "
				    "1..60000\n",
				    optarg);
				return 2;
			}
			break;
		case 'C':
		case 'S': {
			char *end;
			unsigned long long v = strtoull(optarg, &end, 0);
			if (*end != '\0' || end == optarg) {
				fprintf(
				    stderr, "lkctl: bad number '%s'\n", optarg);
				return 2;
			}
			*(o == 'C' ? &req.client_id : &req.seq) = v;
			break;
		}
		default:
			usage(stderr);
			return 2;
		}
	}
	if (url == NULL || optind >= argc) {
		fprintf(stderr,
		    "lkctl admin: need --socket (or $LK_ADMIN) and "
		    "a command\n");
		return 2;
	}
	cmd = argv[optind];
	nargs = argc - optind - 1;
	argv += optind + 1;
	if (strcmp(cmd, "status") == 0) {
		if ((rv = lkc_admin_status(url, &st, 5000, err, sizeof(err)))
		    != 0) {
			fprintf(stderr, "lkctl: status: %s\n", err);
			return 1;
		}
		print_status(&st);
		return 0;
	}
	if (strcmp(cmd, "fault") == 0) {
		uint32_t in = 0, out = 0;
		if (nargs == 1 && strcmp(argv[0], "heal") == 0)
			;
		else if (nargs == 1 && strcmp(argv[0], "isolate") == 0)
			in = out = UINT32_MAX;
		else if (nargs == 2 && strcmp(argv[0], "drop") == 0)
			in = out = parse_ids(argv[1]);
		else if (nargs == 2 && strcmp(argv[0], "drop-in") == 0)
			in = parse_ids(argv[1]);
		else if (nargs == 2 && strcmp(argv[0], "drop-out") == 0)
			out = parse_ids(argv[1]);
		else {
			fprintf(stderr,
			    "lkctl: fault heal | isolate | drop "
			    "IDS | drop-in IDS | drop-out IDS\n");
			return 2;
		}
		if (in == 0 && out == 0 && strcmp(argv[0], "heal") != 0) {
			fprintf(stderr, "lkctl: fault: bad server id list\n");
			return 2;
		}
		if ((rv = lkc_admin_fault(
		         url, in, out, &st, 5000, err, sizeof(err)))
		    != 0) {
			fprintf(stderr, "lkctl: fault: %s\n", err);
			return 1;
		}
		print_status(&st);
		return 0;
	}
	if (strcmp(cmd, "attempt") == 0 && nargs == 2)
		req.op = CONS_CMD_ATTEMPT;
	else if (strcmp(cmd, "login-ok") == 0 && nargs == 2)
		req.op = CONS_CMD_LOGIN_OK;
	else if (strcmp(cmd, "unlock") == 0 && nargs == 1)
		req.op = CONS_CMD_UNLOCK;
	else if (strcmp(cmd, "read") == 0 && nargs == 1)
		req.op = CONS_CMD_READ_USER;
	else if (strcmp(cmd, "nop") == 0 && nargs == 0)
		req.op = CONS_CMD_NOP;
	else {
		fprintf(stderr,
		    "lkctl admin: unknown command or wrong "
		    "arguments: %s\n",
		    cmd);
		return 2;
	}
	if ((nargs >= 1 && lkc_id_parse(req.user, argv[0]) != 0)
	    || (nargs >= 2 && lkc_id_parse(req.id, argv[1]) != 0)) {
		fprintf(stderr,
		    "lkctl: ids are 1..32 bytes of text or hex: "
		    "and 64 hex digits\n");
		return 2;
	}
	if ((req.client_id == 0) != (req.seq == 0)) {
		fprintf(stderr, "lkctl: --client and --seq go together\n");
		return 2;
	}
	req.timeout_ms = timeout;
	if ((rv = lkc_admin_cons(
	         url, &req, &resp, (int) timeout + 2000, err, sizeof(err)))
	    != 0) {
		fprintf(stderr, "lkctl: %s: %s\n", cmd, err);
		printf("error=%d\n", rv);
		return 1;
	}
	printf("status=%s value=%llu backoff_ms=%u index=%llu%s\n",
	    statuses[resp.status < 9 ? resp.status : 0],
	    (unsigned long long) resp.value, resp.backoff_ms,
	    (unsigned long long) resp.index, resp.local ? " local_cap=1" : "");
	return 0;
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

/* HEALTH status bits in a word: the most telling one. */
static const char *
cons_state(uint32_t st)
{
	if (st & PROTO_HS_STALE)
		return "STALE";
	if (st & PROTO_HS_RECOVERING)
		return "recovering";
	if (st & PROTO_HS_CATCHING_UP)
		return "catchingup";
	if (st & PROTO_HS_FAULT)
		return (st & PROTO_HS_SERVING) ? "serving!" : "faulted";
	return (st & PROTO_HS_SERVING) ? "serving" : "waiting";
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
	printf("%-3s %-6s %8s %-9s %6s %7s %-10s %-10s %9s %8s\n", "ID",
	    "STATE", "RTT(ms)", "ROLE", "TERM", "COMMIT", "CONSENSUS",
	    "PEERS-UP", "DB-ITEMS", "UPTIME");
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
			printf("%-3u %-6s %8.2f %-9s %6llu %7llu %-10s %-10s "
			       "%9llu %8s\n",
			    s->id, "up", s->rtt_us / 1000.0,
			    roles[h->role < 4 ? h->role : 0],
			    (unsigned long long) h->term,
			    (unsigned long long) h->commit,
			    cons_state(h->status), peers,
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

	while ((o = getopt_long(argc, argv, "+c:t:h", opts, NULL)) != -1) {
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
	if (lk_init() != 0)
		return 2;
	if (strcmp(argv[optind], "admin") == 0)
		return cmd_admin(argc - optind, argv + optind);
	if (path == NULL)
		path = "cluster.conf";
	if (lkc_cluster_load(&c, path, err, sizeof(err)) != 0) {
		fprintf(stderr, "lkctl: %s\n", err);
		return 2;
	}
	if (timeout != NULL
	    && lk_parse_u32(timeout, 10, 600000, &c.timeout_ms) != 0) {
		fprintf(stderr, "lkctl: --timeout: '%s' invalid\n", timeout);
		return 2;
	}
	if (getenv("LK_LOGIN_ONLY") != NULL) {
		/* tests: LOGIN1 to these servers only, e.g. "1,3" */
		char buf[128], *tok, *save = NULL;
		uint32_t id;
		lk_strlcpy(buf, sizeof(buf), getenv("LK_LOGIN_ONLY"));
		for (tok = strtok_r(buf, ",", &save); tok != NULL;
		     tok = strtok_r(NULL, ",", &save))
			if (lk_parse_u32(tok, 1, PROTO_MAX_NODES, &id) == 0)
				c.login_only |= 1u << id;
	}
	if ((rv = lkc_open(&k, &c, err, sizeof(err))) != 0) {
		fprintf(stderr, "lkctl: %s\n", err);
		return 2;
	}
	if (strcmp(argv[optind], "health") == 0)
		rv = cmd_health(k, &c);
	else if (strcmp(argv[optind], "register") == 0)
		rv = lkctl_register(k, argc - optind - 1, argv + optind + 1);
	else if (strcmp(argv[optind], "login") == 0)
		rv = lkctl_login(k, argc - optind - 1, argv + optind + 1);
	else if (strcmp(argv[optind], "session") == 0)
		rv = lkctl_session(k, argc - optind - 1, argv + optind + 1);
	else {
		fprintf(stderr, "lkctl: unknown command '%s'\n", argv[optind]);
		usage(stderr);
		rv = 2;
	}
	lkc_close(k);
	return rv;
}
