/* BIP32 non-hardened (public) derivation: for each index i < 2^31,
 * I = HMAC-SHA512(chain code, ser_P(K) || ser_32(i)), K' = K + I_L*G,
 * c' = I_R. The tweaks I_L add up to `shift`, so a presignature of the
 * parent key signs under the child: sigma_i gains k_i*r*shift. */
#include <stdlib.h>
#include <string.h>

#include "proto_int.h"

int
mpc_bip32_parse_path(uint32_t *path, size_t *depth, const char *s)
{
	size_t d = 0;

	ARG_CHECK(path != NULL && depth != NULL && s != NULL);
	*depth = 0;
	if (s[0] != 'm')
		return MPC_EDECODE;
	s++;
	while (*s != 0) {
		uint64_t v = 0;
		int digits = 0;

		if (*s != '/' || d >= MPC_BIP32_MAX_DEPTH)
			return MPC_EDECODE;
		s++;
		while (*s >= '0' && *s <= '9') {
			if (digits > 0 && v == 0)
				return MPC_EDECODE; /* no leading zeros */
			v = v * 10 + (uint64_t) (*s - '0');
			if (v > 0xffffffffu)
				return MPC_EDECODE;
			digits++;
			s++;
		}
		if (digits == 0)
			return MPC_EDECODE;
		if (*s == '\'' || *s == 'h' || *s == 'H'
		    || v >= MPC_BIP32_HARDENED)
			return MPC_EDERIVE;
		path[d++] = (uint32_t) v;
	}
	*depth = d;
	return 0;
}

int
mpc_bip32_derive(struct mpc_ctx *ctx, struct mpc_derivation *out,
    const uint8_t pubkey[static MPC_POINT_BYTES],
    const uint8_t chaincode[static MPC_CHAINCODE_BYTES], const uint32_t *path,
    size_t depth)
{
	struct mpc_point K, T;
	struct mpc_scalar il;
	uint8_t data[MPC_POINT_BYTES + 4], I[64];
	size_t i;
	int rv;

	ARG_CHECK(ctx != NULL && out != NULL && pubkey != NULL
	    && chaincode != NULL && (path != NULL || depth == 0)
	    && depth <= MPC_BIP32_MAX_DEPTH);
	memset(out, 0, sizeof(*out));
	if ((rv = mpc_point_decode(ctx, &K, pubkey, 0)) != 0)
		return rv;
	memcpy(out->chaincode, chaincode, MPC_CHAINCODE_BYTES);
	mpc_scalar_set_u64(&out->shift, 0);
	for (i = 0; i < depth; i++) {
		if (path[i] >= MPC_BIP32_HARDENED) {
			rv = MPC_EDERIVE;
			goto fail;
		}
		mpc_point_encode(data, &K);
		data[33] = (uint8_t) (path[i] >> 24);
		data[34] = (uint8_t) (path[i] >> 16);
		data[35] = (uint8_t) (path[i] >> 8);
		data[36] = (uint8_t) path[i];
		lk_hmac512(
		    I, out->chaincode, MPC_CHAINCODE_BYTES, data, sizeof(data));
		/* I_L >= q or a child at infinity: invalid (BIP32 skips) */
		if (mpc_scalar_decode(&il, I) != 0) {
			rv = MPC_EDERIVE;
			goto fail;
		}
		if ((rv = mpc_point_mul_base(ctx, &T, &il)) != 0
		    || (rv = mpc_point_add_var(ctx, &K, &K, &T)) != 0)
			goto fail;
		if (mpc_point_is_identity(&K)) {
			rv = MPC_EDERIVE;
			goto fail;
		}
		mpc_scalar_add(&out->shift, &out->shift, &il);
		memcpy(out->chaincode, I + 32, MPC_CHAINCODE_BYTES);
	}
	mpc_point_encode(out->pubkey, &K);
	out->depth = (uint32_t) depth;
	lk_wipe(I, sizeof(I));
	return 0;
fail:
	lk_wipe(I, sizeof(I));
	memset(out, 0, sizeof(*out));
	return rv;
}
