/* The simulator as a test: thousands of seeds for 3 and 5 nodes with every
 * fault on (drop, duplicate, reorder, partitions, crashes, lost unsynced
 * writes, disk errors, storage rollback); replay determinism; and a calm
 * run that must make progress. Seed counts are sized for make test; many
 * more run through build/bin/cons-sim. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "cons.h"
#include "cons_sim.h"

Suite *sim_suite(void);

#define SEEDS_PER_CASE 500 /* 4 cases x 500 = 2000 seeds per size */

/* Sanitizer builds (make asan) run 5-10x slower; they may ask for fewer
 * seeds with LK_SIM_SEEDS_PER_CASE. make test always runs the full 2000. */
static unsigned
seeds_per_case(void)
{
	const char *e = getenv("LK_SIM_SEEDS_PER_CASE");
	long v = e != NULL ? strtol(e, NULL, 10) : 0;

	return v > 0 && v <= SEEDS_PER_CASE ? (unsigned) v : SEEDS_PER_CASE;
}

static void
run_range(unsigned nodes, uint64_t first, unsigned count)
{
	struct cons_sim_opts o;
	struct cons_sim_result r;
	unsigned k, failed = 0;

	memset(&o, 0, sizeof(o));
	o.nodes = nodes;
	o.steps = 1000;
	o.faults = 1;
	o.rollback = 1;
	for (k = 0; k < count; k++) {
		o.seed = first + k;
		ck_assert_int_eq(cons_sim_run(&r, &o), 0);
		if (!r.ok) {
			failed++;
			printf("FAIL seed=%llu nodes=%u trace=%016llx: %s\n"
			       "  replay: cons-sim --nodes %u --seeds 1 "
			       "--first-seed %llu --steps 1000 --verbose\n",
			    (unsigned long long) o.seed, nodes,
			    (unsigned long long) r.trace_hash, r.why, nodes,
			    (unsigned long long) o.seed);
		}
		/* every seed saw commits and a leader */
		ck_assert_uint_gt(r.commit, 0);
		ck_assert_uint_gt(r.elections, 0);
	}
	ck_assert_uint_eq(failed, 0);
}

START_TEST(seeds3)
{
	run_range(3, 1 + (uint64_t) _i * SEEDS_PER_CASE, seeds_per_case());
}
END_TEST

START_TEST(seeds5)
{
	run_range(5, 100001 + (uint64_t) _i * SEEDS_PER_CASE, seeds_per_case());
}
END_TEST

START_TEST(replay_identical)
{
	struct cons_sim_opts o;
	struct cons_sim_result a, b, c;

	memset(&o, 0, sizeof(o));
	o.nodes = 5;
	o.steps = 800;
	o.faults = 1;
	o.rollback = 1;
	o.seed = 424242;
	ck_assert_int_eq(cons_sim_run(&a, &o), 0);
	ck_assert_int_eq(cons_sim_run(&b, &o), 0);
	ck_assert_uint_eq(a.trace_hash, b.trace_hash);
	ck_assert_uint_eq(a.commit, b.commit);
	ck_assert_uint_eq(a.msgs, b.msgs);
	o.seed++;
	ck_assert_int_eq(cons_sim_run(&c, &o), 0);
	ck_assert_uint_ne(a.trace_hash, c.trace_hash);
}
END_TEST

START_TEST(faults_happen)
{
	/* the fault injector really injects: over 100 seeds every kind of
	 * fault occurs */
	struct cons_sim_opts o;
	struct cons_sim_result r;
	uint64_t crashes = 0, rollbacks = 0, disk = 0, parts = 0;
	unsigned k;

	memset(&o, 0, sizeof(o));
	o.nodes = 3;
	o.steps = 1000;
	o.faults = 1;
	o.rollback = 1;
	for (k = 0; k < 100; k++) {
		o.seed = 777000 + k;
		ck_assert_int_eq(cons_sim_run(&r, &o), 0);
		ck_assert_msg(
		    r.ok, "seed %llu: %s", (unsigned long long) o.seed, r.why);
		crashes += r.crashes;
		rollbacks += r.rollbacks;
		disk += r.disk_faults;
		parts += r.partitions;
	}
	ck_assert_uint_gt(crashes, 100);
	ck_assert_uint_gt(rollbacks, 50);
	ck_assert_uint_gt(disk, 10);
	ck_assert_uint_gt(parts, 100);
}
END_TEST

START_TEST(calm_progress)
{
	struct cons_sim_opts o;
	struct cons_sim_result r;
	unsigned n;

	for (n = 1; n <= 7; n += 2) {
		memset(&o, 0, sizeof(o));
		o.nodes = n;
		o.steps = 300;
		o.seed = n;
		ck_assert_int_eq(cons_sim_run(&r, &o), 0);
		ck_assert_msg(r.ok, "n=%u: %s", n, r.why);
		/* one leader term, no lost ops, steady commits */
		ck_assert_uint_eq(r.elections, 1);
		ck_assert_uint_eq(r.ops_info, 0);
		ck_assert_uint_gt(r.commit, 100);
	}
}
END_TEST

Suite *
sim_suite(void)
{
	Suite *s = suite_create("sim");
	TCase *tc = tcase_create("seeds");

	tcase_set_timeout(tc, 600);
	tcase_add_loop_test(tc, seeds3, 0, 4);
	tcase_add_loop_test(tc, seeds5, 0, 4);
	tcase_add_test(tc, replay_identical);
	tcase_add_test(tc, faults_happen);
	tcase_add_test(tc, calm_progress);
	suite_add_tcase(s, tc);
	return s;
}
