/* Encrypted storage records (see record.h). */
#include "record.h"

#include <string.h>

#include "lk_common.h"

static const uint8_t magic[4] = { 'L', 'K', 'R', '1' };

/* ad = label || l2(identity) || identity || version */
static size_t
make_ad(uint8_t *ad, const char *label, const uint8_t *identity, size_t idlen,
    uint64_t version)
{
	size_t n = strlen(label), i;

	memcpy(ad, label, n);
	ad[n++] = (uint8_t) (idlen >> 8);
	ad[n++] = (uint8_t) idlen;
	memcpy(ad + n, identity, idlen);
	n += idlen;
	for (i = 0; i < 8; i++)
		ad[n++] = (uint8_t) (version >> (56 - 8 * i));
	return n;
}

int
srv_record_seal(uint8_t *rec, size_t cap, size_t *reclen,
    const uint8_t storage_key[SRV_RECORD_KEYBYTES], const uint8_t *identity,
    size_t idlen, uint64_t version, const uint8_t *data, size_t datalen)
{
	uint8_t rk[SRV_RECORD_KEYBYTES],
	    ad[16 + 2 + SRV_RECORD_MAX_IDENTITY + 8];
	size_t adlen, i;
	uint8_t *p = rec;
	int rv = LK_ECRYPTO;

	*reclen = 0;
	if (idlen > SRV_RECORD_MAX_IDENTITY || datalen > cap
	    || cap - datalen < SRV_RECORD_OVERHEAD)
		return LK_EINVAL;
	memcpy(p, magic, 4);
	for (i = 0; i < 8; i++)
		p[4 + i] = (uint8_t) (version >> (56 - 8 * i));
	p += 12;
	lk_random(rk, sizeof(rk));
	lk_random(p, 24); /* wrap nonce */
	adlen = make_ad(ad, "lk-wrap-v1", identity, idlen, version);
	if (lk_xaead_seal(p + 24, rk, sizeof(rk), ad, adlen, p, storage_key)
	    != 0)
		goto out;
	p += 24 + 32 + 16;
	lk_random(p, 24); /* body nonce */
	adlen = make_ad(ad, "lk-rec-v1", identity, idlen, version);
	if (lk_xaead_seal(p + 24, data, datalen, ad, adlen, p, rk) != 0)
		goto out;
	*reclen = SRV_RECORD_OVERHEAD + datalen;
	rv = 0;
out:
	lk_wipe(rk, sizeof(rk));
	return rv;
}

void
srv_record_hash(
    uint8_t out[SRV_RECORD_HASHBYTES], const uint8_t *rec, size_t reclen)
{
	uint8_t h[LK_SHA512_BYTES];

	lk_sha512(h, rec, reclen);
	memcpy(out, h, SRV_RECORD_HASHBYTES);
}

static int
parse_version(const uint8_t *rec, size_t reclen, uint64_t *version)
{
	size_t i;

	*version = 0;
	if (reclen < SRV_RECORD_OVERHEAD || memcmp(rec, magic, 4) != 0)
		return SRV_ESTALE;
	for (i = 0; i < 8; i++)
		*version = *version << 8 | rec[4 + i];
	return 0;
}

int
srv_record_check(const uint8_t *rec, size_t reclen, uint64_t version,
    const uint8_t hash[SRV_RECORD_HASHBYTES])
{
	uint8_t h[SRV_RECORD_HASHBYTES];
	uint64_t v;

	if (parse_version(rec, reclen, &v) != 0 || v != version)
		return SRV_ESTALE;
	srv_record_hash(h, rec, reclen);
	/* Public values (hashes of ciphertext), but compare without early
	 * exit anyway. */
	return lk_ct_eq(h, hash, SRV_RECORD_HASHBYTES) ? 0 : SRV_ESTALE;
}

int
srv_record_open(uint8_t *data, size_t cap, size_t *datalen, uint64_t *version,
    const uint8_t storage_key[SRV_RECORD_KEYBYTES], const uint8_t *identity,
    size_t idlen, const uint8_t *rec, size_t reclen)
{
	uint8_t rk[SRV_RECORD_KEYBYTES],
	    ad[16 + 2 + SRV_RECORD_MAX_IDENTITY + 8];
	const uint8_t *p;
	size_t adlen, n;
	int rv;

	*datalen = 0;
	if ((rv = parse_version(rec, reclen, version)) != 0
	    || idlen > SRV_RECORD_MAX_IDENTITY)
		return SRV_ESTALE;
	n = reclen - SRV_RECORD_OVERHEAD;
	if (n > cap)
		return LK_EINVAL;
	p = rec + 12;
	adlen = make_ad(ad, "lk-wrap-v1", identity, idlen, *version);
	if (lk_xaead_open(rk, p + 24, 32 + 16, ad, adlen, p, storage_key)
	    != 0) {
		lk_wipe(data, n);
		rv = LK_EAUTH;
		goto out;
	}
	p += 24 + 32 + 16;
	adlen = make_ad(ad, "lk-rec-v1", identity, idlen, *version);
	if (lk_xaead_open(data, p + 24, n + 16, ad, adlen, p, rk) != 0) {
		rv = LK_EAUTH;
		goto out;
	}
	*datalen = n;
	rv = 0;
out:
	lk_wipe(rk, sizeof(rk));
	return rv;
}
