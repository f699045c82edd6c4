/* Strict hex and base64url codecs. Decoders accept exactly one spelling of
 * each byte string (apart from hex letter case) and reject everything else,
 * so that encodings can be compared and hashed. */
#include <string.h>

#include <sodium.h>

#include "lk_enc.h"
#include "lk_err.h"

int
lk_hex_encode(char *out, size_t outcap, const uint8_t *in, size_t inlen)
{
	if (inlen > (SIZE_MAX - 1) / 2 || outcap < LK_HEX_LEN(inlen))
		return LK_ETOOBIG;
	sodium_bin2hex(out, outcap, in, inlen);
	return LK_OK;
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
lk_hex_decode(uint8_t *out, size_t *outlen, const char *in)
{
	size_t n = strlen(in), cap = *outlen, i;

	*outlen = 0;
	if (n % 2 != 0)
		return LK_EDECODE;
	if (n / 2 > cap)
		return LK_ETOOBIG;
	for (i = 0; i < n / 2; i++) {
		int hi = hexval(in[2 * i]), lo = hexval(in[2 * i + 1]);
		if (hi < 0 || lo < 0) {
			sodium_memzero(out, i);
			return LK_EDECODE;
		}
		out[i] = (uint8_t) (hi << 4 | lo);
	}
	*outlen = n / 2;
	return LK_OK;
}

int
lk_hex_decode_exact(uint8_t *out, size_t n, const char *in)
{
	size_t len = n;
	int rv;

	if (strlen(in) != 2 * n)
		return LK_EDECODE;
	if ((rv = lk_hex_decode(out, &len, in)) != 0)
		return rv;
	return len == n ? LK_OK : LK_EDECODE;
}

int
lk_b64_encode(char *out, size_t outcap, const uint8_t *in, size_t inlen)
{
	size_t need = sodium_base64_ENCODED_LEN(
	    inlen, sodium_base64_VARIANT_URLSAFE_NO_PADDING);

	if (outcap < need)
		return LK_ETOOBIG;
	sodium_bin2base64(
	    out, outcap, in, inlen, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	return LK_OK;
}

int
lk_b64_decode(uint8_t *out, size_t *outlen, const char *in)
{
	size_t n = strlen(in), cap = *outlen, bin = 0;
	const char *end = NULL;

	*outlen = 0;
	/* A length of 1 mod 4 can never come from an encoder. */
	if (n % 4 == 1)
		return LK_EDECODE;
	if ((n / 4) * 3 + (n % 4 ? n % 4 - 1 : 0) > cap)
		return LK_ETOOBIG;
	/* libsodium rejects non-zero trailing bits and, with ignore = NULL,
	 * any character outside the alphabet. */
	if (sodium_base642bin(out, cap, in, n, NULL, &bin, &end,
	        sodium_base64_VARIANT_URLSAFE_NO_PADDING)
	        != 0
	    || end != in + n) {
		sodium_memzero(out, cap);
		return LK_EDECODE;
	}
	*outlen = bin;
	return LK_OK;
}
