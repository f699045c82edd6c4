/* Tagged, length-prefixed transcript (see lk_transcript.h for the framing). */
#include <string.h>

#include <sodium.h>

#include "lk_common.h"

static void
absorb(struct lk_transcript *t, const char *label, const void *data, size_t len)
{
	size_t ll = strlen(label);
	uint8_t hdr[2 + 8];
	uint64_t l64 = (uint64_t) len;
	int i;

	/* Labels are compile-time strings; anything longer is a bug. */
	if (ll > 0xffff)
		ll = 0xffff;
	hdr[0] = (uint8_t) (ll >> 8);
	hdr[1] = (uint8_t) ll;
	crypto_hash_sha512_update(&t->st, hdr, 2);
	crypto_hash_sha512_update(&t->st, (const uint8_t *) label, ll);
	for (i = 0; i < 8; i++)
		hdr[2 + i] = (uint8_t) (l64 >> (56 - 8 * i));
	crypto_hash_sha512_update(&t->st, hdr + 2, 8);
	if (len > 0)
		crypto_hash_sha512_update(&t->st, data, len);
}

void
lk_transcript_init(struct lk_transcript *t, const char *tag)
{
	static const char domain[] = "LK-TRANSCRIPT-v1";

	crypto_hash_sha512_init(&t->st);
	absorb(t, domain, tag, strlen(tag));
}

void
lk_transcript_append(
    struct lk_transcript *t, const char *label, const void *data, size_t len)
{
	absorb(t, label, data, len);
}

void
lk_transcript_append_u64(struct lk_transcript *t, const char *label, uint64_t v)
{
	uint8_t b[8];
	int i;

	for (i = 0; i < 8; i++)
		b[i] = (uint8_t) (v >> (56 - 8 * i));
	absorb(t, label, b, sizeof(b));
}

void
lk_transcript_digest(const struct lk_transcript *t, uint8_t out[64])
{
	crypto_hash_sha512_state st = t->st;

	crypto_hash_sha512_final(&st, out);
	sodium_memzero(&st, sizeof(st));
}

void
lk_transcript_challenge(const struct lk_transcript *t, const char *label,
    uint8_t *out, size_t outlen)
{
	uint8_t d[64];
	struct lk_hmac512 h;
	uint8_t blk[64];
	uint8_t ctr[8];
	size_t done = 0, n;
	uint64_t i;
	int k;

	lk_transcript_digest(t, d);
	/* Counter-mode HMAC keyed by the digest: any output length. */
	for (i = 0; done < outlen; i++) {
		for (k = 0; k < 8; k++)
			ctr[k] = (uint8_t) (i >> (56 - 8 * k));
		lk_hmac512_init(&h, d, sizeof(d));
		lk_hmac512_update(
		    &h, (const uint8_t *) label, strlen(label) + 1);
		lk_hmac512_update(&h, ctr, sizeof(ctr));
		lk_hmac512_final(&h, blk);
		n = outlen - done < sizeof(blk) ? outlen - done : sizeof(blk);
		memcpy(out + done, blk, n);
		done += n;
	}
	sodium_memzero(d, sizeof(d));
	sodium_memzero(blk, sizeof(blk));
}

void
lk_transcript_clear(struct lk_transcript *t)
{
	sodium_memzero(t, sizeof(*t));
}
