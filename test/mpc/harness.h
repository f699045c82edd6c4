/* The malicious-party harness of the protocol suites.
 *
 * One party j runs the honest code, but its messages of one round are held
 * back; once every other party has processed everything else, the harness
 * forks one child per case: the child changes one field of one held
 * message (every field of the round's message to the first receiver, and
 * each broadcast field also in every copy), re-signs it with j's key as a
 * malicious j would, delivers it with j's other held messages and runs the
 * session to the end. Expected:
 *   - a field j signs: every honest party ends FAILED naming j;
 *   - the signature, the session id or the receiver (a message that any
 *     party could have forwarded): dropped without blame (MPC_EAUTH,
 *     MPC_ESESSION), no honest party names anyone, the receiver waits
 *     for j.
 * The parent then releases the round honestly and moves to the next. */
#ifndef MPC_HARNESS_H
#define MPC_HARNESS_H

#include <stddef.h>
#include <stdint.h>

#include "../../mpc/demo/sim.h"
#include "../../mpc/src/proto_int.h"

/* Creates party i's machine for the session under test. */
typedef int (*hx_create_fn)(
    void *arg, struct sim *s, uint32_t i, struct mpc_sm **out);

struct hx_proto {
	uint8_t kind;
	uint32_t np; /* participants */
	const uint32_t *parts; /* ascending */
	uint32_t t; /* the machines' t (presign: np) */
	hx_create_fn create;
	void *arg;
	/* Rounds below min_round are released without cases (0 or 1: all). */
	uint8_t min_round;
	/* 1 when the honest end of the run must also name j (a party made
	 * faulty by the create function, to reach the blame rounds). */
	int final_fails;
	/* 1: change broadcast protocol fields in every copy only (the
	 * equivocating single-copy variant is left to the cheaper protocols;
	 * it makes every third party finish the round before judging). */
	int bc_all_only;
};

struct hx_stats {
	size_t cases, blamed, dropped;
	size_t per_round[SM_MAXR + 1];
};

/* Runs the corruption matrix for malicious party j over every round that
 * happens. stride 1: every field; k > 1: every envelope field and every
 * k-th protocol field (plus the first and last one of each message).
 * Asserts every case; fills *st. */
void hx_run(struct sim *s, const struct hx_proto *p, uint32_t j, size_t stride,
    struct hx_stats *st);

/* Changes the field of `raw` that the predicate picks (the index-th field
 * of the trace whose offset lies in the bc body or p2p body, counting from
 * 0; index < 0 counts from the end), re-signs with sk. Returns the field's
 * offset or (size_t)-1. */
size_t hx_corrupt_field(struct mpc_ctx *ctx, uint8_t kind, uint32_t np,
    uint32_t t, uint8_t *raw, size_t len, const uint8_t *sk, int index);

/* A hook that corrupts the index-th protocol field (as hx_corrupt_field) of
 * every message of party `who` in round `round` (all copies). */
struct hx_tamper {
	struct mpc_ctx *ctx;
	uint8_t kind, round;
	uint32_t who, np, t;
	int index;
	const uint8_t *sk;
	int done;
};
int hx_tamper_hook(void *arg, struct sim *s, uint32_t from, uint32_t to,
    uint8_t **data, size_t *len);

#endif
