/* The CGGMP21 threshold-ECDSA protocols (docs/MPC.md §9-§15): threshold
 * DKG, aux-info, presign, sign/combine, proactive refresh, key import and
 * export, and BIP32 non-hardened derivation.
 *
 * Every protocol runs as a message-driven party state machine with no I/O:
 *
 *   mpc_<protocol>_new   create the party (emits its first messages)
 *   mpc_sm_next          pop an outgoing message (receiver + bytes)
 *   mpc_sm_feed          hand in a message received from a peer
 *   mpc_sm_status        RUNNING, DONE (output ready) or FAILED (blame)
 *   mpc_sm_take_*        move the output out (key share, aux, presignature)
 *
 * Transport contract. The caller delivers every message to the party named
 * by its receiver, over a link that authenticates the sending party, and
 * passes that authenticated index to mpc_sm_feed. Messages may arrive in
 * any order, early (they are buffered) or twice (MPC_EDUP). Every message
 * is signed with the sender's Ed25519 message key (struct mpc_cluster), so
 * a complaint can carry a peer's message as evidence that third parties
 * check: a failed check makes the detecting party FAILED with a blame and
 * broadcast a complaint; every honest party that checks it ends FAILED with
 * the same blame, and a complaint that does not hold blames its sender.
 * Broadcast sections are echoed (hashes plus the sender's signature) in the
 * next round, and each protocol ends with an echo round, so equivocation is
 * proven, not only detected.
 *
 * What cannot be attributed: a message whose signature does not verify
 * (MPC_EAUTH), or whose session id or receiver is not this party's
 * (MPC_ESESSION), is dropped without blame, because any party could have
 * forwarded it; silence is the caller's timeout (mpc_sm_waiting names whom
 * a party still waits for). */
#ifndef MPC_PROTO_H
#define MPC_PROTO_H

#include <stddef.h>
#include <stdint.h>

#include "mpc_group.h"
#include "proto_buf.h"

struct mpc_ctx;
struct mpc_blame;
struct mpc_paillier_sk;
struct mpc_paillier_pk;

#define MPC_MAX_PARTIES     16
#define MPC_SID_BYTES       32
#define MPC_ID_BYTES        32
#define MPC_LABEL_MAX       128
#define MPC_SIGN_PK_BYTES   32 /* Ed25519 */
#define MPC_SIGN_SK_BYTES   64
#define MPC_CHAINCODE_BYTES 32
#define MPC_HASH_BYTES      32 /* the message hash that is signed */
#define MPC_MSG_MAX_BYTES   (4u * 1024 * 1024) /* = PROTO_MAX_BODY */

/* Blame party values that are not a party index. */
#define MPC_PARTY_NONE   0xffffu /* no single party could be named */
#define MPC_PARTY_DEALER 0xfffeu /* the client that dealt an imported key */

/* Protocol kinds (the second byte of every message). */
enum mpc_kind {
	MPC_KIND_DKG = 1,
	MPC_KIND_AUX = 2,
	MPC_KIND_PRESIGN = 3,
	MPC_KIND_REFRESH = 4,
	MPC_KIND_IMPORT = 5
};

/* ------------------------------------------------------------------ */
/* Parties. */

/* The cluster's public identities: n parties, indexed 0..n-1 (the Shamir
 * evaluation point of party i is i + 1), each with an Ed25519 public key
 * that signs its protocol messages. Copied by every constructor. */
struct mpc_cluster {
	uint32_t n;
	uint8_t sign_pk[MPC_MAX_PARTIES][MPC_SIGN_PK_BYTES];
};

/* This party: its index and its Ed25519 secret key (libsodium layout,
 * crypto_sign_keypair). Copied by every constructor and wiped on free. */
struct mpc_self {
	uint32_t index;
	uint8_t sign_sk[MPC_SIGN_SK_BYTES];
};

/* ------------------------------------------------------------------ */
/* State machines. */

struct mpc_sm;

enum mpc_sm_status { MPC_SM_RUNNING = 0, MPC_SM_DONE = 1, MPC_SM_FAILED = 2 };

/* An outgoing message: send data[0..len) to party `to`. The bytes may hold
 * secret shares (DKG, refresh): send them only over an encrypted link and
 * release them with mpc_msg_clear, which wipes. */
struct mpc_msg {
	uint32_t to;
	uint8_t *data;
	size_t len;
};
void mpc_msg_clear(struct mpc_msg *m);

/* mpc_sm_next pops the next outgoing message.
 * Returns: 0 and *out filled (caller clears it), or MPC_EEMPTY. */
int mpc_sm_next(struct mpc_sm *sm, struct mpc_msg *out);

/* mpc_sm_feed hands in one message that arrived from party `sender` (the
 * index the authenticated link names).
 * Returns: 0 (accepted: buffered or processed; check mpc_sm_status),
 *   MPC_EDUP (an exact copy of a message already accepted; ignored),
 *   MPC_EAUTH (no valid signature of `sender`; ignored, no blame),
 *   MPC_ESESSION (another session or another receiver; ignored),
 *   MPC_ESTATE (the machine has failed; ignored),
 *   MPC_EABORT (this message made the protocol fail: mpc_sm_blame),
 *   MPC_EINVAL, MPC_ENOMEM. */
int mpc_sm_feed(
    struct mpc_sm *sm, uint32_t sender, const uint8_t *data, size_t len);

int mpc_sm_status(const struct mpc_sm *sm);
/* The blame of a FAILED machine (MPC_ESTATE otherwise). */
int mpc_sm_blame(const struct mpc_sm *sm, struct mpc_blame *b);
/* Bit i set: the machine waits for a message of party i in its current
 * round (for the caller's timeout; silence is not proof). */
uint32_t mpc_sm_waiting(const struct mpc_sm *sm);
/* The current round (1-based), for logs. */
unsigned mpc_sm_round(const struct mpc_sm *sm);
void mpc_sm_sid(const struct mpc_sm *sm, uint8_t sid[static MPC_SID_BYTES]);
/* Bytes of messages this party has produced so far (benchmarks). */
uint64_t mpc_sm_bytes_sent(const struct mpc_sm *sm);
/* Frees the machine and wipes its secrets (NULL is a no-op). */
void mpc_sm_free(struct mpc_sm *sm);

/* Routing information of a message, without verifying it. */
struct mpc_msg_info {
	uint8_t kind, round;
	uint32_t from, to;
	uint8_t sid[MPC_SID_BYTES];
};
/* Returns 0 or MPC_EDECODE. */
int mpc_msg_peek(struct mpc_msg_info *info, const uint8_t *data, size_t len);

/* ------------------------------------------------------------------ */
/* Key shares. A key share holds this party's Shamir share x_i of the key,
 * every party's public share X_j = x_j*G, the public key X, the joint BIP32
 * chain code, the key id (fixed at creation) and the epoch (incremented by
 * every refresh). */
struct mpc_keyshare;

uint32_t mpc_keyshare_index(const struct mpc_keyshare *ks);
uint32_t mpc_keyshare_n(const struct mpc_keyshare *ks);
uint32_t mpc_keyshare_t(const struct mpc_keyshare *ks);
uint64_t mpc_keyshare_epoch(const struct mpc_keyshare *ks);
void mpc_keyshare_key_id(
    const struct mpc_keyshare *ks, uint8_t id[static MPC_ID_BYTES]);
void mpc_keyshare_pubkey(
    const struct mpc_keyshare *ks, uint8_t pub[static MPC_POINT_BYTES]);
void mpc_keyshare_chaincode(
    const struct mpc_keyshare *ks, uint8_t cc[static MPC_CHAINCODE_BYTES]);
/* X_j of party j (MPC_EINVAL for j >= n). */
int mpc_keyshare_public_share(const struct mpc_keyshare *ks, uint32_t j,
    uint8_t pub[static MPC_POINT_BYTES]);

/* The encoding carries the secret share: the caller seals it.
 * Decoding checks every point, the share against X_i, and X against the
 * public shares (Lagrange at zero over parties 0..t-1).
 * Returns: 0, MPC_EDECODE, MPC_EPOINT, MPC_ESCALAR, MPC_EMISMATCH,
 * MPC_ENOMEM or a PROTO_E* code. */
#define MPC_KEYSHARE_MAX_BYTES \
	(128 + MPC_SCALAR_BYTES + (MPC_MAX_PARTIES + 1) * MPC_POINT_BYTES)
void mpc_keyshare_encode(struct proto_wbuf *w, const struct mpc_keyshare *ks);
int mpc_keyshare_decode(
    struct mpc_ctx *ctx, struct proto_rbuf *r, struct mpc_keyshare **out);
void mpc_keyshare_free(struct mpc_keyshare *ks);

/* ------------------------------------------------------------------ */
/* Threshold DKG (Feldman VSS, commit-reveal, echo, Schnorr, joint chain
 * code): 4 rounds among all n parties; any t of them can sign.
 * label: a caller-chosen id unique to this run (1..MPC_LABEL_MAX bytes,
 * for example a consensus log index); every party must pass the same.
 * Output: mpc_sm_take_keyshare. */
int mpc_dkg_new(struct mpc_ctx *ctx, struct mpc_sm **out,
    const struct mpc_cluster *cl, const struct mpc_self *me, uint32_t t,
    const uint8_t *label, size_t label_len);

/* Proactive refresh into epoch e+1: a t-of-n sharing of zero added to every
 * share (all n parties take part). The old share and the presignatures of
 * epoch e stop working (mpc_presig_consume and mpc_combine refuse them).
 * ks is borrowed until the machine is freed. Output: a new key share. */
int mpc_refresh_new(struct mpc_ctx *ctx, struct mpc_sm **out,
    const struct mpc_cluster *cl, const struct mpc_self *me,
    const struct mpc_keyshare *ks, const uint8_t *label, size_t label_len);

/* Moves the key share out of a DONE DKG, refresh or import machine.
 * Returns 0 or MPC_ESTATE. */
int mpc_sm_take_keyshare(struct mpc_sm *sm, struct mpc_keyshare **out);

/* ------------------------------------------------------------------ */
/* Key import (a client deals Shamir shares with Feldman commitments) and
 * export (a client reconstructs the key from t shares). */

/* mpc_import_deal splits the secret key x (32 bytes, 0 < x < q) for n
 * parties with threshold t. Every share is signed with the dealer's
 * one-time Ed25519 key (dealer_sk; its public half goes into every party's
 * import session, so a dealer that equivocates is named). out[i] receives
 * party i's blob (heap, caller wipes with mpc_msg_clear; .to = i).
 * Returns: 0, MPC_EINVAL, MPC_ESCALAR or MPC_ENOMEM. */
int mpc_import_deal(struct mpc_ctx *ctx, struct mpc_msg *out, uint32_t n,
    uint32_t t, const uint8_t secret[static MPC_SCALAR_BYTES],
    const uint8_t chaincode[static MPC_CHAINCODE_BYTES],
    const uint8_t dealer_sk[static MPC_SIGN_SK_BYTES]);

/* The import session of one party: checks its share against the
 * commitments, confirms with everyone that all hold the same commitments
 * and valid shares (2 rounds), and outputs an epoch-0 key share. */
int mpc_import_new(struct mpc_ctx *ctx, struct mpc_sm **out,
    const struct mpc_cluster *cl, const struct mpc_self *me,
    const uint8_t dealer_pk[static MPC_SIGN_PK_BYTES], const uint8_t *blob,
    size_t blob_len, const uint8_t *label, size_t label_len);

/* An export part: one party's share with its index and the key's public
 * data, for the client (send over an encrypted channel only). */
struct mpc_export_part {
	uint8_t key_id[MPC_ID_BYTES];
	uint64_t epoch;
	uint32_t index, n, t;
	struct mpc_scalar share;
	uint8_t pubkey[MPC_POINT_BYTES];
	uint8_t public_share[MPC_POINT_BYTES];
};
#define MPC_EXPORT_PART_BYTES \
	(1 + MPC_ID_BYTES + 8 + 12 + MPC_SCALAR_BYTES + 2 * MPC_POINT_BYTES)
int mpc_export_part(struct mpc_ctx *ctx, struct mpc_export_part *out,
    const struct mpc_keyshare *ks);
void mpc_export_part_encode(
    struct proto_wbuf *w, const struct mpc_export_part *p);
int mpc_export_part_decode(struct proto_rbuf *r, struct mpc_export_part *p);
/* mpc_export_combine reconstructs x from t parts of one key and epoch (by
 * Lagrange interpolation at zero) after checking every share against its
 * public share, and checks x*G against the public key.
 * Returns: 0; MPC_EMISMATCH (parts of different keys or epochs, or a share
 * that does not match its public share: *bad names it); MPC_ECOUNT (fewer
 * than t parts or duplicate indices); MPC_ERECON (the reconstruction does
 * not give the public key). secret is zeroed on failure. */
int mpc_export_combine(struct mpc_ctx *ctx,
    uint8_t secret[static MPC_SCALAR_BYTES], uint32_t *bad,
    const struct mpc_export_part *parts, size_t nparts);
void mpc_export_part_clear(struct mpc_export_part *p);

/* ------------------------------------------------------------------ */
/* Aux-info: every party's Paillier modulus and ring-Pedersen parameters,
 * proven with Pi^prm (R1-R2), Pi^mod and Pi^fac (R3) against the joint
 * randomness rho, then echoed (R4). Reusable for many keys of the same
 * cluster. sk: this party's fresh Paillier key (from two safe primes of a
 * prime pool); ownership passes to the machine, even on error. */
struct mpc_aux;
int mpc_aux_new(struct mpc_ctx *ctx, struct mpc_sm **out,
    const struct mpc_cluster *cl, const struct mpc_self *me,
    struct mpc_paillier_sk *sk, const uint8_t *label, size_t label_len);
int mpc_sm_take_aux(struct mpc_sm *sm, struct mpc_aux **out);

uint32_t mpc_aux_index(const struct mpc_aux *aux);
uint32_t mpc_aux_n(const struct mpc_aux *aux);
void mpc_aux_id(const struct mpc_aux *aux, uint8_t id[static MPC_ID_BYTES]);
/* Party j's Paillier public key (this party's own for j == index), for
 * installing a nonce source (mpc_paillier_pk_set_nonce_source). */
struct mpc_paillier_pk *mpc_aux_paillier_pk(struct mpc_aux *aux, uint32_t j);
/* The encoding holds this party's Paillier and ring-Pedersen secrets (the
 * caller seals it) and every peer's verified parameters. Decoding trusts
 * the (sealed) input for the proofs but re-checks every modulus and
 * parameter, then rebuilds the tables (about 80 ms per peer). */
void mpc_aux_encode(struct proto_wbuf *w, const struct mpc_aux *aux);
int mpc_aux_decode(struct proto_rbuf *r, struct mpc_aux **out);
void mpc_aux_free(struct mpc_aux *aux);

/* ------------------------------------------------------------------ */
/* Presign: 3 rounds plus an echo among a signer set of t parties, whose
 * shares are Lagrange-converted to an additive sharing. When the final
 * checks fail, one more round names the culprit: the burned presignature's
 * ephemeral values are opened (delta * G != sum Delta_j), or each signer
 * proves S_i with Pi^mul* and a wide Pi^log* (sum S_i != delta * X).
 * signers: ascending party indices, t of them, including this party.
 * ks and aux are borrowed until the machine is freed.
 * Output: mpc_sm_take_presig. */
struct mpc_presig;
int mpc_presign_new(struct mpc_ctx *ctx, struct mpc_sm **out,
    const struct mpc_cluster *cl, const struct mpc_self *me,
    const struct mpc_keyshare *ks, struct mpc_aux *aux, const uint32_t *signers,
    size_t nsigners, const uint8_t *label, size_t label_len);
int mpc_sm_take_presig(struct mpc_sm *sm, struct mpc_presig **out);

/* The public record of a presignature (no secret): id, key id, epoch,
 * signer set, Gamma, delta, and every signer's Delta_j = k_j*Gamma and
 * S^_j = chi_j*Gamma. R = delta^-1 * Gamma. The aggregator combines with it.
 * The id hashes all of it together with the session id. */
struct mpc_presig_pub;
/* A presignature: the public record plus this signer's k_i and chi_i, and
 * a used flag. Single use: mpc_presig_consume marks it used and moves the
 * secrets into a one-shot token; a second consume fails with MPC_EUSED. */
void mpc_presig_id(const struct mpc_presig *p, uint8_t id[static MPC_ID_BYTES]);
int mpc_presig_is_used(const struct mpc_presig *p);
const struct mpc_presig_pub *mpc_presig_public(const struct mpc_presig *p);
/* Encodes the whole presignature (secrets included unless used: seal it).
 * A used presignature encodes without secrets and decodes as used. */
void mpc_presig_encode(struct proto_wbuf *w, const struct mpc_presig *p);
int mpc_presig_decode(
    struct mpc_ctx *ctx, struct proto_rbuf *r, struct mpc_presig **out);
void mpc_presig_free(struct mpc_presig *p);

void mpc_presig_pub_id(
    const struct mpc_presig_pub *pub, uint8_t id[static MPC_ID_BYTES]);
void mpc_presig_pub_encode(
    struct proto_wbuf *w, const struct mpc_presig_pub *pub);
/* Decoding checks every point, recomputes the id, and checks
 * sum Delta_j == delta*G and sum S^_j == delta*X. */
int mpc_presig_pub_decode(
    struct mpc_ctx *ctx, struct proto_rbuf *r, struct mpc_presig_pub **out);
int mpc_presig_pub_copy(
    struct mpc_presig_pub **out, const struct mpc_presig_pub *pub);
void mpc_presig_pub_free(struct mpc_presig_pub *pub);

/* ------------------------------------------------------------------ */
/* BIP32 non-hardened derivation (child public keys; signing under a
 * derived key adds the accumulated tweak at sign time). */
#define MPC_BIP32_MAX_DEPTH 32
#define MPC_BIP32_HARDENED  0x80000000u
struct mpc_derivation {
	uint8_t pubkey[MPC_POINT_BYTES]; /* the child public key */
	uint8_t chaincode[MPC_CHAINCODE_BYTES];
	struct mpc_scalar shift; /* child = parent + shift*G (public) */
	uint32_t depth;
};
/* Parses "m/0/1/2" (decimal indices < 2^31; "m" alone is depth 0).
 * Returns 0, MPC_EDECODE or MPC_EDERIVE (hardened index). */
int mpc_bip32_parse_path(uint32_t *path, size_t *depth, const char *s);
/* Derives along path from (pubkey, chaincode). Returns 0, MPC_EDERIVE (a
 * hardened index, or an invalid child: I_L >= q or the identity, which
 * BIP32 says to skip), MPC_EPOINT or MPC_EINVAL. */
int mpc_bip32_derive(struct mpc_ctx *ctx, struct mpc_derivation *out,
    const uint8_t pubkey[static MPC_POINT_BYTES],
    const uint8_t chaincode[static MPC_CHAINCODE_BYTES], const uint32_t *path,
    size_t depth);

/* ------------------------------------------------------------------ */
/* Sign (one round) and combine. */

/* The secrets of one consumed presignature, valid for one signature. */
struct mpc_presig_token {
	uint8_t presig_id[MPC_ID_BYTES];
	uint32_t signer;
	struct mpc_scalar k, chi, r;
	int live;
};
/* mpc_presig_consume marks p used and moves its secrets into *tok after
 * checking that p belongs to ks's key, epoch and party. Persist p (now
 * used, without secrets) durably BEFORE the partial signature leaves.
 * Returns: 0, MPC_EUSED (already consumed), MPC_EEPOCH (another key or
 * epoch: refreshed away) or MPC_EMISMATCH (another party's). */
int mpc_presig_consume(struct mpc_presig *p, const struct mpc_keyshare *ks,
    struct mpc_presig_token *tok);
void mpc_presig_token_clear(struct mpc_presig_token *tok);

/* A partial signature sigma_i = k_i*(m + r*shift) + r*chi_i. */
struct mpc_partial {
	uint8_t presig_id[MPC_ID_BYTES];
	uint32_t signer;
	struct mpc_scalar sigma;
};
#define MPC_PARTIAL_BYTES (1 + MPC_ID_BYTES + 2 + MPC_SCALAR_BYTES)
/* mpc_sign_partial spends the token (wiped on every path). d: NULL to sign
 * under the key itself, or a derivation from mpc_bip32_derive.
 * Returns 0, MPC_ESTATE (token already spent) or MPC_EINVAL. */
int mpc_sign_partial(struct mpc_partial *out, struct mpc_presig_token *tok,
    const uint8_t hash[static MPC_HASH_BYTES], const struct mpc_derivation *d);
void mpc_partial_encode(struct proto_wbuf *w, const struct mpc_partial *p);
int mpc_partial_decode(struct proto_rbuf *r, struct mpc_partial *p);

struct mpc_signature {
	uint8_t r[32], s[32]; /* big-endian, s <= q/2 */
	int recid; /* 0..3 */
};
/* mpc_combine (aggregator; no secret): checks that pub belongs to the
 * expected key and epoch, that every partial names pub's id and that the
 * signers are exactly pub's signer set, and each partial against the
 * public values (sigma_i*Gamma == (m + r*shift)*Delta_i + r*S^_i, which is
 * sigma_i*R == m'*R_i + r*S_i scaled by delta); sums, normalizes to low s
 * with the recovery id, and verifies the result with libsecp256k1 (and its
 * public-key recovery). An unverified signature is never returned: *sig is
 * zeroed on every failure.
 * Returns: 0; MPC_EABORT with *blame (MPC_BLAME_PARTIAL, or
 * MPC_BLAME_PRESIG_ID for a partial of another presignature, or
 * MPC_BLAME_ENVELOPE for a missing or duplicate signer); MPC_EEPOCH;
 * MPC_ESIG (the sum does not verify: cannot happen when every partial
 * passed); MPC_EINVAL. */
int mpc_combine(struct mpc_ctx *ctx, struct mpc_signature *sig,
    struct mpc_blame *blame, const struct mpc_presig_pub *pub,
    const uint8_t key_id[static MPC_ID_BYTES], uint64_t epoch,
    const uint8_t hash[static MPC_HASH_BYTES], const struct mpc_derivation *d,
    const struct mpc_partial *parts, size_t nparts);

/* Verifies (r, s) on hash under pubkey with libsecp256k1 and checks that
 * recid recovers pubkey. Returns 0 or MPC_ESIG. */
int mpc_signature_verify(struct mpc_ctx *ctx, const struct mpc_signature *sig,
    const uint8_t pubkey[static MPC_POINT_BYTES],
    const uint8_t hash[static MPC_HASH_BYTES]);

#endif
