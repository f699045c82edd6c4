/* Strict hex and base64url (RFC 4648 section 5, no padding) codecs. */
#ifndef LK_ENC_H
#define LK_ENC_H

#include <stddef.h>
#include <stdint.h>

/* Size of the text (including the NUL) that encodes n bytes. */
#define LK_HEX_LEN(n) (2 * (n) + 1)
#define LK_B64_LEN(n) ((((n) + 2) / 3) * 4 + 1)

/* lk_hex_encode writes lowercase hex of in[0..inlen) and a NUL into out.
 * Returns 0, or LK_ETOOBIG when outcap < LK_HEX_LEN(inlen). */
int lk_hex_encode(char *out, size_t outcap, const uint8_t *in, size_t inlen);

/* lk_hex_decode parses exactly strlen(in) hex digits (either case, no
 * whitespace, even count) into out. *outlen: capacity in, written size out.
 * Returns 0, LK_EDECODE or LK_ETOOBIG; *outlen is 0 on failure. */
int lk_hex_decode(uint8_t *out, size_t *outlen, const char *in);

/* lk_hex_decode_exact requires the text to decode to exactly n bytes. */
int lk_hex_decode_exact(uint8_t *out, size_t n, const char *in);

/* base64url without padding; the decoder rejects padding, whitespace,
 * characters outside the alphabet and non-zero trailing bits. */
int lk_b64_encode(char *out, size_t outcap, const uint8_t *in, size_t inlen);
int lk_b64_decode(uint8_t *out, size_t *outlen, const char *in);

#endif
