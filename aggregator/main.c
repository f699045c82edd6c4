/* aggregator: routes client requests to the key servers. Holds no secret. */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "agg.h"

static volatile sig_atomic_t stop_flag;

static void
on_signal(int sig)
{
	(void) sig;
	stop_flag = 1;
}

const char *
agg_strerror(int code)
{
	switch (code) {
	case AGG_ECONFIG:
		return "bad configuration";
	case AGG_EBUSY:
		return "aggregator busy: too many requests in flight";
	case AGG_ETARGET:
		return "no such server";
	}
	return code >= 100 && code < 200 ? proto_strerror(code)
	                                 : lk_strerror(code);
}

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: aggregator --config FILE [--log-level LVL] "
	    "[--check-config]\n");
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "log-level", required_argument, NULL, 'l' },
		{ "check-config", no_argument, NULL, 'C' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static struct agg a;
	const char *config = NULL, *lvl = NULL;
	char err[PATH_MAX + 512];
	int c, check_only = 0;
	struct sigaction sa;

	while ((c = getopt_long(argc, argv, "c:l:h", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			config = optarg;
			break;
		case 'l':
			lvl = optarg;
			break;
		case 'C':
			check_only = 1;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (config == NULL || optind != argc) {
		usage(stderr);
		return 2;
	}
	if (lk_init() != 0)
		return 1;
	if (agg_config_load(&a.cfg, config, err, sizeof(err)) != 0
	    || (lvl != NULL && lk_log_level_parse(lvl, &a.cfg.log_level) != 0
	        && snprintf(err, sizeof(err), "--log-level: '%s' invalid", lvl))
	    || agg_config_check(&a.cfg, err, sizeof(err)) != 0) {
		fprintf(stderr, "aggregator: config error: %s\n", err);
		return 1;
	}
	if (check_only) {
		printf("aggregator: configuration OK (n = %u, t = %u)\n",
		    a.cfg.n, a.cfg.t);
		return 0;
	}
	lk_log_setup("agg", a.cfg.log_level);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (agg_open(&a, err, sizeof(err)) != 0) {
		LK_ERROR("startup failed: %s", err);
		agg_close(&a);
		return 1;
	}
	LK_INFO("routing for %u servers (t = %u) on %s", a.cfg.n, a.cfg.t,
	    a.cfg.listen);
	while (!stop_flag)
		agg_step(&a, 100);
	LK_INFO("shutting down");
	agg_close(&a);
	LK_INFO("stopped");
	return 0;
}
