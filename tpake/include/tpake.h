/* tpake: threshold OPAQUE (T-PAKE) over ristretto255-SHA512.
 *
 * Layers, bottom up:
 *  - RFC 9497 OPRF (mode 0) and the VOPRF DLEQ proof (mode 1);
 *  - RFC 9807 OPAQUE-3DH: registration, login, fake records, key stretching;
 *  - the threshold mode (docs/TPAKE.md): a per-user OPRF key Shamir-shared
 *    t-of-n by the client with Feldman commitments, partial evaluations
 *    k_i*B with a context-bound DLEQ proof, and one 3DH per server with one
 *    shared envelope nonce (one export key, a session key per server).
 *    With t = n = 1 every message is RFC 9807 byte for byte.
 *
 * The library is pure: no I/O, no clock, no threads, no global state.
 * Randomness comes from lk_random (libsodium); every randomized function
 * also takes an optional struct of explicit random values (NULL in
 * production) so test vectors and other implementations can be reproduced.
 *
 * Conventions: functions return 0 or a TPAKE_E* code (block 300..399).
 * A failed call writes no partial output (outputs are zeroed) and leaves any
 * state struct it was given unchanged, unless the function says otherwise.
 * Byte views (struct tpake_bytes) are borrowed for the duration of a call
 * only. Secrets live in struct types; wipe them with the _clear functions or
 * lk_wipe. The library requires lk_init() (sodium_init) to have run. */
#ifndef TPAKE_H
#define TPAKE_H

#include <stddef.h>
#include <stdint.h>

/* Sizes (RFC 9807 section 7 notation in brackets). */
#define TPAKE_ELEMENT_BYTES      32 /* Noe, Npk */
#define TPAKE_SCALAR_BYTES       32 /* Nok, Nsk */
#define TPAKE_NONCE_BYTES        32 /* Nn */
#define TPAKE_SEED_BYTES         32 /* Nseed */
#define TPAKE_HASH_BYTES         64 /* Nh, Nx, Nm */
#define TPAKE_OPRF_SEED_BYTES    64 /* a server's oprf_seed / fake seed */
#define TPAKE_OPRF_OUTPUT_BYTES  64
#define TPAKE_ENVELOPE_BYTES     96 /* nonce || auth_tag */
#define TPAKE_RECORD_BYTES       192 /* pkC || masking_key || envelope */
#define TPAKE_REG_REQUEST_BYTES  32
#define TPAKE_REG_RESPONSE_BYTES 64
#define TPAKE_KE1_BYTES          96
#define TPAKE_KE2_BYTES          320
#define TPAKE_KE3_BYTES          64
#define TPAKE_SESSION_KEY_BYTES  64
#define TPAKE_EXPORT_KEY_BYTES   64
#define TPAKE_PROOF_BYTES        64 /* c || s, scalars little-endian */
#define TPAKE_ATTEMPT_ID_BYTES   32
#define TPAKE_COMMIT_HASH_BYTES  64

/* Limits. Server indices are 1..n with n <= TPAKE_MAX_SERVERS. */
#define TPAKE_MAX_SERVERS  16
#define TPAKE_MAX_PASSWORD 1024
#define TPAKE_MAX_IDENTITY 65535 /* identities, user ids and context: l2 */

/* Threshold extension that travels beside KE2 when n > 1:
 * proof[64] || commitment C_0 .. C_{t-1} (32 bytes each). */
#define TPAKE_EXT_BYTES(t) (TPAKE_PROOF_BYTES + (size_t) (t) *32)
/* Registration upload for one server (see tpake_client_register_deal):
 * "TPU1" || t || n || index || share[32] || C_0..C_{t-1} || record[192]. */
#define TPAKE_UPLOAD_BYTES(t) (7 + 32 + (size_t) (t) *32 + TPAKE_RECORD_BYTES)
/* Stored per-user server state (tpake_user_encode): same layout, tag
 * "TPS1". */
#define TPAKE_USER_BYTES(t)  TPAKE_UPLOAD_BYTES(t)
#define TPAKE_USER_MAX_BYTES TPAKE_USER_BYTES(TPAKE_MAX_SERVERS)

/* Error codes (block 300..399 of lk_err.h). Stable: never renumbered. */
enum tpake_err {
	TPAKE_EINVAL = 300, /* invalid argument: NULL, bad t/n/index, size */
	TPAKE_EDECODE = 301, /* malformed encoding: length, tag, trailing */
	TPAKE_EPOINT = 302, /* not a canonical ristretto255 element, or the
	                       identity */
	TPAKE_ESCALAR = 303, /* scalar not canonical (>= group order) or zero */
	TPAKE_EAUTH = 304, /* authentication failed: wrong password, unknown
	                      user, bad KE3 (the uniform failure) */
	TPAKE_EPROOF = 305, /* a DLEQ proof does not verify */
	TPAKE_ESHARE = 306, /* a key share does not match its commitments */
	TPAKE_EPEER = 307, /* servers misbehaved: see the blame report */
	TPAKE_EQUORUM = 308, /* fewer than t usable answers, or no t answers
	                        agree on the commitments */
	TPAKE_ESTATE = 309, /* state used out of order */
	TPAKE_EKSF = 310, /* key stretching failed (memory or parameters) */
	TPAKE_ETOOBIG = 311, /* password/identity/context over its limit, or
	                        output buffer too small */
	TPAKE_ECOMMIT = 312, /* blame: commitments differ from the agreed set */
	TPAKE_EENVELOPE = 313, /* blame: envelope did not open while others
	                          did */
	TPAKE_EMAC
	= 314, /* blame: server MAC wrong after the envelope opened */
	TPAKE_EDERIVE = 315, /* DeriveKeyPair/HashToGroup gave an unusable
	                        value (RFC 9497 DeriveKeyPairError /
	                        InvalidInputError) */
	TPAKE_EREPLAY = 316 /* password change repeats the current record */
};

/* Returns a static string for a TPAKE_E* code ("unknown error" otherwise). */
const char *tpake_strerror(int code);

/* Value types. A scalar is 32 bytes little-endian, canonical (< L); an
 * element is a canonical ristretto255 encoding. Scalars are secret unless
 * documented otherwise. */
struct tpake_scalar {
	uint8_t b[TPAKE_SCALAR_BYTES];
};
struct tpake_element {
	uint8_t b[TPAKE_ELEMENT_BYTES];
};

/* A borrowed byte string. p == NULL means "absent" (an identity then
 * defaults to the public key, per RFC 9807); p != NULL with len 0 is the
 * empty string. */
struct tpake_bytes {
	const uint8_t *p;
	size_t len;
};

/* ---------------------------------------------------------------------
 * RFC 9497 OPRF, ristretto255-SHA512
 * ------------------------------------------------------------------- */

enum tpake_oprf_mode { TPAKE_MODE_OPRF = 0, TPAKE_MODE_VOPRF = 1 };

/* DeriveKeyPair(seed, info) of RFC 9497 section 3.2.1 under mode's
 * context string.
 * Returns: 0, TPAKE_ETOOBIG (info over 65535), TPAKE_EDERIVE.
 * Out:  sk, pk (pk may be NULL).
 * In:   mode, seed (32 bytes), info/infolen. */
int tpake_oprf_derive_key_pair(struct tpake_scalar *sk,
    struct tpake_element *pk, enum tpake_oprf_mode mode,
    const uint8_t seed[static TPAKE_SEED_BYTES], const uint8_t *info,
    size_t infolen);

/* Blind(input): blinded = r * HashToGroup(input).
 * Returns: 0, TPAKE_ESCALAR (given blind zero or non-canonical),
 *          TPAKE_EDERIVE (input hashes to the identity).
 * Out:  blind (r), blinded.
 * In:   mode, input/inputlen, fixed_blind (NULL: random). */
int tpake_oprf_blind(struct tpake_scalar *blind, struct tpake_element *blinded,
    enum tpake_oprf_mode mode, const uint8_t *input, size_t inputlen,
    const struct tpake_scalar *fixed_blind);

/* Evaluate: evaluated = sk * blinded.
 * Returns: 0, TPAKE_ESCALAR (sk zero/non-canonical), TPAKE_EPOINT.
 * Out:  evaluated.
 * In:   sk (secret), blinded (validated: canonical, not the identity). */
int tpake_oprf_evaluate(struct tpake_element *evaluated,
    const struct tpake_scalar *sk, const struct tpake_element *blinded);

/* Finalize: SHA512(l2(input) || l2(r^-1 * evaluated) || "Finalize").
 * Returns: 0, TPAKE_ESCALAR, TPAKE_EPOINT, TPAKE_ETOOBIG.
 * Out:  out (64-byte OPRF output, secret).
 * In:   input/inputlen, blind (from tpake_oprf_blind), evaluated. */
int tpake_oprf_finalize(uint8_t out[static TPAKE_OPRF_OUTPUT_BYTES],
    const uint8_t *input, size_t inputlen, const struct tpake_scalar *blind,
    const struct tpake_element *evaluated);

/* RFC 9497 VOPRF GenerateProof over m (blinded, evaluated) pairs, with
 * A = G and B = pk (mode 1 context string, composite batching).
 * Returns: 0, TPAKE_EINVAL (m == 0), TPAKE_ESCALAR, TPAKE_EPOINT.
 * Out:  proof (c || s).
 * In:   sk, pk, blinded[m], evaluated[m], fixed_r (NULL: random). */
int tpake_voprf_prove(uint8_t proof[static TPAKE_PROOF_BYTES],
    const struct tpake_scalar *sk, const struct tpake_element *pk,
    const struct tpake_element *blinded, const struct tpake_element *evaluated,
    size_t m, const struct tpake_scalar *fixed_r);

/* RFC 9497 VerifyProof (variable time: public inputs only).
 * Returns: 0 when valid, TPAKE_EPROOF otherwise, TPAKE_EPOINT or
 *          TPAKE_ESCALAR for malformed inputs, TPAKE_EINVAL (m == 0).
 * In:   pk, blinded[m], evaluated[m], proof (c || s). */
int tpake_voprf_verify(const struct tpake_element *pk,
    const struct tpake_element *blinded, const struct tpake_element *evaluated,
    size_t m, const uint8_t proof[static TPAKE_PROOF_BYTES]);

/* ---------------------------------------------------------------------
 * Key stretching
 * ------------------------------------------------------------------- */

/* 0 is no algorithm: a zero-initialized struct tpake_ksf (a params struct
 * cleared with memset and no KSF chosen) is refused with TPAKE_EKSF rather
 * than silently meaning "no key stretching". */
enum tpake_ksf_alg {
	TPAKE_KSF_ARGON2ID = 1, /* crypto_pwhash Argon2id v1.3, p = 1 */
	TPAKE_KSF_IDENTITY = 2 /* Stretch(y) = y: RFC vectors only */
};

/* Argon2id: 16 zero bytes of salt, 64-byte output; opslimit >= 1 and
 * memlimit >= 8192 bytes. @serenity-kit/opaque's argon2id-custom
 * {iterations: I, memory: M KiB, parallelism: 1} equals {I, M * 1024}. */
struct tpake_ksf {
	enum tpake_ksf_alg alg;
	uint64_t opslimit;
	size_t memlimit; /* bytes */
};

/* The account default (DESIGN.md 4.2): Argon2id, 3 passes, 64 MiB. */
#define TPAKE_KSF_DEFAULT \
	((struct tpake_ksf) { TPAKE_KSF_ARGON2ID, 3, (size_t) 64 << 20 })

/* ---------------------------------------------------------------------
 * Server keys, users and records
 * ------------------------------------------------------------------- */

/* A server's static AKE key pair (skS_i, pkS_i). */
struct tpake_server_key {
	struct tpake_scalar sk;
	struct tpake_element pk;
};

/* Generates a random AKE key pair, or derives it from seed (RFC 9807
 * DeriveDiffieHellmanKeyPair) when seed != NULL.
 * Returns: 0, TPAKE_EDERIVE.
 * Out:  key (wipe with lk_wipe when done).
 * In:   seed (32 bytes) or NULL. */
int tpake_server_key_generate(
    struct tpake_server_key *key, const uint8_t *seed /* 32 or NULL */);

/* Checks that key->pk == key->sk * G and sk is canonical and non-zero
 * (use after loading a key).
 * Returns: 0, TPAKE_ESCALAR, TPAKE_EPOINT.
 * In:   key. */
int tpake_server_key_check(const struct tpake_server_key *key);

/* What server `index` stores per user. For n = 1 (RFC mode) `share` is the
 * user's OPRF key and commit[] is unused (t = 1, no commitments travel).
 * For n > 1 `share` is k_i = f(index) and commit[0..t-1] the Feldman
 * commitments C_j = a_j * G of the dealt polynomial f. `record` is this
 * server's RFC RegistrationRecord: pkC || masking_key_i || envelope_i. */
struct tpake_user {
	uint8_t t, n, index;
	struct tpake_scalar share;
	struct tpake_element commit[TPAKE_MAX_SERVERS];
	uint8_t record[TPAKE_RECORD_BYTES];
};

/* RFC 9807 per-user OPRF key: DeriveKeyPair(Expand(oprf_seed,
 * user_id || "OprfKey", 32), "OPAQUE-DeriveKeyPair").sk.
 * Returns: 0, TPAKE_ETOOBIG, TPAKE_EDERIVE.
 * Out:  oprf_key (secret).
 * In:   oprf_seed (the server's secret), user_id (credential identifier). */
int tpake_oprf_key_from_seed(struct tpake_scalar *oprf_key,
    const uint8_t oprf_seed[static TPAKE_OPRF_SEED_BYTES],
    struct tpake_bytes user_id);

/* Builds an RFC-mode (t = n = 1) user from its OPRF key and the record the
 * client uploaded (RFC RegistrationRecord). Validates pkC.
 * Returns: 0, TPAKE_EPOINT, TPAKE_ESCALAR.
 * Out:  user (to store; secret: holds the OPRF key).
 * In:   oprf_key, record (192 bytes). */
int tpake_user_from_record(struct tpake_user *user,
    const struct tpake_scalar *oprf_key,
    const uint8_t record[static TPAKE_RECORD_BYTES]);

/* Derives server `index`'s stable fake user for an unknown user_id from a
 * secret seed (DESIGN.md 4.2: user_seed -> oprf_seed), so that unknown and
 * real users get answers of the same form and size.
 *  - n = 1: the RFC 9807 construction: share = tpake_oprf_key_from_seed(),
 *    record = fake pkC || fake masking_key || 96 zero bytes, where pkC is
 *    hashed to the group: no one, not even the seed's holders, knows its
 *    private key, so no KE3 verifies for an unknown user;
 *  - n > 1: a fake polynomial whose coefficients depend on (seed, user_id,
 *    t) but not on the index: servers that hold the same seed give fake
 *    answers that are mutually consistent, as real ones are (see
 *    docs/TPAKE.md, "Unknown users", for why the cluster should share it).
 * Derive once and store like a real record (RFC 9807 section 10.9), so the
 * fake path costs no extra time.
 * Returns: 0, TPAKE_EINVAL, TPAKE_ETOOBIG, TPAKE_EDERIVE. */
int tpake_user_fake(struct tpake_user *user,
    const uint8_t seed[static TPAKE_OPRF_SEED_BYTES],
    struct tpake_bytes user_id, uint8_t index, uint8_t t, uint8_t n);

/* Strict codec for the stored user: TPAKE_USER_BYTES(t) bytes, "TPS1" ||
 * t || n || index || share || C_0..C_{t-1} || record.
 * Returns: 0, TPAKE_ETOOBIG (encode), TPAKE_EDECODE, TPAKE_EPOINT,
 *          TPAKE_ESCALAR (decode: every element and scalar validated).
 * encode Out: out/outlen (capacity in, size written out).  In: user.
 * decode Out: user (untouched on failure).  In: in/len (exact length, no
 *        trailing bytes). */
int tpake_user_encode(
    uint8_t *out, size_t *outlen, const struct tpake_user *user);
int tpake_user_decode(struct tpake_user *user, const uint8_t *in, size_t len);

/* Wipes a user (it holds the secret share). */
void tpake_user_clear(struct tpake_user *user);

/* Hash of a commitment vector, which every server of a user stores and the
 * servers agree on through consensus:
 * transcript "TPAKE-v1/commit/ristretto255" over t, n and C_0..C_{t-1}.
 * Out:  out (64 bytes).
 * In:   commit[t], t, n. */
void tpake_commit_hash(uint8_t out[static TPAKE_COMMIT_HASH_BYTES],
    const struct tpake_element *commit, uint8_t t, uint8_t n);

/* ---------------------------------------------------------------------
 * Registration, RFC mode (n = 1): request -> response -> record
 * ------------------------------------------------------------------- */

struct tpake_client_reg {
	int phase;
	struct tpake_scalar blind;
	size_t pwlen;
	uint8_t pw[TPAKE_MAX_PASSWORD];
};

/* CreateRegistrationRequest.
 * Returns: 0, TPAKE_ETOOBIG (password), TPAKE_ESCALAR, TPAKE_EDERIVE.
 * Out:  st (started), request (blinded element).
 * In:   pw/pwlen, fixed_blind (NULL: random). */
int tpake_client_register_start(struct tpake_client_reg *st,
    uint8_t request[static TPAKE_REG_REQUEST_BYTES], const uint8_t *pw,
    size_t pwlen, const struct tpake_scalar *fixed_blind);

/* CreateRegistrationResponse: evaluated || pkS.
 * Returns: 0, TPAKE_EPOINT (request invalid or identity), TPAKE_ESCALAR.
 * Out:  response (64 bytes).
 * In:   oprf_key (tpake_oprf_key_from_seed), server_pk, request. */
int tpake_server_register_respond(
    uint8_t response[static TPAKE_REG_RESPONSE_BYTES],
    const struct tpake_scalar *oprf_key, const struct tpake_element *server_pk,
    const uint8_t request[static TPAKE_REG_REQUEST_BYTES]);

/* FinalizeRegistrationRequest. Consumes st on success.
 * Returns: 0, TPAKE_ESTATE, TPAKE_EPOINT, TPAKE_EKSF, TPAKE_ETOOBIG.
 * Out:  record (RegistrationRecord), export_key, server_pk (may be NULL:
 *       the pkS the response carried).
 * In:   response, client_id/server_id (absent: public keys), ksf,
 *       fixed_nonce (envelope nonce, NULL: random). */
int tpake_client_register_finish(struct tpake_client_reg *st,
    uint8_t record[static TPAKE_RECORD_BYTES],
    uint8_t export_key[static TPAKE_EXPORT_KEY_BYTES],
    struct tpake_element *server_pk,
    const uint8_t response[static TPAKE_REG_RESPONSE_BYTES],
    struct tpake_bytes client_id, struct tpake_bytes server_id,
    const struct tpake_ksf *ksf, const uint8_t *fixed_nonce);

void tpake_client_reg_clear(struct tpake_client_reg *st);

/* ---------------------------------------------------------------------
 * Registration and password change, threshold mode (client-dealt)
 * ------------------------------------------------------------------- */

struct tpake_deal_params {
	uint8_t t, n;
	const struct tpake_element *server_pk; /* n keys, index i at [i-1] */
	struct tpake_bytes client_id;
	struct tpake_bytes server_id[TPAKE_MAX_SERVERS]; /* [i-1] */
	struct tpake_ksf ksf;
};

/* Explicit randomness for tests: coeff[0] is the OPRF key k, coeff[1..t-1]
 * the other coefficients; all must be non-zero. */
struct tpake_deal_rand {
	struct tpake_scalar coeff[TPAKE_MAX_SERVERS];
	uint8_t envelope_nonce[TPAKE_NONCE_BYTES];
};

/* The client picks a random OPRF key k and a degree t-1 polynomial f with
 * f(0) = k, computes rwd from F_k(password) directly, and builds for every
 * server i: share f(i), the commitments C_j, and record_i (one envelope
 * nonce for all, per-server pkS_i, masking key and envelope). k and f are
 * wiped before return. Password change is the same call with the new
 * password (the servers then run tpake_server_password_change).
 * Returns: 0, TPAKE_EINVAL, TPAKE_ETOOBIG, TPAKE_EPOINT (a server key),
 *          TPAKE_ESCALAR (a zero fixed coefficient or share), TPAKE_EKSF.
 * Out:  uploads: n uploads of TPAKE_UPLOAD_BYTES(t), server i's at offset
 *       (i-1) * TPAKE_UPLOAD_BYTES(t); to be sealed to server i;
 *       export_key; commit_hash (may be NULL).
 * In:   p, pw/pwlen, rnd (NULL: random). */
int tpake_client_register_deal(uint8_t *uploads, size_t uploads_len,
    uint8_t export_key[static TPAKE_EXPORT_KEY_BYTES], uint8_t *commit_hash,
    const struct tpake_deal_params *p, const uint8_t *pw, size_t pwlen,
    const struct tpake_deal_rand *rnd);

/* Server i checks its upload: header (t, n, index), share canonical and
 * non-zero, every commitment and pkC valid, and the Feldman equation
 * share * G == sum_j index^j * C_j.
 * Returns: 0, TPAKE_EDECODE, TPAKE_EPOINT, TPAKE_ESCALAR, TPAKE_ESHARE.
 * Out:  user (to store), commit_hash (may be NULL: for consensus).
 * In:   upload/len, the expected index, t and n. */
int tpake_server_register_accept(struct tpake_user *user, uint8_t *commit_hash,
    const uint8_t *upload, size_t len, uint8_t index, uint8_t t, uint8_t n);

/* Password change on server i: accepts `upload` like _register_accept and
 * also requires it to belong to the same (t, n, index) as `old` and to
 * differ from it (a fresh key and record). The caller stores `user` in
 * place of `old`; the old share and record then stop working.
 * Returns: as _register_accept, plus TPAKE_EINVAL, TPAKE_EREPLAY. */
int tpake_server_password_change(struct tpake_user *user, uint8_t *commit_hash,
    const struct tpake_user *old, const uint8_t *upload, size_t len);

/* ---------------------------------------------------------------------
 * Login
 * ------------------------------------------------------------------- */

/* attempt_id = H(user, KE1): transcript "TPAKE-v1/attempt" over user_id and
 * KE1, truncated to 32 bytes. Servers count guesses per attempt_id; the
 * threshold DLEQ proofs are bound to it.
 * Out:  out (32 bytes).
 * In:   user_id (credential identifier), ke1. */
void tpake_attempt_id(uint8_t out[static TPAKE_ATTEMPT_ID_BYTES],
    struct tpake_bytes user_id, const uint8_t ke1[static TPAKE_KE1_BYTES]);

/* Client randomness for one login (tests and vectors). */
struct tpake_client_rand {
	struct tpake_scalar blind;
	uint8_t nonce[TPAKE_NONCE_BYTES];
	uint8_t keyshare_seed[TPAKE_SEED_BYTES];
};

struct tpake_client_login {
	int phase;
	struct tpake_scalar blind;
	struct tpake_scalar esk;
	uint8_t ke1[TPAKE_KE1_BYTES];
	size_t pwlen;
	uint8_t pw[TPAKE_MAX_PASSWORD];
};

/* Starts a login: KE1 = blinded || client_nonce || client_keyshare. The
 * same KE1 goes to every server.
 * Returns: 0, TPAKE_ETOOBIG, TPAKE_ESCALAR, TPAKE_EDERIVE. */
int tpake_client_login_start(struct tpake_client_login *st,
    uint8_t ke1[static TPAKE_KE1_BYTES], const uint8_t *pw, size_t pwlen,
    const struct tpake_client_rand *rnd);

/* Server randomness for one login (tests and vectors). */
struct tpake_server_rand {
	uint8_t masking_nonce[TPAKE_NONCE_BYTES];
	uint8_t server_nonce[TPAKE_NONCE_BYTES];
	uint8_t keyshare_seed[TPAKE_SEED_BYTES];
	uint8_t proof_nonce[32]; /* hedges the DLEQ nonce (n > 1) */
};

/* Identities and context of one side of a login (absent identities default
 * to the public keys, RFC 9807 section 4.1). */
struct tpake_idents {
	struct tpake_bytes client_id;
	struct tpake_bytes server_id;
	struct tpake_bytes context;
};

/* Server state between KE2 and KE3 (it may be kept by the daemon). */
struct tpake_server_login {
	int phase;
	uint8_t expected_mac[TPAKE_HASH_BYTES];
	uint8_t session_key[TPAKE_SESSION_KEY_BYTES];
};

/* Server answers KE1 for `user` (real or fake alike): KE2 whose
 * evaluated_message is share * B, and for n > 1 the extension: a DLEQ proof
 * that log_G(pk_i) = log_B(Z_i) bound to (attempt_id, t, n, index,
 * commitment hash), followed by the commitments.
 * Returns: 0, TPAKE_EINVAL, TPAKE_EPOINT (blinded or keyshare invalid or
 *          identity), TPAKE_ETOOBIG (ext buffer, identity or context).
 * Out:  st (started), ke2, ext/ext_len (capacity in, written out; 0 bytes
 *       when n = 1, ext may then be NULL).
 * In:   key (this server's AKE key), user, user_id (credential
 *       identifier; required when n > 1), ke1, ids, rnd (NULL: random). */
int tpake_server_login_start(struct tpake_server_login *st,
    uint8_t ke2[static TPAKE_KE2_BYTES], uint8_t *ext, size_t *ext_len,
    const struct tpake_server_key *key, const struct tpake_user *user,
    struct tpake_bytes user_id, const uint8_t ke1[static TPAKE_KE1_BYTES],
    const struct tpake_idents *ids, const struct tpake_server_rand *rnd);

/* Checks KE3 in constant time. Consumes st whatever the outcome (one KE3
 * per KE2).
 * Returns: 0, TPAKE_ESTATE, TPAKE_EAUTH.
 * Args: st (started by tpake_server_login_start; wiped on return).
 * Out:  session_key (zeroed on failure).
 * In:   ke3. */
int tpake_server_login_finish(struct tpake_server_login *st,
    uint8_t session_key[static TPAKE_SESSION_KEY_BYTES],
    const uint8_t ke3[static TPAKE_KE3_BYTES]);

void tpake_server_login_clear(struct tpake_server_login *st);

/* One server's answer as the client received it. */
struct tpake_reply {
	uint8_t index; /* 1..n */
	const uint8_t *ke2; /* TPAKE_KE2_BYTES */
	const uint8_t *ext; /* TPAKE_EXT_BYTES(t) when n > 1, else NULL */
	size_t ext_len;
	struct tpake_bytes server_id; /* absent: pkS_i */
};

struct tpake_login_params {
	uint8_t t, n;
	struct tpake_bytes
	    user_id; /* credential identifier (n > 1: required) */
	struct tpake_bytes client_id; /* absent: pkC */
	struct tpake_bytes context;
	struct tpake_ksf ksf;
	/* The servers' pinned static keys pkS_i (n keys, index i at [i-1]),
	 * or NULL. With pins an envelope naming another key does not open,
	 * and servers whose envelope or MAC fails are named (TPAKE_EPEER)
	 * once t other answers have authenticated; without pins every
	 * failure after the OPRF step is TPAKE_EAUTH (see
	 * tpake_client_login_finish). */
	const struct tpake_element *server_pk;
};

/* Per-server outcome: a session key and KE3 for every answering server. */
struct tpake_client_result {
	size_t count;
	uint8_t index[TPAKE_MAX_SERVERS];
	uint8_t session_key[TPAKE_MAX_SERVERS][TPAKE_SESSION_KEY_BYTES];
	uint8_t ke3[TPAKE_MAX_SERVERS][TPAKE_KE3_BYTES];
	struct tpake_element server_pk[TPAKE_MAX_SERVERS];
	struct tpake_element client_pk;
	uint8_t export_key[TPAKE_EXPORT_KEY_BYTES];
};

/* Who misbehaved: server indices with a TPAKE_E* reason each. */
struct tpake_blame {
	size_t count;
	uint8_t index[TPAKE_MAX_SERVERS];
	int reason[TPAKE_MAX_SERVERS];
};

/* Finishes a login with m >= t answers (any order, distinct indices).
 * n > 1: the commitments of at least t answers must agree; every proof is
 * checked against pk_i = sum_j i^j C_j; t verified partials are combined
 * by Lagrange interpolation; every answer's envelope is opened and its 3DH
 * run. Fails closed: any misbehaving server makes the whole call fail.
 * Faults found before the password is used (extension, keyshare, partial,
 * proof, commitments) give TPAKE_EPEER and are named in blame. A failed
 * envelope or MAC is named only with pinned keys (p->server_pk) and once t
 * other answers have passed their MAC: until then it cannot be told from a
 * wrong password under an attacker's own sharing, and naming it would
 * reveal which of its envelopes (password guesses) opened; it is then
 * TPAKE_EAUTH like a wrong password (so ask more than t servers to be able
 * to name a bad envelope). With t = n = 1 this is RFC 9807
 * RecoverCredentials + AuthClientFinalize.
 * On success st is consumed; on failure st is unchanged, so the caller may
 * retry with another set of answers (e.g. without a blamed server).
 * Returns: 0; TPAKE_EAUTH (wrong password, unknown user, or an envelope
 *          or MAC failure that cannot be attributed); TPAKE_EPEER (see
 *          blame); TPAKE_EQUORUM; TPAKE_ESTATE; TPAKE_EINVAL (bad params,
 *          duplicate or out-of-range index, m < t); TPAKE_EPOINT (a
 *          pinned key is invalid); TPAKE_EKSF; TPAKE_ETOOBIG.
 * Out:  res (zeroed on failure), blame (may be NULL; count 0 unless
 *       TPAKE_EPEER or TPAKE_EQUORUM).
 * In:   p, replies[m]. */
int tpake_client_login_finish(struct tpake_client_login *st,
    struct tpake_client_result *res, struct tpake_blame *blame,
    const struct tpake_login_params *p, const struct tpake_reply *replies,
    size_t m);

void tpake_client_login_clear(struct tpake_client_login *st);
void tpake_client_result_clear(struct tpake_client_result *res);

#endif
