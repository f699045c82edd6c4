/* Internal declarations of the protocol layer: the generic party engine
 * (sm.c), the wire helpers (wire.c) and what each protocol plugs into the
 * engine (struct sm_ops). docs/MPC.md §9-§10 describe the envelope, the
 * echo and the complaints. */
#ifndef MPC_PROTO_INT_H
#define MPC_PROTO_INT_H

#include <stddef.h>
#include <stdint.h>

#include <gmp.h>

#include "mpc_int.h"

/* ---- envelope ----
 * version u8 = 1 | kind u8 | round u8 | reserved u8 = 0 | from u16 |
 * to u16 | sid [32] | u32 len | bc section | [bsig [64] when the round has
 * a broadcast section] | u32 len | p2p section | sig [64]
 * The bc section is [echo block: np * (digest [32] | bsig [64]) when the
 * round echoes the previous one] followed by the protocol's bc body. bsig
 * signs (tag, sid, kind, round, from, digest of the bc section); sig is
 * Ed25519ph over (tag, every byte before it). */
#define SM_VERSION         1
#define SM_HDR_BYTES       (8 + MPC_SID_BYTES)
#define SM_SIG_BYTES       64
#define SM_DIGEST_BYTES    32
#define SM_ECHO_ENTRY      (SM_DIGEST_BYTES + SM_SIG_BYTES)
#define SM_MAXR            6 /* rounds 1..6 */
#define SM_ROUND_COMPLAINT 0xff

enum sm_section {
	SEC_BC = 1, /* a broadcast section (same bytes to every receiver) */
	SEC_P2P = 2, /* a section per receiver */
	SEC_ECHO = 4 /* the bc section starts with the echo of round r-1 */
};
enum sm_part { PART_BC = 0, PART_P2P = 1 };

/* Complaint kinds (the body of a round-0xff message). */
enum sm_complaint {
	CPL_BAD_MSG = 1, /* u32 len | the accused's message to the complainer */
	CPL_EQUIV_BC = 2, /* digest, bsig, digest, bsig of one broadcast slot */
	CPL_EQUIV_MSG = 3 /* two signed messages of one slot */
};

/* Field boundaries of an encoded message (tests, fuzzing). */
#define SM_TRACE_MAX 4096
struct sm_trace {
	size_t n;
	uint32_t off[SM_TRACE_MAX], len[SM_TRACE_MAX];
	uint8_t kind[SM_TRACE_MAX]; /* enum tr_kind */
	size_t bc_off, bc_len, bsig_off; /* layout (bsig_off 0: none) */
};
enum tr_kind {
	TR_HDR = 1, /* an envelope field */
	TR_SIG, /* a signature (not covered by blame: see MPC_EAUTH) */
	TR_ROUTE, /* sid or receiver: a message that is not ours */
	TR_ECHO, /* an echo entry field */
	TR_FIELD /* a protocol field */
};

struct mpc_sm;

/* What a protocol provides. Positions (0..np-1) index the participants of
 * the session in ascending party order. */
struct sm_ops {
	uint8_t kind;
	uint8_t last_round;
	/* enum sm_section flags of a round (static per round). */
	unsigned (*sections)(uint8_t round);
	/* Decodes one section into a new message part (*out), strictly. */
	int (*parse)(struct mpc_ctx *ctx, uint32_t np, uint32_t t,
	    uint8_t round, int part, void **out, const uint8_t *p, size_t len);
	int (*encode)(uint32_t np, uint32_t t, uint8_t round, int part,
	    const void *m, struct proto_wbuf *w, struct sm_trace *tr);
	void (*part_free)(uint8_t round, int part, void *m);
	/* This party's own part for the round (to: receiver position). */
	const void *(*own)(
	    struct mpc_sm *sm, uint8_t round, int part, uint32_t to);
	/* Public check of the message of `from` to `to` (positions), with the
	 * agreed context of the earlier rounds: the same code checks an
	 * incoming message and a complaint's evidence. Returns 0, MPC_EABORT
	 * with *b, or an internal error. */
	int (*check)(struct mpc_sm *sm, uint8_t round, uint32_t from,
	    uint32_t to, const void *bc, const void *p2p, struct mpc_blame *b);
	/* Private processing once round r is complete and checked; sets *next
	 * (the next round, or 0: done). MPC_EABORT with *b fails without a
	 * complaint (no single message is at fault). */
	int (*finish)(struct mpc_sm *sm, uint8_t round, uint8_t *next,
	    struct mpc_blame *b);
	void (*free)(struct mpc_sm *sm);
};

struct sm_slot {
	uint8_t *raw;
	size_t rawlen;
	void *bc, *p2p; /* parsed parts */
	uint8_t bcd[SM_DIGEST_BYTES], bsig[SM_SIG_BYTES];
	size_t echo_off; /* offset of the echo block in raw, 0 if none */
	uint8_t have;
	uint8_t evaluated; /* complaints: a verdict was reached */
};

struct mpc_sm {
	const struct sm_ops *ops;
	struct mpc_ctx *ctx;
	uint8_t kind;
	uint8_t sid[MPC_SID_BYTES];
	uint32_t n, np, t;
	uint32_t part[MPC_MAX_PARTIES]; /* party index of each position */
	int pos_of[MPC_MAX_PARTIES]; /* position of a party, -1 if absent */
	uint32_t self, me; /* party index and position */
	uint8_t sign_pk[MPC_MAX_PARTIES][MPC_SIGN_PK_BYTES];
	uint8_t sign_sk[MPC_SIGN_SK_BYTES];
	int status;
	uint8_t round;
	uint8_t skipped[SM_MAXR + 1];
	struct mpc_blame blame;
	struct sm_slot in[SM_MAXR + 1][MPC_MAX_PARTIES];
	struct sm_slot cpl[MPC_MAX_PARTIES]; /* received complaints */
	uint8_t *sent[SM_MAXR + 1][MPC_MAX_PARTIES];
	size_t sentlen[SM_MAXR + 1][MPC_MAX_PARTIES];
	uint8_t own_bcd[SM_MAXR + 1][SM_DIGEST_BYTES];
	uint8_t own_bsig[SM_MAXR + 1][SM_SIG_BYTES];
	struct mpc_msg *outq;
	size_t outhead, outn, outcap;
	uint64_t bytes_sent;
	int taken; /* output moved out */
	/* Evidence a check names when a message is bad only next to another
	 * signed message (CPL_EQUIV_MSG); valid during the check call. */
	int ev_kind;
	uint32_t ev_author;
	uint8_t ev_round;
	const uint8_t *ev1, *ev2;
	size_t ev1len, ev2len;
	/* White-box fault injection for the tests of the blame rounds: a
	 * party that consistently deviates (enum sm_fault). 0 in production:
	 * no API sets it. */
	uint32_t fault;
	void *st; /* protocol state */
};
enum sm_fault {
	FAULT_DELTA = 1, /* presign: delta_i + 1 */
	FAULT_SHAT = 2 /* presign: S^_i + G */
};

/* ---- engine (sm.c) ---- */
/* Creates the engine part: copies identities, sorts nothing (parts must be
 * ascending and include me->index), derives the session id from the kind,
 * cluster, t, participants, label and extra (protocol inputs such as key
 * id and epoch). */
int sm_init(struct mpc_sm **out, const struct sm_ops *ops, struct mpc_ctx *ctx,
    const struct mpc_cluster *cl, const struct mpc_self *me, uint32_t t,
    const uint32_t *parts, size_t np, const uint8_t *label, size_t label_len,
    const uint8_t *extra, size_t extra_len);
/* Emits round 1 (after the protocol state is set up) and runs the rounds
 * that need no message (a session of one party). */
int sm_start(struct mpc_sm *sm);
/* Fills a blame and returns MPC_EABORT. */
int sm_blame(struct mpc_blame *b, uint32_t party, int reason, int check);
/* The raw message this party received from position `from` in round r
 * (NULL if none), and the one it sent to `to`. */
const uint8_t *sm_received(
    const struct mpc_sm *sm, uint8_t r, uint32_t from, size_t *len);
const uint8_t *sm_sent(
    const struct mpc_sm *sm, uint8_t r, uint32_t to, size_t *len);
/* Parses and authenticates a message signed by party `signer` in this
 * session, as the message of `from` to `to` (positions) in round r: the
 * engine's feed checks without the state changes. Used by protocols that
 * republish messages (presign blame rounds). Returns 0 with the parts
 * (free with sm_parts_free), MPC_EAUTH/MPC_ESESSION (not a message of this
 * slot), or MPC_EABORT with *b blaming the signer. */
int sm_parse_signed(struct mpc_sm *sm, struct mpc_blame *b, uint8_t r,
    uint32_t from, uint32_t to, const uint8_t *raw, size_t len, void **bc,
    void **p2p, uint8_t bcd[SM_DIGEST_BYTES]);
void sm_parts_free(struct mpc_sm *sm, uint8_t r, void *bc, void *p2p);
/* The parsed bc part of position pos in round r (this party's own part for
 * pos == me). */
const void *sm_bc(struct mpc_sm *sm, uint8_t r, uint32_t pos);
const void *sm_p2p(struct mpc_sm *sm, uint8_t r, uint32_t from, uint32_t to);
/* Round-trip of a message for fuzzing and tests: parses the envelope and
 * sections (no signature check) for kind/np/t, re-encodes it, and returns
 * the new bytes in *out (malloc'ed) with the field trace. Returns 0 or the
 * decode error. */
int sm_msg_roundtrip(struct mpc_ctx *ctx, uint8_t kind, uint32_t np, uint32_t t,
    const uint8_t *raw, size_t len, uint8_t **out, size_t *outlen,
    struct sm_trace *tr);
/* Re-signs a message with sk after a test changed it (the malicious-party
 * harness): recomputes bsig and sig. Returns 0 or MPC_EDECODE. */
int sm_msg_resign(uint8_t *raw, size_t len, const uint8_t sk[MPC_SIGN_SK_BYTES],
    const struct sm_trace *layout, int redo_bsig);
const struct sm_ops *sm_ops_for(uint8_t kind);
/* Tests only: queues a complaint as this party (a false accusation). */
int sm_test_complain(struct mpc_sm *sm, int ckind, uint32_t accused,
    uint8_t round, const uint8_t *e1, size_t l1, const uint8_t *e2, size_t l2);
/* Tests only: drops the queued messages of round 1 and emits round 1
 * again from the protocol state (after a test rewrote that state, before
 * any message left the machine). */
int sm_test_reemit_r1(struct mpc_sm *sm);

/* ---- wire helpers (wire.c): encoders that record field boundaries ---- */
void tr_add(struct sm_trace *tr, size_t off, size_t len, int kind);
void w_u8(struct proto_wbuf *w, struct sm_trace *tr, uint8_t v);
void w_u16(struct proto_wbuf *w, struct sm_trace *tr, uint16_t v);
void w_fixed(
    struct proto_wbuf *w, struct sm_trace *tr, const uint8_t *p, size_t n);
void w_scalar(
    struct proto_wbuf *w, struct sm_trace *tr, const struct mpc_scalar *s);
void w_point(
    struct proto_wbuf *w, struct sm_trace *tr, const struct mpc_point *p);
void w_bn(struct proto_wbuf *w, struct sm_trace *tr, mpz_srcptr x);
void w_sbn(struct proto_wbuf *w, struct sm_trace *tr, mpz_srcptr x);
void w_bytes(
    struct proto_wbuf *w, struct sm_trace *tr, const uint8_t *p, size_t n);
void w_sch(struct proto_wbuf *w, struct sm_trace *tr,
    const struct mpc_zk_sch_proof *pf);
void w_prm(struct proto_wbuf *w, struct sm_trace *tr,
    const struct mpc_zk_prm_proof *pf);
void w_mod(struct proto_wbuf *w, struct sm_trace *tr,
    const struct mpc_zk_mod_proof *pf);
void w_fac(struct proto_wbuf *w, struct sm_trace *tr,
    const struct mpc_zk_fac_proof *pf);
void w_enc(struct proto_wbuf *w, struct sm_trace *tr,
    const struct mpc_zk_enc_proof *pf);
void w_affg(struct proto_wbuf *w, struct sm_trace *tr,
    const struct mpc_zk_affg_proof *pf);
void w_logstar(struct proto_wbuf *w, struct sm_trace *tr,
    const struct mpc_zk_logstar_proof *pf);
void w_mulstar(struct proto_wbuf *w, struct sm_trace *tr,
    const struct mpc_zk_mulstar_proof *pf);
int r_scalar(struct proto_rbuf *r, struct mpc_scalar *s);
/* allow_identity: the 33-zero-byte identity is accepted. */
int r_point(struct mpc_ctx *ctx, struct proto_rbuf *r, struct mpc_point *p,
    int allow_identity);
int r_fixed(struct proto_rbuf *r, uint8_t *out, size_t n);
/* Encodes into a growing heap buffer: calls fn until it fits. */
int w_grow(uint8_t **out, size_t *outlen,
    int (*fn)(void *arg, struct proto_wbuf *w), void *arg);
/* 32-byte tagged hash of a buffer. */
void h32(uint8_t out[32], const char *tag, const uint8_t *p, size_t n);

/* ---- key shares (keyshare.c) ---- */
struct mpc_keyshare {
	uint8_t key_id[MPC_ID_BYTES];
	uint64_t epoch;
	uint32_t n, t, index;
	struct mpc_scalar x;
	struct mpc_point X; /* public key */
	struct mpc_point Xj[MPC_MAX_PARTIES];
	uint8_t chaincode[MPC_CHAINCODE_BYTES];
};
int keyshare_new(struct mpc_keyshare **out);
/* Lagrange coefficient at zero of party `who` among the parties in set
 * (evaluation points i + 1). Public inputs. */
void lagrange0(
    struct mpc_scalar *l, uint32_t who, const uint32_t *set, size_t k);
/* Checks x*G == X_index and that the Xj interpolate X (parties 0..t-1). */
int keyshare_validate(struct mpc_ctx *ctx, const struct mpc_keyshare *ks);
/* f(x) = sum c_k x^k at x = i + 1 (public coefficients). */
int feldman_eval(struct mpc_ctx *ctx, struct mpc_point *r,
    const struct mpc_point *C, uint32_t t, uint32_t i);

int import_take(struct mpc_sm *sm, struct mpc_keyshare **out);

/* ---- aux info (aux.c) ---- */
struct mpc_aux {
	uint8_t id[MPC_ID_BYTES];
	uint32_t n, index;
	struct mpc_paillier_sk *sk;
	struct mpc_rped *rp_own;
	struct mpc_paillier_pk *pk[MPC_MAX_PARTIES]; /* NULL at index */
	struct mpc_rped *rp[MPC_MAX_PARTIES]; /* NULL at index */
	int borrowed; /* the objects belong to the caller (test fixtures) */
};
/* Party j's Paillier key and ring-Pedersen parameters (own objects at the
 * own index). */
const struct mpc_paillier_pk *aux_pk(const struct mpc_aux *a, uint32_t j);
const struct mpc_rped *aux_rp(const struct mpc_aux *a, uint32_t j);
/* Test and benchmark hook: assembles aux info from keys that were NOT
 * proven (trusted setup of the fixtures). Never use in production. */
int aux_assemble_unproven(struct mpc_aux **out, uint32_t n, uint32_t index,
    struct mpc_paillier_sk *sk, struct mpc_rped *rp_own,
    struct mpc_paillier_pk *const *pks, struct mpc_rped *const *rps,
    int borrowed);
void aux_compute_id(uint8_t id[MPC_ID_BYTES], const struct mpc_aux *a);
/* Tests only: makes a fresh aux-info machine claim the modulus n (another
 * party's, whose factorization it does not know) with ring-Pedersen
 * parameters of its own on n and a Pi^prm that needs no factorization,
 * as a malicious party can; round 1 is emitted again. */
int aux_test_claim_modulus(struct mpc_sm *sm, mpz_srcptr n);

/* ---- presignatures (presign.c) ---- */
struct mpc_presig_pub {
	uint8_t id[MPC_ID_BYTES];
	uint8_t sid[MPC_SID_BYTES];
	uint8_t key_id[MPC_ID_BYTES];
	uint64_t epoch;
	uint32_t t;
	uint32_t signers[MPC_MAX_PARTIES];
	struct mpc_point X; /* the key's public key */
	struct mpc_point Gamma, R;
	struct mpc_scalar delta, r;
	struct mpc_point Delta[MPC_MAX_PARTIES], Shat[MPC_MAX_PARTIES];
};
struct mpc_presig {
	struct mpc_presig_pub pub;
	uint32_t signer;
	struct mpc_scalar k, chi;
	int used;
};
void presig_pub_compute_id(struct mpc_presig_pub *pub);
/* Tests only: a second signed round-2 message of this party to position
 * `to` (fresh MtA masks, valid proofs), unlike the one it sent and keeps
 * (and republishes in R5/R6): the equivocation of a malicious signer. */
int ps_test_twin_r2(
    struct mpc_sm *sm, uint32_t to, uint8_t **out, size_t *outlen);
int presig_pub_finalize(struct mpc_ctx *ctx, struct mpc_presig_pub *pub);

#endif
