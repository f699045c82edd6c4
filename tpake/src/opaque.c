/* RFC 9807 OPAQUE-3DH pieces shared by every mode: envelope keys and tag,
 * credential-response masking, and the 3DH key schedule. The threshold
 * mode reuses them with a per-server masking-key label and an extension of
 * the envelope's authenticated data; with n = 1 both are exactly the RFC. */
#include <string.h>

#include <sodium.h>

#include "tpake_int.h"

static void
put_l2(uint8_t out[2], size_t v)
{
	out[0] = (uint8_t) (v >> 8);
	out[1] = (uint8_t) v;
}

void
tpake_expand_iov(uint8_t *out, size_t outlen, const uint8_t *key, size_t keylen,
    const struct tpake_iov *info, size_t ninfo)
{
	struct lk_hmac512 h;
	uint8_t t[64], one = 1;
	size_t i;

	/* HKDF-Expand with a single block: T(1) = HMAC(prk, info || 0x01). */
	lk_hmac512_init(&h, key, keylen);
	for (i = 0; i < ninfo; i++)
		if (info[i].len > 0)
			lk_hmac512_update(&h, info[i].p, info[i].len);
	lk_hmac512_update(&h, &one, 1);
	lk_hmac512_final(&h, t);
	memcpy(out, t, outlen);
	lk_wipe(t, sizeof(t));
}

void
tpake_env_ext_init(struct tpake_env_ext *x, uint8_t t, uint8_t n, uint8_t index,
    const uint8_t commit_hash[TPAKE_COMMIT_HASH_BYTES])
{
	memset(x, 0, sizeof(*x));
	if (n == 1)
		return;
	/* Fixed-length block: "TPAKEv1" || t || n || index || H(C). */
	memcpy(x->b, "TPAKEv1", 7);
	x->b[7] = t;
	x->b[8] = n;
	x->b[9] = index;
	memcpy(x->b + 10, commit_hash, TPAKE_COMMIT_HASH_BYTES);
	x->len = TPAKE_ENV_EXT_BYTES;
}

void
tpake_masking_key(
    uint8_t out[64], const uint8_t rwd[64], uint8_t n, uint8_t index)
{
	uint8_t info[12];

	memcpy(info, "MaskingKey", 10);
	put_l2(info + 10, index);
	(void) lk_hkdf512_expand(out, 64, rwd, 64, info, n == 1 ? 10 : 12);
}

static void
expand_nonce_label(uint8_t *out, size_t outlen, const uint8_t rwd[64],
    const uint8_t nonce[32], const char *label)
{
	uint8_t info[32 + 16];
	size_t l = strlen(label);

	memcpy(info, nonce, 32);
	memcpy(info + 32, label, l);
	(void) lk_hkdf512_expand(out, outlen, rwd, 64, info, 32 + l);
}

int
tpake_env_keys(
    struct tpake_env_keys *k, const uint8_t rwd[64], const uint8_t nonce[32])
{
	uint8_t seed[32];
	int rv;

	expand_nonce_label(k->auth_key, 64, rwd, nonce, "AuthKey");
	expand_nonce_label(k->export_key, 64, rwd, nonce, "ExportKey");
	expand_nonce_label(seed, 32, rwd, nonce, "PrivateKey");
	rv = tpake_dh_keypair(&k->client_sk, &k->client_pk, seed);
	lk_wipe(seed, sizeof(seed));
	if (rv != 0)
		tpake_env_keys_clear(k);
	return rv;
}

void
tpake_env_keys_clear(struct tpake_env_keys *k)
{
	lk_wipe(k, sizeof(*k));
}

int
tpake_env_tag(uint8_t tag[64], const struct tpake_env_keys *k,
    const uint8_t nonce[32], const struct tpake_element *server_pk,
    struct tpake_bytes server_id, struct tpake_bytes client_id,
    const struct tpake_env_ext *ext)
{
	struct lk_hmac512 h;
	struct tpake_bytes ids = server_id, idc = client_id;
	uint8_t l2[2];

	/* CleartextCredentials: an absent identity is the public key. */
	if (ids.p == NULL)
		ids = (struct tpake_bytes) { server_pk->b, 32 };
	if (idc.p == NULL)
		idc = (struct tpake_bytes) { k->client_pk.b, 32 };
	if (ids.len > 65535 || idc.len > 65535)
		return TPAKE_ETOOBIG;
	lk_hmac512_init(&h, k->auth_key, 64);
	lk_hmac512_update(&h, nonce, 32);
	lk_hmac512_update(&h, server_pk->b, 32);
	put_l2(l2, ids.len);
	lk_hmac512_update(&h, l2, 2);
	lk_hmac512_update(&h, ids.p, ids.len);
	put_l2(l2, idc.len);
	lk_hmac512_update(&h, l2, 2);
	lk_hmac512_update(&h, idc.p, idc.len);
	if (ext != NULL && ext->len > 0)
		lk_hmac512_update(&h, ext->b, ext->len);
	lk_hmac512_final(&h, tag);
	return 0;
}

void
tpake_mask(uint8_t buf[128], const uint8_t masking_key[64],
    const uint8_t masking_nonce[32])
{
	uint8_t info[32 + 21], pad[128];
	size_t i;

	memcpy(info, masking_nonce, 32);
	memcpy(info + 32, "CredentialResponsePad", 21);
	(void) lk_hkdf512_expand(pad, 128, masking_key, 64, info, sizeof(info));
	for (i = 0; i < 128; i++)
		buf[i] ^= pad[i];
	lk_wipe(pad, sizeof(pad));
}

/* Expand-Label(secret, "OPAQUE-" || label, context, 64). */
static void
expand_label(uint8_t out[64], const uint8_t secret[64], const char *label,
    const uint8_t *ctx, size_t ctxlen)
{
	uint8_t info[2 + 1 + 7 + 32 + 1 + 64];
	size_t l = strlen(label), off = 0;

	put_l2(info, 64);
	off = 2;
	info[off++] = (uint8_t) (7 + l);
	memcpy(info + off, "OPAQUE-", 7);
	off += 7;
	memcpy(info + off, label, l);
	off += l;
	info[off++] = (uint8_t) ctxlen;
	if (ctxlen > 0)
		memcpy(info + off, ctx, ctxlen);
	off += ctxlen;
	(void) lk_hkdf512_expand(out, 64, secret, 64, info, off);
}

int
tpake_ake_keys(struct tpake_ake_keys *out, const uint8_t ikm[96],
    struct tpake_bytes context, struct tpake_bytes client_id,
    const struct tpake_element *client_pk, const uint8_t ke1[96],
    struct tpake_bytes server_id, const struct tpake_element *server_pk,
    const uint8_t ke2_head[256])
{
	crypto_hash_sha512_state st, st2;
	uint8_t th[64], th2[64], prk[64], hs[64], km2[64], km3[64], l2[2];
	struct tpake_bytes idc = client_id, ids = server_id;

	if (idc.p == NULL)
		idc = (struct tpake_bytes) { client_pk->b, 32 };
	if (ids.p == NULL)
		ids = (struct tpake_bytes) { server_pk->b, 32 };
	if (context.len > 65535 || idc.len > 65535 || ids.len > 65535)
		return TPAKE_ETOOBIG;

	/* preamble = "OPAQUEv1-" || l2(context) || l2(idC) || KE1 ||
	 *            l2(idS) || credential_response || server_nonce ||
	 *            server_keyshare */
	crypto_hash_sha512_init(&st);
	crypto_hash_sha512_update(&st, (const uint8_t *) "OPAQUEv1-", 9);
	put_l2(l2, context.len);
	crypto_hash_sha512_update(&st, l2, 2);
	if (context.len > 0)
		crypto_hash_sha512_update(&st, context.p, context.len);
	put_l2(l2, idc.len);
	crypto_hash_sha512_update(&st, l2, 2);
	crypto_hash_sha512_update(&st, idc.p, idc.len);
	crypto_hash_sha512_update(&st, ke1, 96);
	put_l2(l2, ids.len);
	crypto_hash_sha512_update(&st, l2, 2);
	crypto_hash_sha512_update(&st, ids.p, ids.len);
	crypto_hash_sha512_update(&st, ke2_head, 256);
	st2 = st;
	crypto_hash_sha512_final(&st, th);

	lk_hkdf512_extract(prk, NULL, 0, ikm, 96);
	expand_label(hs, prk, "HandshakeSecret", th, 64);
	expand_label(out->session_key, prk, "SessionKey", th, 64);
	expand_label(km2, hs, "ServerMAC", NULL, 0);
	expand_label(km3, hs, "ClientMAC", NULL, 0);
	lk_hmac512(out->server_mac, km2, 64, th, 64);
	crypto_hash_sha512_update(&st2, out->server_mac, 64);
	crypto_hash_sha512_final(&st2, th2);
	lk_hmac512(out->client_mac, km3, 64, th2, 64);

	lk_wipe(prk, sizeof(prk));
	lk_wipe(hs, sizeof(hs));
	lk_wipe(km2, sizeof(km2));
	lk_wipe(km3, sizeof(km3));
	lk_wipe(&st, sizeof(st));
	lk_wipe(&st2, sizeof(st2));
	return 0;
}
