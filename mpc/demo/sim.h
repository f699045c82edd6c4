/* An in-process simulated network for the mpc/ protocols: n parties, a
 * message queue delivered in FIFO or seeded random order, an optional
 * tamper hook (drop, change, duplicate, re-sign), and per-party CPU time
 * and bytes. mpc-demo and the Check suites run the protocols through it. */
#ifndef MPC_SIM_H
#define MPC_SIM_H

#include <stddef.h>
#include <stdint.h>

#include "mpc.h"

struct sim;

/* The tamper hook sees every message before it is queued. It may change
 * the message (data, len; a realloc-able buffer owned by the simulator). Return
 * 0 to deliver, 1 to drop. */
typedef int (*sim_tamper_fn)(void *arg, struct sim *s, uint32_t from,
    uint32_t to, uint8_t **data, size_t *len);

struct sim_item {
	uint32_t from, to;
	uint8_t *data;
	size_t len;
};

struct sim {
	struct mpc_ctx *ctx;
	uint32_t n;
	struct mpc_cluster cl;
	struct mpc_self self[MPC_MAX_PARTIES];
	struct mpc_sm *sm[MPC_MAX_PARTIES]; /* NULL: not taking part */
	struct sim_item *q;
	size_t qhead, qn, qcap;
	uint64_t rng; /* 0: FIFO delivery */
	sim_tamper_fn tamper;
	void *tamper_arg;
	double cpu[MPC_MAX_PARTIES]; /* seconds of thread CPU time */
	uint64_t bytes[MPC_MAX_PARTIES]; /* bytes sent */
	uint64_t msgs[MPC_MAX_PARTIES]; /* messages sent */
	int last_rv[MPC_MAX_PARTIES]; /* last non-zero feed result */
	size_t delivered;
};

/* Sets up n parties with Ed25519 message keys derived from seed (so runs
 * are reproducible); rng_seed != 0 delivers in seeded random order. */
int sim_init(struct sim *s, struct mpc_ctx *ctx, uint32_t n, uint64_t seed,
    uint64_t rng_seed);
/* Frees the machines and the queue. */
void sim_clear(struct sim *s);
/* Frees the machines only (between protocols). */
void sim_reset(struct sim *s);

/* CPU accounting around work done for party i outside sim_run (a
 * constructor, sign, combine). */
double sim_cpu_now(void);
void sim_charge(struct sim *s, uint32_t i, double since);

/* Moves party i's outgoing messages to the queue (through the hook). */
int sim_collect(struct sim *s, uint32_t i);
/* Queues a message (ownership of data passes) without the hook. */
int sim_inject(
    struct sim *s, uint32_t from, uint32_t to, uint8_t *data, size_t len);
/* Delivers until no message is left. Returns 0 or MPC_ENOMEM. */
int sim_run(struct sim *s);
/* 1 when every machine is DONE. */
int sim_all_done(const struct sim *s);

/* ---- whole protocols (honest runs) ---- */
int sim_dkg(
    struct sim *s, uint32_t t, const char *label, struct mpc_keyshare **ks);
int sim_refresh(struct sim *s, struct mpc_keyshare *const *ks,
    const char *label, struct mpc_keyshare **out);
/* sks[i] ownership passes (even on error). */
int sim_aux(struct sim *s, struct mpc_paillier_sk **sks, const char *label,
    struct mpc_aux **aux);
/* signers ascending; ks and aux indexed by party; out[k] for signers[k]. */
int sim_presign(struct sim *s, struct mpc_keyshare *const *ks,
    struct mpc_aux *const *aux, const uint32_t *signers, size_t t,
    const char *label, struct mpc_presig **out);
/* Consumes the presignatures, signs hash (under d when not NULL) and
 * combines. */
int sim_sign(struct sim *s, struct mpc_presig *const *ps,
    struct mpc_keyshare *const *ks, const uint32_t *signers, size_t t,
    const uint8_t hash[32], const struct mpc_derivation *d,
    struct mpc_signature *sig, struct mpc_blame *blame);

#endif
