/* keyserver: one key server of a t-of-n cluster. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "srv.h"

int srv_keygen(const char *dir);

static volatile sig_atomic_t stop_flag, stats_flag, hup_flag;

static void
on_signal(int sig)
{
	(void) sig;
	stop_flag = 1;
}

static void
on_usr1(int sig)
{
	(void) sig;
	stats_flag = 1;
}

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: keyserver --config FILE [options]\n"
	    "  -c, --config FILE     configuration file (INI)\n"
	    "  -i, --id N            override [node] id\n"
	    "  -d, --data-dir DIR    override [node] data_dir\n"
	    "  -l, --log-level LVL   error | warn | info | debug\n"
	    "      --check-config    validate the configuration and exit\n"
	    "      --probe URL       ask the server at URL (its ipc:// admin\n"
	    "                        socket) for HEALTH; exit 0 if it answers\n"
	    "      --keygen DIR      write ake.key, seal.key and storage.key\n"
	    "                        (mode 600) into DIR; print the public\n"
	    "                        keys\n"
	    "  -h, --help            this text\n");
}

/* Health probe for container health checks and scripts. */
static int
srv_probe(const char *url)
{
	struct proto_msg_health_req req = { 0 };
	struct proto_msg_health_resp r;
	struct proto_hdr h, rh;
	uint8_t buf[PROTO_HDR_BYTES + 8];
	char err[256];
	nng_msg *reply;
	size_t len;
	int rv;

	memset(&h, 0, sizeof(h));
	lk_random(h.sid, sizeof(h.sid));
	h.seq = 1;
	if (PROTO_ENCODE(health_req, buf, sizeof(buf), &len, &h, &req) != 0)
		return 1;
	if ((rv = proto_call(url, NULL, buf, len, 2000,
	         PROTO_HDR_BYTES + PROTO_MAX_BODY, &reply, err, sizeof(err)))
	    != 0) {
		fprintf(stderr, "keyserver: probe: %s\n", err);
		return 1;
	}
	rv = PROTO_DECODE(health_resp, &rh, &r, nng_msg_body(reply),
	    nng_msg_len(reply), PROTO_MAX_BODY);
	nng_msg_free(reply);
	if (rv != 0) {
		fprintf(stderr, "keyserver: probe: bad reply: %s\n",
		    proto_strerror(rv));
		return 1;
	}
	printf("node %u of %u up %llus, role %u, term %llu, commit %llu, "
	       "status 0x%x\n",
	    r.id, r.n, (unsigned long long) (r.uptime_ms / 1000), r.role,
	    (unsigned long long) r.term, (unsigned long long) r.commit,
	    r.status);
	return 0;
}

#define FAULT_ENV "LK_RESTART_FAULT_HOOK"

/* After a restart in place: the fault hook the old image had. */
static void
keep_fault(struct srv *s)
{
	const char *v = getenv(FAULT_ENV);
	/* as srv_handle_cons_fault: only other servers' bits */
	unsigned valid = (unsigned) (((1ull << (s->cfg.n + 1)) - 1) & ~1ull)
	    & ~(1u << s->cfg.id);
	unsigned in, out;
	char tail;

	if (v == NULL)
		return;
	if (sscanf(v, "%u,%u%c", &in, &out, &tail) == 2
	    && ((in & valid) != 0 || (out & valid) != 0)) {
		s->drop_in = in & valid;
		s->drop_out = out & valid;
		LK_WARN("fault hook kept across the restart: dropping traffic "
		        "from 0x%x and to 0x%x",
		    s->drop_in, s->drop_out);
	}
	(void) unsetenv(FAULT_ENV);
}

/* Restarts the process in place: the same pid (what a supervisor or the
 * tests watch) and arguments, and a fresh nng. Every descriptor but the
 * standard ones is marked close-on-exec first, so that the new image can
 * bind the ports the old sockets held. Returns only if execv failed. */
static void
restart_in_place(const struct srv *s, char **argv)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	char fault[32];
	int fd;

	/* An injected partition (the admin fault hook) is not healed by a
	 * restart: the new image takes it back from here (keep_fault). */
	snprintf(fault, sizeof(fault), "%u,%u", (unsigned) s->drop_in,
	    (unsigned) s->drop_out);
	(void) setenv(FAULT_ENV, fault, 1);

	if (d != NULL) {
		while ((e = readdir(d)) != NULL) {
			fd = atoi(e->d_name);
			if (fd > 2 && fd != dirfd(d))
				(void) fcntl(fd, F_SETFD, FD_CLOEXEC);
		}
		closedir(d);
	}
	execv("/proc/self/exe", argv);
}

/* SIGHUP: restart in place, as sshd does (the configuration is read again
 * by the new image). Also how chaos runs and the tests exercise the
 * restart that a stuck nng reaper triggers. */
static void
on_hup(int sig)
{
	(void) sig;
	hup_flag = 1;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "id", required_argument, NULL, 'i' },
		{ "data-dir", required_argument, NULL, 'd' },
		{ "log-level", required_argument, NULL, 'l' },
		{ "check-config", no_argument, NULL, 'C' },
		{ "probe", required_argument, NULL, 'P' },
		{ "keygen", required_argument, NULL, 'K' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static struct srv s;
	const char *config = NULL, *id = NULL, *dir = NULL, *lvl = NULL,
	           *probe = NULL, *keygen = NULL;
	char err[PATH_MAX + 512], name[16];
	int c, check_only = 0;
	uint32_t x;
	uint64_t next_tick;
	struct sigaction sa;

	while ((c = getopt_long(argc, argv, "c:i:d:l:h", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			config = optarg;
			break;
		case 'i':
			id = optarg;
			break;
		case 'd':
			dir = optarg;
			break;
		case 'l':
			lvl = optarg;
			break;
		case 'C':
			check_only = 1;
			break;
		case 'P':
			probe = optarg;
			break;
		case 'K':
			keygen = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (lk_init() != 0) {
		fprintf(stderr, "keyserver: libsodium init failed\n");
		return 1;
	}
	if (probe != NULL && optind == argc)
		return srv_probe(probe);
	if (keygen != NULL && optind == argc)
		return srv_keygen(keygen);
	if (config == NULL || optind != argc) {
		usage(stderr);
		return 2;
	}
	if (srv_config_load(&s.cfg, config, err, sizeof(err)) != 0) {
		fprintf(stderr, "keyserver: config error: %s\n", err);
		return 1;
	}
	if (id != NULL) {
		if (lk_parse_u32(id, 1, PROTO_MAX_NODES, &x) != 0) {
			fprintf(stderr, "keyserver: --id: '%s' invalid\n", id);
			return 1;
		}
		s.cfg.id = (uint16_t) x;
	}
	if (dir != NULL
	    && lk_strlcpy(s.cfg.data_dir, sizeof(s.cfg.data_dir), dir) != 0) {
		fprintf(stderr, "keyserver: --data-dir: too long\n");
		return 1;
	}
	if (lvl != NULL && lk_log_level_parse(lvl, &s.cfg.log_level) != 0) {
		fprintf(stderr, "keyserver: --log-level: '%s' invalid\n", lvl);
		return 1;
	}
	if (srv_config_check(&s.cfg, err, sizeof(err)) != 0) {
		fprintf(stderr, "keyserver: config error: %s\n", err);
		return 1;
	}
	if (check_only) {
		printf("keyserver: configuration OK (node %u of %u, t = %u)\n",
		    s.cfg.id, s.cfg.n, s.cfg.t);
		return 0;
	}
	snprintf(name, sizeof(name), "ks%u", s.cfg.id);
	lk_log_setup(name, s.cfg.log_level);
	if (lk_proc_harden() != 0)
		LK_WARN("could not disable core dumps");

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sa.sa_handler = on_usr1;
	sigaction(SIGUSR1, &sa, NULL);
	sa.sa_handler = on_hup;
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	if (srv_open(&s, err, sizeof(err)) != 0) {
		LK_ERROR("startup failed: %s", err);
		srv_close(&s);
		return 1;
	}
	keep_fault(&s);
	LK_INFO("node %u of %u (t = %u) serving on %s", s.cfg.id, s.cfg.n,
	    s.cfg.t, s.cfg.listen_agg);
	next_tick = srv_now_ms();
	while (!stop_flag) {
		uint64_t now = srv_now_ms();
		int wait;

		int cw;

		if (now >= next_tick) {
			srv_tick(&s);
			next_tick = now + s.cfg.heartbeat_ms;
		}
		/* Bounded wait: the signal flag is seen within 100 ms, and
		 * the consensus tick is never late by more than a turn. */
		wait = (int) (next_tick - now);
		cw = srv_cons_wait_ms(&s, now);
		if (cw < wait)
			wait = cw;
		srv_step(&s, wait > 100 ? 100 : wait);
		if (s.restart || hup_flag) {
			/* the turn's writes are durable (srv_step ends with
			 * the commit); what is in flight is lost as in a
			 * crash, and every start is a recovery */
			if (s.restart)
				LK_ERROR(
				    "nng's reaper has been stuck for 10 s "
				    "(nng 1.5.2, nng#1543): peer links can "
				    "no longer be replaced; restarting this "
				    "process in place");
			else
				LK_WARN("SIGHUP: restarting this process in "
				        "place");
			restart_in_place(&s, argv);
			LK_ERROR(
			    "restart failed: %s; stopping", strerror(errno));
			srv_close(&s);
			return 75;
		}
		if (stats_flag) {
			stats_flag = 0;
			LK_INFO("transport statistics (SIGUSR1):");
			proto_net_dump_stats();
			srv_acct_dump_stats(&s);
		}
	}
	LK_INFO("shutting down");
	srv_close(&s);
	LK_INFO("stopped");
	return 0;
}
