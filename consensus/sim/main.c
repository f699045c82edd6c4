/* cons-sim: runs the deterministic consensus simulator over a range of
 * seeds and prints one summary line; a failing seed prints itself, its
 * trace hash and the command that replays it. Exit status 1 on any
 * violation, 2 on usage errors. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cons.h"
#include "cons_sim.h"

static void
usage(void)
{
	fprintf(stderr,
	    "usage: cons-sim [--nodes N] [--seeds K] [--first-seed S0] "
	    "[--steps S]\n"
	    "                [--heal H] [--no-faults] [--no-rollback] "
	    "[--verbose]\n"
	    "Runs seeds S0 .. S0+K-1 (defaults: N=3 K=100 S0=1 S=1000).\n");
	exit(2);
}

static unsigned long long
num(const char *s)
{
	char *end;
	unsigned long long v = strtoull(s, &end, 10);

	if (*s == '\0' || *end != '\0')
		usage();
	return v;
}

int
main(int argc, char **argv)
{
	struct cons_sim_opts o;
	struct cons_sim_result r;
	unsigned long long seeds = 100, first = 1, k, failed = 0;
	unsigned long long commits = 0, elections = 0, crashes = 0,
	                   rollbacks = 0, ops = 0, info = 0, msgs = 0, disk = 0,
	                   parts = 0;
	struct timespec t0, t1;
	int i, rc;

	memset(&o, 0, sizeof(o));
	o.nodes = 3;
	o.steps = 1000;
	o.faults = 1;
	o.rollback = 1;
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--nodes") == 0 && i + 1 < argc)
			o.nodes = (unsigned) num(argv[++i]);
		else if (strcmp(argv[i], "--seeds") == 0 && i + 1 < argc)
			seeds = num(argv[++i]);
		else if (strcmp(argv[i], "--first-seed") == 0 && i + 1 < argc)
			first = num(argv[++i]);
		else if (strcmp(argv[i], "--steps") == 0 && i + 1 < argc)
			o.steps = (uint32_t) num(argv[++i]);
		else if (strcmp(argv[i], "--heal") == 0 && i + 1 < argc)
			o.heal_steps = (uint32_t) num(argv[++i]);
		else if (strcmp(argv[i], "--no-faults") == 0)
			o.faults = 0;
		else if (strcmp(argv[i], "--no-rollback") == 0)
			o.rollback = 0;
		else if (strcmp(argv[i], "--verbose") == 0)
			o.verbose = 1;
		else if (strcmp(argv[i], "--trace-msgs") == 0)
			o.verbose = 2;
		else
			usage();
	}
	if (o.nodes < 1 || o.nodes > CONS_MAX_NODES)
		usage();
	if (!o.faults)
		o.rollback = 0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (k = 0; k < seeds; k++) {
		o.seed = first + k;
		rc = cons_sim_run(&r, &o);
		if (rc != 0) {
			fprintf(stderr, "cons-sim: simulator error: %s\n",
			    cons_strerror(rc));
			return 1;
		}
		if (!r.ok) {
			failed++;
			printf("FAIL seed=%llu nodes=%u steps=%u trace=%016llx "
			       "at step %llu: %s\n"
			       "  replay: cons-sim --nodes %u --seeds 1 "
			       "--first-seed %llu --steps %u%s%s --verbose\n",
			    (unsigned long long) o.seed, o.nodes, o.steps,
			    (unsigned long long) r.trace_hash,
			    (unsigned long long) r.steps_run, r.why, o.nodes,
			    (unsigned long long) o.seed, o.steps,
			    o.faults ? "" : " --no-faults",
			    o.faults && !o.rollback ? " --no-rollback" : "");
		} else if (seeds == 1) {
			printf("seed=%llu trace=%016llx\n",
			    (unsigned long long) o.seed,
			    (unsigned long long) r.trace_hash);
		}
		commits += r.commit;
		elections += r.elections;
		crashes += r.crashes;
		rollbacks += r.rollbacks;
		ops += r.ops_ok;
		info += r.ops_info;
		msgs += r.msgs;
		disk += r.disk_faults;
		parts += r.partitions;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("cons-sim: nodes=%u seeds=%llu..%llu steps=%u faults=%s: "
	       "%llu passed, %llu failed; %llu commits, %llu leader terms, "
	       "%llu ops ok, %llu unknown, %llu crashes, %llu rollbacks, "
	       "%llu disk faults, %llu partitions, %llu msgs, %.1fs\n",
	    o.nodes, first, first + seeds - 1, o.steps,
	    o.faults ? (o.rollback ? "all" : "no-rollback") : "none",
	    seeds - failed, failed, commits, elections, ops, info, crashes,
	    rollbacks, disk, parts, msgs,
	    (double) (t1.tv_sec - t0.tv_sec)
	        + (double) (t1.tv_nsec - t0.tv_nsec) / 1e9);
	return failed ? 1 : 0;
}
