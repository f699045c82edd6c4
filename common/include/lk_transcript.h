/* Tagged, length-prefixed transcript hash (SHA-512).
 *
 * Every item is absorbed as  u16 len(label) || label || u64 len(data) || data
 * after an initial item carrying the protocol tag, so no two different
 * sequences of (label, data) items share an encoding (the TSSHOCK lesson:
 * never concatenate fields without their lengths). */
#ifndef LK_TRANSCRIPT_H
#define LK_TRANSCRIPT_H

#include <stddef.h>
#include <stdint.h>

#include <sodium.h>

struct lk_transcript {
	crypto_hash_sha512_state st;
};

/* Starts a transcript bound to a protocol tag (a NUL-terminated string). */
void lk_transcript_init(struct lk_transcript *t, const char *tag);
void lk_transcript_append(
    struct lk_transcript *t, const char *label, const void *data, size_t len);
void lk_transcript_append_u64(
    struct lk_transcript *t, const char *label, uint64_t v);
/* Writes the 64-byte digest. The transcript stays usable (finalizing works
 * on a copy), so a protocol can fork challenges off a running transcript. */
void lk_transcript_digest(const struct lk_transcript *t, uint8_t out[64]);
/* Derives outlen bytes (any length, HKDF-expand of the digest under
 * label) for challenges longer or shorter than 64 bytes. */
void lk_transcript_challenge(const struct lk_transcript *t, const char *label,
    uint8_t *out, size_t outlen);
void lk_transcript_clear(struct lk_transcript *t);

#endif
