/* Deterministic simulator for consensus/ (library conssim): N nodes running
 * the real core, codec, state machine and in-memory store over a seeded
 * network and disk that drop, duplicate, reorder, partition, crash and
 * restart nodes, lose unsynced writes, fail writes and roll a node's
 * storage back to an older image. Every step checks election safety, no
 * double vote, log matching, leader completeness, state-machine safety,
 * monotonic commit and "no answer while recovering"; the counter history
 * of the clients is checked (docs/CONSENSUS.md §7); after the chaos phase
 * the network heals and liveness is required. Same seed, same trace hash. */
#ifndef CONS_SIM_H
#define CONS_SIM_H

#include <stdint.h>

struct cons_sim_opts {
	unsigned nodes; /* 1..CONS_MAX_NODES */
	uint64_t seed;
	uint32_t steps; /* chaos ticks */
	uint32_t heal_steps; /* calm ticks for the liveness check */
	int faults; /* 0: a calm network (no faults at all) */
	int rollback; /* storage rollback faults (needs faults) */
	int verbose; /* trace events to stderr */
};

struct cons_sim_result {
	int ok;
	char why[256]; /* first violation */
	uint64_t trace_hash; /* FNV-1a over every delivered event */
	uint64_t steps_run;
	uint64_t commit; /* final commit index */
	uint64_t elections; /* distinct leader terms */
	uint64_t ops_ok, ops_info, ops_locked;
	uint64_t crashes, rollbacks, disk_faults, partitions, msgs;
};

/* Runs one seed. Returns 0 when the run completed (see res->ok for the
 * verdict), or a CONS_E* code when the simulator itself failed. */
int cons_sim_run(struct cons_sim_result *res, const struct cons_sim_opts *o);

#endif
