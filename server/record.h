/* Encrypted storage records (docs/CLUSTER.md section 6).
 *
 * Layout of a stored record, all big-endian:
 *
 *   "LKR1" | version u64 | wrap nonce [24] | wrapped record key [32 + 16]
 *          | body nonce [24] | body ciphertext [len + 16]
 *
 *   wrapped key = XChaCha20-Poly1305(storage key, wrap nonce,
 *                     ad = "lk-wrap-v1" || l2(identity) || version, rk)
 *   body        = XChaCha20-Poly1305(rk, body nonce,
 *                     ad = "lk-rec-v1" || l2(identity) || version, data)
 *
 * rk is a fresh random key per record, so deleting a record (and its
 * wrapped key) destroys the only copy of rk. identity names the record
 * (kind, owner, key id): a record moved to another identity, or presented
 * with another version, does not open. The record hash (SHA-512/256 of the
 * stored bytes) is what consensus commits; srv_record_check compares a
 * stored record with the committed version and hash before anything is
 * decrypted. */
#ifndef SRV_RECORD_H
#define SRV_RECORD_H

#include <stddef.h>
#include <stdint.h>

/* Storage errors (server block; 520..559 are the storage and operations
 * codes of docs/CLUSTER.md). */
enum srv_record_err {
	SRV_ESTALE = 520 /* record older, newer or other than committed */
};

#define SRV_RECORD_KEYBYTES     32
#define SRV_RECORD_HASHBYTES    32
#define SRV_RECORD_OVERHEAD     (4 + 8 + 24 + 32 + 16 + 24 + 16)
#define SRV_RECORD_MAX_IDENTITY 512

/* Seals data as record identity at version. Out: rec (cap >= datalen +
 * SRV_RECORD_OVERHEAD), *reclen. Returns 0, LK_EINVAL (bad arguments) or
 * LK_ECRYPTO. */
int srv_record_seal(uint8_t *rec, size_t cap, size_t *reclen,
    const uint8_t storage_key[SRV_RECORD_KEYBYTES], const uint8_t *identity,
    size_t idlen, uint64_t version, const uint8_t *data, size_t datalen);

/* The hash consensus commits for a stored record. */
void srv_record_hash(
    uint8_t out[SRV_RECORD_HASHBYTES], const uint8_t *rec, size_t reclen);

/* Returns 0 when rec is well-formed and its version and hash equal the
 * committed ones, SRV_ESTALE otherwise (older, newer, or altered bytes). */
int srv_record_check(const uint8_t *rec, size_t reclen, uint64_t version,
    const uint8_t hash[SRV_RECORD_HASHBYTES]);

/* Opens rec for identity. Out: data (cap >= reclen - SRV_RECORD_OVERHEAD),
 * *datalen, *version. Returns 0, SRV_ESTALE (malformed) or LK_EAUTH
 * (another storage key or identity, or tampered bytes), LK_EINVAL (cap too
 * small); data is zeroed on authentication failure. */
int srv_record_open(uint8_t *data, size_t cap, size_t *datalen,
    uint64_t *version, const uint8_t storage_key[SRV_RECORD_KEYBYTES],
    const uint8_t *identity, size_t idlen, const uint8_t *rec, size_t reclen);

#endif
