/* mpc/: foundations of the CGGMP21 threshold-ECDSA layer.
 *
 * Umbrella header: error codes, the library context, blame reports and the
 * one compile-time security level. The building blocks live in
 *   mpc_group.h     secp256k1 scalars and points
 *   mpc_bn.h        big integers on GMP: sampling, safe primes, prime pool
 *   mpc_paillier.h  Paillier keys and ring-Pedersen parameters
 *   mpc_zk.h        the zero-knowledge proofs and their wire encodings
 *
 * The library is pure: no I/O, no threads, no clock. Randomness comes from
 * lk_random (libsodium). Functions return 0 or an MPC_E* code (block
 * 200..299); a proof or parameter that a peer got wrong is reported with
 * MPC_EPROOF/MPC_EPARAMS plus a struct mpc_blame naming the party and the
 * failed check. */
#ifndef MPC_H
#define MPC_H

#include <stddef.h>
#include <stdint.h>

/* ------------------------------------------------------------------ */
/* Security level (docs/MPC.md §1). One set, fixed at compile time:
 * there is deliberately no run-time knob. Values follow the Lockness/dfns
 * SecurityLevel128 (notes/tecdsa.md §1.1): kappa = 384, N of 3072 bits from
 * two 1536-bit safe primes, Q = 2^128 challenges, m = 128 repetitions. */
#define MPC_PAILLIER_BITS 3072 /* own N = p*q, both primes safe */
#define MPC_PRIME_BITS    1536 /* each factor */
#define MPC_N_MIN_BITS    3071 /* a peer's N must have 3071..3072 bits */
#define MPC_N_MAX_BITS    3072
#define MPC_ELL           256 /* ell: plaintexts in +-2^ell (>= log q) */
#define MPC_ELL_PRIME     848 /* ell': MtA masks in +-2^ell' */
#define MPC_EPS           230 /* epsilon: slack, >= 2 + s + log Q */
#define MPC_CHAL_BITS     128 /* log Q: challenges e in [0, 2^128) */
#define MPC_M_PRM         128 /* Pi^prm repetitions (binary challenges) */
#define MPC_M_MOD         128 /* Pi^mod repetitions */
/* Wide plaintext bound for Pi^log* on chi_i (identifiable abort of the
 * sign phase; docs/MPC.md §5.8): |chi_i| < 2^(ell' + eps + 8). */
#define MPC_ELL_WIDE (MPC_ELL_PRIME + MPC_EPS + 8)

struct mpc_seclevel {
	uint32_t paillier_bits, n_min_bits, n_max_bits;
	uint32_t ell, ell_prime, eps, chal_bits, m_prm, m_mod, ell_wide;
};
/* The compiled-in level (constant data; bound into every transcript). */
extern const struct mpc_seclevel mpc_seclevel_default;

/* ------------------------------------------------------------------ */
/* Errors: block 200..299 of common/include/lk_err.h. Stable numbers. */
enum mpc_err {
	MPC_OK = 0,
	MPC_EINVAL = 200, /* invalid argument (programmer error) */
	MPC_ENOMEM = 201, /* allocation failed */
	MPC_EDECODE = 202, /* malformed encoding */
	MPC_ERANGE = 203, /* integer outside its allowed range */
	MPC_EPOINT = 204, /* point not on the curve or identity */
	MPC_ESCALAR = 205, /* scalar >= q, or zero where not allowed */
	MPC_ENOTUNIT = 206, /* value not in Z*_N (gcd(x, N) != 1) */
	MPC_EMODULUS = 207, /* modulus rejected (size, parity, primality) */
	MPC_EPROOF = 208, /* a zero-knowledge proof did not verify */
	MPC_ECOUNT = 209, /* wrong number of items */
	MPC_EPRIME = 210, /* prime generation failed or was cancelled */
	MPC_EEMPTY = 211, /* prime pool empty */
	MPC_ECRYPTO = 212, /* an underlying library (OpenSSL, secp256k1) */
	MPC_EPARAMS = 213, /* ring-Pedersen or Paillier parameters invalid */
	MPC_ESPACE = 214, /* output buffer too small */
	MPC_EMISMATCH = 215, /* key/parameter objects do not belong together */
	MPC_EFULL = 216, /* prime pool full */
	MPC_EABORT = 217, /* protocol failed: see the blame */
	MPC_EDUP = 218, /* duplicate message (ignored) */
	MPC_EAUTH = 219, /* message signature invalid (ignored, no blame) */
	MPC_ESESSION = 220, /* message of another session or receiver */
	MPC_ESTATE = 221, /* call not valid in the object's state */
	MPC_EUSED = 222, /* presignature already consumed */
	MPC_EEPOCH = 223, /* another key or an old epoch (refreshed away) */
	MPC_ESIG = 224, /* ECDSA signature does not verify */
	MPC_EDERIVE = 225, /* BIP32: hardened index or invalid child */
	MPC_ERECON = 226 /* export: shares do not reconstruct the key */
};

/* mpc_strerror: a static string for any MPC_E* code; codes of other blocks
 * give "unknown error". */
const char *mpc_strerror(int code);

/* ------------------------------------------------------------------ */
/* Blame. A peer-caused failure returns a code and fills this report. */
enum mpc_blame_reason {
	MPC_BLAME_NONE = 0,
	MPC_BLAME_ZK_SCH = 1,
	MPC_BLAME_ZK_PRM = 2,
	MPC_BLAME_ZK_MOD = 3,
	MPC_BLAME_ZK_FAC = 4,
	MPC_BLAME_ZK_ENC = 5,
	MPC_BLAME_ZK_AFFG = 6,
	MPC_BLAME_ZK_LOGSTAR = 7,
	MPC_BLAME_ZK_MULSTAR = 8,
	MPC_BLAME_PAILLIER = 9, /* Paillier modulus rejected */
	MPC_BLAME_RPED = 10, /* ring-Pedersen parameters rejected */
	/* protocol-level reasons (mpc_proto.h; docs/MPC.md §10) */
	MPC_BLAME_DECODE = 11, /* malformed signed message */
	MPC_BLAME_ENVELOPE = 12, /* header inconsistent: version, kind,
	                            round, sender, signer set */
	MPC_BLAME_EQUIVOCATION = 13, /* two signed versions of one message */
	MPC_BLAME_ECHO = 14, /* echo entry without a valid signature */
	MPC_BLAME_COMMIT = 15, /* decommitment does not open the commitment */
	MPC_BLAME_FELDMAN = 16, /* share does not match the commitments */
	MPC_BLAME_VALUE = 17, /* value outside its domain (identity point,
	                         non-unit ciphertext, refresh constant != 0) */
	MPC_BLAME_OPENING = 18, /* revealed opening does not match */
	MPC_BLAME_DELTA = 19, /* delta_i inconsistent with its openings */
	MPC_BLAME_PARTIAL = 20, /* partial signature fails its check */
	MPC_BLAME_PRESIG_ID = 21, /* partial of another presignature */
	MPC_BLAME_COMPLAINT = 22, /* a complaint that does not hold */
	MPC_BLAME_DEALER = 23, /* import: the dealer's data is bad */
	MPC_BLAME_INCONSISTENT = 24, /* no culprit found (party NONE) */
	MPC_BLAME_DUPLICATE = 25 /* two parties share a modulus */
};

/* Which check of a proof failed (struct mpc_blame.check). */
enum mpc_check {
	MPC_CHECK_NONE = 0,
	MPC_CHECK_INPUT = 1, /* statement or proof value out of its domain */
	MPC_CHECK_EQ1 = 11, /* first verification equation, EQ2 = 12 ... */
	MPC_CHECK_RANGE1 = 21 /* first range check, RANGE2 = 22 ... */
};

struct mpc_blame {
	uint32_t party; /* index of the party at fault */
	uint16_t reason; /* enum mpc_blame_reason */
	uint16_t check; /* enum mpc_check (+k for the k-th equation/range) */
};

/* ------------------------------------------------------------------ */
/* Library context: a randomized libsecp256k1 context. Create one per
 * thread (it is not shared-writable); it holds no secrets. */
struct mpc_ctx;

/* mpc_init installs GMP memory functions that wipe every block before it is
 * freed or moved (mp_set_memory_functions, process-wide). Idempotent; called
 * by mpc_ctx_new. Programs that use GMP elsewhere inherit the wiping. */
void mpc_init(void);

/* mpc_accel_set chooses the exponentiation engine for moduli set up
 * afterwards: on (the default) uses AVX-512 IFMA when the CPU has it,
 * off uses OpenSSL's Montgomery code everywhere. Both give the same
 * results; tests and benchmarks compare them. Process-wide: call it before
 * any key or parameter object exists. */
void mpc_accel_set(int on);
/* mpc_accel_active: 1 if new moduli get the IFMA engine. */
int mpc_accel_active(void);

/* mpc_ctx_new creates a context.
 * Returns: 0, MPC_ENOMEM or MPC_ECRYPTO.
 * Out:     *out: the context; free with mpc_ctx_free. */
int mpc_ctx_new(struct mpc_ctx **out);
/* mpc_ctx_free frees a context (NULL is a no-op). */
void mpc_ctx_free(struct mpc_ctx *ctx);

/* Programmer errors (NULL where not allowed, impossible sizes) make a
 * call return MPC_EINVAL without touching its outputs' meaning; the library
 * keeps no global handler (no global state besides mpc_init's allocator and
 * mpc_accel_set's switch). */

#include "mpc_bn.h"
#include "mpc_group.h"
#include "mpc_paillier.h"
#include "mpc_proto.h"
#include "mpc_zk.h"

#endif
